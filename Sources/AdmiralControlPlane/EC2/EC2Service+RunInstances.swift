import AdmiralModel
import AdmiralStore
import Foundation

extension EC2Service {
    /// What RunInstances (or an Auto Scaling group) asks for, once the launch template and
    /// the request's own members are merged.
    struct LaunchPlan: Sendable {
        var imageId: String
        var instanceType: String
        var subnetId: String?
        var zone: String?
        var securityGroupIds: [String]
        var securityGroupNames: [String]
        var userData: String?
        var keyName: String?
        var minCount: Int
        var maxCount: Int
        var clientToken: String?
        var tags: [String: String]
        var launchTemplateId: String?
        var launchTemplateVersion: String?
    }

    /// The instances that may be pending, running or shutting down at once (EC2's
    /// per-account instance quota; every one is a host with an agent).
    public static let instanceLimit = 10_000

    public func runInstances(_ input: EC2.RunInstancesRequest, context: RequestContext) async throws -> EC2.Reservation
    {
        guard input.minCount >= 1 else {
            throw EC2Errors.invalidParameterValue(
                "Value (\(input.minCount)) for parameter minCount is invalid. Expected a positive integer.")
        }
        guard input.maxCount >= input.minCount else {
            throw EC2Errors.invalidParameterValue(
                "Value (\(input.maxCount)) for parameter maxCount is invalid. maxCount must be at least minCount.")
        }
        var template: (id: String, version: String, data: EC2.ResponseLaunchTemplateData)?
        if let spec = input.launchTemplate {
            let resolved = try await launchTemplateVersion(
                id: spec.launchTemplateId, name: spec.launchTemplateName, version: spec.version)
            template = (
                resolved.template.launchTemplateId, String(resolved.version.versionNumber), resolved.version.data
            )
        }
        let data = template?.data
        guard let imageId = input.imageId ?? data?.imageId else {
            throw EC2Errors.missingParameter("The request must contain the parameter ImageId")
        }
        var subnetId = input.subnetId ?? data?.networkInterfaces?.first?.subnetId
        if subnetId == nil, let first = input.networkInterfaces?.first { subnetId = first.subnetId }
        var groupIds = input.securityGroupIds ?? data?.securityGroupIds ?? []
        groupIds += input.networkInterfaces?.first?.groups ?? data?.networkInterfaces?.first?.groups ?? []
        var tags = try Self.tags(input.tagSpecifications, for: .instance, also: [.volume, .networkInterface])
        for specification in data?.tagSpecifications ?? [] where specification.resourceType == .instance {
            for tag in specification.tags ?? [] where tags[tag.key ?? ""] == nil {
                tags[tag.key ?? ""] = tag.value ?? ""
            }
        }
        let plan = LaunchPlan(
            imageId: imageId, instanceType: input.instanceType?.rawValue ?? data?.instanceType?.rawValue ?? "t3.micro",
            subnetId: subnetId, zone: input.placement?.availabilityZone ?? data?.placement?.availabilityZone,
            securityGroupIds: groupIds, securityGroupNames: input.securityGroups ?? data?.securityGroups ?? [],
            userData: input.userData ?? data?.userData, keyName: input.keyName ?? data?.keyName,
            minCount: input.minCount, maxCount: input.maxCount, clientToken: input.clientToken, tags: tags,
            launchTemplateId: template?.id, launchTemplateVersion: template?.version)
        let (instances, state) = try await launch(plan, now: context.now)
        wakeups.signal()
        return reservations(instances, state: state).first
            ?? EC2.Reservation(
                reservationId: instances.first?.reservationId, ownerId: accountId, groups: [], instances: [])
    }

    /// Checks a plan and creates its instances, pending, in one transaction.
    func launch(_ plan: LaunchPlan, now: Date) async throws -> ([InstanceRecord], EC2State) {
        guard EC2Catalogue.images.contains(where: { $0.imageId == plan.imageId }) else {
            if !EC2IDs.isWellFormed(plan.imageId, prefix: "ami") {
                throw EC2Errors.malformed(
                    "InvalidAMIID.Malformed", "Invalid id: \"\(plan.imageId)\" (expecting \"ami-...\")")
            }
            throw EC2Errors.notFound("InvalidAMIID.NotFound", "The image id '[\(plan.imageId)]' does not exist")
        }
        guard EC2Catalogue.instanceTypesByName[plan.instanceType] != nil else {
            throw EC2Errors.invalidParameterValue(
                "The instance type '\(plan.instanceType)' is not offered by this server; DescribeInstanceTypes lists "
                    + "those it offers.")
        }
        if let userData = plan.userData, Data(base64Encoded: userData) == nil {
            throw EC2Errors.invalidParameterValue("Invalid BASE64 encoding of user data.")
        }
        if let zone = plan.zone, !zones.contains(zone) {
            throw EC2Errors.invalidParameterValue(
                "Invalid availability zone: [\(zone)]; this server's zones are \(zones.joined(separator: ", ")).")
        }
        let zones = self.zones
        return try await update { state in
            if let token = plan.clientToken,
                let earlier = state.instances.values.first(where: { $0.clientToken == token })
            {
                let reservation = state.instances.values.filter { $0.reservationId == earlier.reservationId }
                return (reservation.sorted { $0.amiLaunchIndex < $1.amiLaunchIndex }, state)
            }
            // The account's instance quota: a launch gets what is left of it (MaxCount is
            // cut down to it, as EC2 launches the most it can), never more.
            let live = state.instances.values.filter { $0.state < .terminated }.count
            let available = max(0, Self.instanceLimit - live)
            guard plan.minCount <= available else {
                throw EC2Errors.code(
                    "InstanceLimitExceeded",
                    "You have requested more instances (\(plan.minCount)) than your current instance limit of "
                        + "\(Self.instanceLimit) allows (\(live) are running or starting).")
            }
            let subnet = try Self.chooseSubnet(plan, zones: zones, state: state)
            let groups = try Self.resolveGroups(plan, vpcId: subnet.vpcId, state: state)
            let addresses = Self.freeAddresses(in: subnet, state: state, limit: min(plan.maxCount, available))
            guard addresses.count >= plan.minCount else {
                throw EC2Errors.code(
                    "InsufficientFreeAddressesInSubnet",
                    "There are not enough free addresses in subnet '\(subnet.subnetId)' to satisfy the requested "
                        + "number of instances.")
            }
            let reservationId = EC2IDs.make("r")
            var created: [InstanceRecord] = []
            for (index, address) in addresses.enumerated() {
                let keys = InstanceCredentials.newKeys()
                var instance = InstanceRecord(
                    instanceId: EC2IDs.make("i"), reservationId: reservationId, amiLaunchIndex: index,
                    imageId: plan.imageId, instanceType: plan.instanceType, subnetId: subnet.subnetId,
                    vpcId: subnet.vpcId, availabilityZone: subnet.availabilityZone,
                    privateIpAddress: IPv4CIDR.format(address), securityGroupIds: groups, userData: plan.userData,
                    keyName: plan.keyName, state: .pending, launchTime: now, clientToken: plan.clientToken,
                    tags: plan.tags, accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey)
                instance.launchTemplateId = plan.launchTemplateId
                instance.launchTemplateVersion = plan.launchTemplateVersion
                state.instances[instance.instanceId] = instance
                created.append(instance)
            }
            return (created, state)
        }
    }

