import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// CreateLaunchConfiguration.
    public func createLaunchConfiguration(
        _ input: EC2AutoScaling.CreateLaunchConfigurationType, context: RequestContext
    ) async throws {
        let name = input.launchConfigurationName
        guard !name.isEmpty, name.count <= 255 else {
            throw AdmiralError.validation("LaunchConfigurationName must be 1 to 255 characters long.")
        }
        guard input.instanceId == nil else {
            throw AdmiralError.validation(
                "Admiral does not create launch configurations from an instance; give ImageId and InstanceType.")
        }
        guard let imageId = input.imageId, !imageId.isEmpty else {
            throw AdmiralError.validation("Invalid launch configuration: ImageId is required.")
        }
        guard let instanceType = input.instanceType, !instanceType.isEmpty else {
            throw AdmiralError.validation("Invalid launch configuration: InstanceType is required.")
        }
        if let fleet, !(await fleet.instanceTypeExists(instanceType)) {
            throw AdmiralError.validation("Invalid instance type: \(instanceType)")
        }
        if let userData = input.userData, Data(base64Encoded: userData) == nil {
            throw AdmiralError.validation("Invalid BASE64 encoding of user data.")
        }
        let configuration = EC2AutoScaling.LaunchConfiguration(
            launchConfigurationName: name,
            launchConfigurationARN: Self.launchConfigurationARN(name, context: context), imageId: imageId,
            keyName: input.keyName ?? "", securityGroups: input.securityGroups ?? [],
            classicLinkVPCSecurityGroups: [], userData: input.userData ?? "", instanceType: instanceType,
            kernelId: input.kernelId ?? "", ramdiskId: input.ramdiskId ?? "",
            blockDeviceMappings: input.blockDeviceMappings ?? [],
            instanceMonitoring: input.instanceMonitoring ?? .init(enabled: true), spotPrice: input.spotPrice,
            iamInstanceProfile: input.iamInstanceProfile, createdTime: context.now,
            ebsOptimized: input.ebsOptimized ?? false, associatePublicIpAddress: input.associatePublicIpAddress,
            placementTenancy: input.placementTenancy, metadataOptions: input.metadataOptions)
        try await store.write { transaction in
            if try transaction.launchConfiguration(name) != nil {
                throw AdmiralError(
                    .alreadyExists,
                    "Launch Configuration by this name already exists - A launch configuration already exists with "
                        + "the name \(name)")
            }
            if try transaction.count(.launchConfiguration) >= GroupRules.maxLaunchConfigurations {
                throw AdmiralError(
                    .autoScalingLimitExceeded,
                    "Max number of launch configurations reached (\(GroupRules.maxLaunchConfigurations)).")
            }
            try transaction.put(configuration)
        }
    }

    /// DescribeLaunchConfigurations.
    public func describeLaunchConfigurations(
        _ input: EC2AutoScaling.LaunchConfigurationNamesType, context: RequestContext
    ) async throws -> EC2AutoScaling.LaunchConfigurationsType {
        let names = Set(input.launchConfigurationNames ?? [])
        let all = try await store.read { transaction in try transaction.launchConfigurations() }
        let chosen = names.isEmpty ? all : all.filter { names.contains($0.launchConfigurationName) }
        let (page, next) = try Self.page(chosen, token: input.nextToken, maxRecords: input.maxRecords)
        return EC2AutoScaling.LaunchConfigurationsType(launchConfigurations: page, nextToken: next)
    }

    /// DeleteLaunchConfiguration: refused while a group uses it.
    public func deleteLaunchConfiguration(
        _ input: EC2AutoScaling.LaunchConfigurationNameType, context: RequestContext
    ) async throws {
        let name = input.launchConfigurationName
        try await store.write { transaction in
            guard try transaction.launchConfiguration(name) != nil else {
                throw GroupRules.launchConfigurationNotFound(name)
            }
            if let user = try transaction.groups().first(where: { $0.group.launchConfigurationName == name }) {
                throw AdmiralError(
                    .resourceInUse,
                    "Cannot delete launch configuration \(name) because it is attached to AutoScalingGroup "
                        + "\(user.name)")
            }
            try transaction.delete(.launchConfiguration, name: name)
        }
    }
}
