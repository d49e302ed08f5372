import AdmiralModel
import AdmiralStore
import Foundation

/// What EC2 Auto Scaling asks of the registry.
extension EC2Service: EC2Fleet {
    static func info(_ subnet: SubnetRecord) -> EC2SubnetInfo {
        EC2SubnetInfo(
            subnetId: subnet.subnetId, vpcId: subnet.vpcId, availabilityZone: subnet.availabilityZone,
            cidrBlock: subnet.cidrBlock)
    }

    static func info(_ instance: InstanceRecord) -> EC2InstanceInfo {
        EC2InstanceInfo(
            instanceId: instance.instanceId,
            state: EC2InstanceInfo.State(rawValue: instance.state.rawValue) ?? .pending,
            instanceType: instance.instanceType, availabilityZone: instance.availabilityZone,
            subnetId: instance.subnetId, privateIpAddress: instance.privateIpAddress, launchTime: instance.launchTime,
            statusOK: instance.hostGoneReason == nil)
    }

    public func subnet(id: String) async throws -> EC2SubnetInfo {
        guard let subnet = try await state().subnets[id] else {
            throw EC2Errors.notFound("InvalidSubnetID.NotFound", "The subnet ID '\(id)' does not exist")
        }
        return Self.info(subnet)
    }

    public func defaultSubnets() async throws -> [EC2SubnetInfo] {
        let state = try await self.state()
        guard let vpc = state.defaultVpc else { return [] }
        return state.subnets.values.filter { $0.vpcId == vpc.vpcId && $0.defaultForAz }
            .sorted { $0.availabilityZone < $1.availabilityZone }.map(Self.info)
    }

    public func launchTemplate(id: String?, name: String?, version: String?) async throws -> EC2LaunchSpec {
        let (template, resolved) = try await launchTemplateVersion(id: id, name: name, version: version)
        let data = resolved.data
        guard let imageId = data.imageId else {
            throw EC2Errors.invalidParameterValue(
                "The launch template \(template.launchTemplateId) version \(resolved.versionNumber) names no ImageId.")
        }
        return EC2LaunchSpec(
            imageId: imageId, instanceType: data.instanceType?.rawValue ?? "t3.micro",
            securityGroupIds: (data.securityGroupIds ?? []) + (data.networkInterfaces?.first?.groups ?? []),
            userData: data.userData, keyName: data.keyName,
            iamInstanceProfile: data.iamInstanceProfile?.arn ?? data.iamInstanceProfile?.name,
            source: "\(template.launchTemplateId):\(resolved.versionNumber)")
    }

    public func instanceTypeExists(_ instanceType: String) async -> Bool {
        EC2Catalogue.instanceTypesByName[instanceType] != nil
    }

    public func launch(_ spec: EC2LaunchSpec, subnetId: String, count: Int, tags: [String: String]) async throws
        -> [EC2InstanceInfo]
    {
        guard count > 0 else { return [] }
        let source = spec.source.split(separator: ":")
        let plan = LaunchPlan(
            imageId: spec.imageId, instanceType: spec.instanceType, subnetId: subnetId, zone: nil,
            securityGroupIds: spec.securityGroupIds, securityGroupNames: [], userData: spec.userData,
            keyName: spec.keyName, minCount: count, maxCount: count, clientToken: nil, tags: tags,
            launchTemplateId: spec.source.hasPrefix("lt-") ? source.first.map(String.init) : nil,
            launchTemplateVersion: spec.source.hasPrefix("lt-") && source.count > 1 ? String(source[1]) : nil)
        let (instances, _) = try await launch(plan, now: Date())
        wakeups.signal()
        return instances.map(Self.info)
    }

    public func terminate(instanceIds: [String]) async throws {
        let ids = instanceIds
        let now = Date()
        try await update { state in
            for id in ids {
                guard var instance = state.instances[id], instance.state < .shuttingDown else { continue }
                Self.beginTermination(&instance, now: now)
                state.instances[id] = instance
            }
        }
        wakeups.signal()
    }

    public func instances(ids: [String]) async throws -> [EC2InstanceInfo] {
        let state = try await self.state()
        let now = Date()
        return ids.compactMap { state.instances[$0] }.filter { visible($0, now: now) }.map(Self.info)
    }
}