    /// The subnet named, else the default subnet of the zone named, else the default
    /// subnet with the fewest live instances.
    static func chooseSubnet(_ plan: LaunchPlan, zones: [String], state: EC2State) throws(AdmiralError) -> SubnetRecord
    {
        if let id = plan.subnetId {
            guard let subnet = state.subnets[id] else {
                throw EC2Errors.notFound("InvalidSubnetID.NotFound", "The subnet ID '\(id)' does not exist")
            }
            if let zone = plan.zone, zone != subnet.availabilityZone {
                throw EC2Errors.invalidParameterValue(
                    "The subnet '\(id)' is in \(subnet.availabilityZone), not in the requested zone \(zone).")
            }
            return subnet
        }
        guard let vpc = state.defaultVpc else {
            throw EC2Errors.code("VPCIdNotSpecified", "No default VPC for this user. Name a subnet with SubnetId.")
        }
        let defaults = state.subnets.values.filter { $0.vpcId == vpc.vpcId && $0.defaultForAz }
        if let zone = plan.zone {
            guard let subnet = defaults.first(where: { $0.availabilityZone == zone }) else {
                throw EC2Errors.code("VPCIdNotSpecified", "No default subnet for availability zone: '\(zone)'.")
            }
            return subnet
        }
        let load = { (subnet: SubnetRecord) in
            state.instances.values.filter { $0.subnetId == subnet.subnetId && $0.state != .terminated }.count
        }
        guard
            let subnet = defaults.min(by: {
                (load($0), $0.availabilityZone) < (load($1), $1.availabilityZone)
            })
        else {
            throw EC2Errors.code(
                "VPCIdNotSpecified", "The default VPC has no default subnet. Name a subnet with SubnetId.")
        }
        return subnet
    }

    /// The groups by id and by name, all in the subnet's VPC; none means the VPC's default group.
    static func resolveGroups(_ plan: LaunchPlan, vpcId: String, state: EC2State) throws(AdmiralError) -> [String] {
        var ids: [String] = []
        for id in plan.securityGroupIds {
            guard let group = state.securityGroups[id] else {
                throw EC2Errors.notFound("InvalidGroup.NotFound", "The security group '\(id)' does not exist")
            }
            guard group.vpcId == vpcId else {
                throw EC2Errors.invalidParameter(
                    "Security group \(id) and subnet belong to different networks.")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        for name in plan.securityGroupNames {
            guard let group = state.securityGroups.values.first(where: { $0.vpcId == vpcId && $0.groupName == name })
            else {
                throw EC2Errors.notFound(
                    "InvalidGroup.NotFound", "The security group '\(name)' does not exist in VPC '\(vpcId)'")
            }
            if !ids.contains(group.groupId) { ids.append(group.groupId) }
        }
        if ids.isEmpty,
            let group = state.securityGroups.values.first(where: { $0.vpcId == vpcId && $0.groupName == "default" })
        {
            ids = [group.groupId]
        }
        return ids
    }

    /// Up to `limit` addresses of the subnet that no live instance holds, lowest first
    /// (the first four and the last address are AWS's).
    static func freeAddresses(in subnet: SubnetRecord, state: EC2State, limit: Int) -> [UInt32] {
        guard let range = IPv4CIDR(subnet.cidrBlock)?.usableAddresses else { return [] }
        let used = Set(
            state.instances.values.filter { $0.subnetId == subnet.subnetId && $0.state != .terminated }
                .compactMap { IPv4CIDR.parseAddress($0.privateIpAddress) })
        var free: [UInt32] = []
        var address = range.lowerBound
        while free.count < limit {
            if !used.contains(address) { free.append(address) }
            if address == range.upperBound { break }
            address += 1
        }
        return free
    }
}
