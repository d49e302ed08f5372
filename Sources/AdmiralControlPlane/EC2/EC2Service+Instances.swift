import AdmiralModel
import AdmiralStore
import Foundation

extension EC2Service {
    /// Whether an instance is still describable (terminated ones are, for an hour).
    func visible(_ instance: InstanceRecord, now: Date) -> Bool {
        guard instance.state == .terminated, let at = instance.terminatedAt else { return true }
        return now.timeIntervalSince(at) < terminatedRetention
    }

    // MARK: Images and instance types

    public func describeImages(_ input: EC2.DescribeImagesRequest, context: RequestContext) async throws
        -> EC2.DescribeImagesResult
    {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "architecture", "description", "image-id", "image-type", "is-public", "name", "owner-alias",
                "owner-id", "platform-details", "root-device-type", "state", "virtualization-type", "hypervisor",
            ])
        for id in input.imageIds ?? [] where !EC2Catalogue.images.contains(where: { $0.imageId == id }) {
            if !EC2IDs.isWellFormed(id, prefix: "ami") {
                throw EC2Errors.malformed("InvalidAMIID.Malformed", "Invalid id: \"\(id)\" (expecting \"ami-...\")")
            }
            throw EC2Errors.notFound("InvalidAMIID.NotFound", "The image id '[\(id)]' does not exist")
        }
        let images = EC2Catalogue.images.filter { image in
            if let ids = input.imageIds, !ids.contains(image.imageId) { return false }
            if let owners = input.owners, !owners.isEmpty,
                !owners.contains(where: { $0 == image.ownerAlias || $0 == image.ownerId })
            {
                return false
            }
            return filters.matches(tags: [:]) { name in
                switch name {
                case "architecture": ["x86_64"]
                case "description": [image.description]
                case "image-id": [image.imageId]
                case "image-type": ["machine"]
                case "is-public": ["true"]
                case "name": [image.name]
                case "owner-alias": [image.ownerAlias]
                case "owner-id": [image.ownerId]
                case "platform-details": ["Linux/UNIX"]
                case "root-device-type": ["ebs"]
                case "state": ["available"]
                case "virtualization-type": ["hvm"]
                case "hypervisor": ["xen"]
                default: []
                }
            }
        }
        return EC2.DescribeImagesResult(
            images: images.map { image in
                EC2.Image(
                    platformDetails: "Linux/UNIX", usageOperation: "RunInstances", blockDeviceMappings: [],
                    description: image.description, enaSupport: true, hypervisor: .xen,
                    imageOwnerAlias: image.ownerAlias, name: image.name, rootDeviceName: "/dev/xvda",
                    rootDeviceType: .ebs, sriovNetSupport: "simple", virtualizationType: .hvm, bootMode: .uefiPreferred,
                    imageId: image.imageId, imageLocation: "\(image.ownerAlias)/\(image.name)", state: .available,
                    ownerId: image.ownerId, creationDate: image.creationDate, public: true, architecture: .x8664,
                    imageType: .machine)
            })
    }

    public func describeInstanceTypes(_ input: EC2.DescribeInstanceTypesRequest, context: RequestContext)
        async throws -> EC2.DescribeInstanceTypesResult
    {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "instance-type", "vcpu-info.default-vcpus", "memory-info.size-in-mib", "current-generation",
                "processor-info.supported-architecture", "bare-metal", "burstable-performance-supported",
            ])
        for type in input.instanceTypes ?? [] where EC2Catalogue.instanceTypesByName[type.rawValue] == nil {
            throw EC2Errors.invalidParameterValue(
                "The following supplied instance types do not exist: [\(type.rawValue)]")
        }
        let types = EC2Catalogue.instanceTypes.filter { type in
            if let names = input.instanceTypes, !names.contains(where: { $0.rawValue == type.name }) { return false }
            return filters.matches(tags: [:]) { name in
                switch name {
                case "instance-type": [type.name]
                case "vcpu-info.default-vcpus": [String(type.vCPUs)]
                case "memory-info.size-in-mib": [String(type.memoryMiB)]
                case "current-generation": ["true"]
                case "processor-info.supported-architecture": ["x86_64"]
                case "bare-metal": ["false"]
                case "burstable-performance-supported": [Self.bool(type.name.hasPrefix("t"))]
                default: []
                }
            }
        }.sorted { $0.name < $1.name }
        let page = try Self.page(
            types, key: \.name, maxResults: input.maxResults, nextToken: input.nextToken, bounds: 5...100)
        return EC2.DescribeInstanceTypesResult(
            instanceTypes: page.items.map { type in
                EC2.InstanceTypeInfo(
                    instanceType: EC2.InstanceType(rawValue: type.name), currentGeneration: true,
                    freeTierEligible: type.name == "t3.micro", supportedUsageClasses: [.onDemand, .spot],
                    supportedRootDeviceTypes: [.ebs], supportedVirtualizationTypes: [.hvm], bareMetal: false,
                    hypervisor: .nitro, processorInfo: EC2.ProcessorInfo(supportedArchitectures: [.x8664]),
                    vCpuInfo: EC2.VCpuInfo(
                        defaultVCpus: type.vCPUs, defaultCores: type.vCPUs / 2, defaultThreadsPerCore: 2),
                    memoryInfo: EC2.MemoryInfo(sizeInMiB: type.memoryMiB), instanceStorageSupported: false,
                    hibernationSupported: true, burstablePerformanceSupported: type.name.hasPrefix("t"),
                    dedicatedHostsSupported: false, autoRecoverySupported: true)
            }, nextToken: page.nextToken)
    }

    // MARK: Instances

    func privateDnsName(_ address: String) -> String {
        let dashed = address.replacingOccurrences(of: ".", with: "-")
        return region == "us-east-1" ? "ip-\(dashed).ec2.internal" : "ip-\(dashed).\(region).compute.internal"
    }

    func wire(_ instance: InstanceRecord, state: EC2State) -> EC2.Instance {
        var wire = EC2.Instance(
            architecture: .x8664, blockDeviceMappings: [], clientToken: instance.clientToken, ebsOptimized: false,
            enaSupport: true, hypervisor: .xen, networkInterfaces: nil, rootDeviceName: "/dev/xvda",
            rootDeviceType: .ebs,
            securityGroups: instance.securityGroupIds.map {
                EC2.GroupIdentifier(groupId: $0, groupName: state.securityGroups[$0]?.groupName)
            }, sourceDestCheck: true, tags: Self.wireTags(instance.tags), virtualizationType: .hvm,
            instanceId: instance.instanceId, imageId: instance.imageId,
            state: EC2.InstanceState(
                code: instance.state.code, name: EC2.InstanceStateName(rawValue: instance.state.rawValue)),
            privateDnsName: instance.state == .terminated ? "" : privateDnsName(instance.privateIpAddress),
            publicDnsName: "", stateTransitionReason: instance.stateTransitionReason, keyName: instance.keyName,
            amiLaunchIndex: instance.amiLaunchIndex, productCodes: [],
            instanceType: EC2.InstanceType(rawValue: instance.instanceType), launchTime: instance.launchTime,
            placement: EC2.Placement(
                availabilityZoneId: zoneId(instance.availabilityZone), groupName: "", tenancy: .default,
                availabilityZone: instance.availabilityZone),
            monitoring: EC2.Monitoring(state: .disabled))
        if let code = instance.stateReasonCode {
            wire.stateReason = EC2.StateReason(code: code, message: instance.stateReasonMessage ?? code)
        }
        if instance.state != .terminated {
            wire.subnetId = instance.subnetId
            wire.vpcId = instance.vpcId
            wire.privateIpAddress = instance.privateIpAddress
        }
        if let id = instance.launchTemplateId {
            var tags = wire.tags ?? []
            tags.append(EC2.Tag(key: "aws:ec2launchtemplate:id", value: id))
            tags.append(EC2.Tag(key: "aws:ec2launchtemplate:version", value: instance.launchTemplateVersion ?? "1"))
            wire.tags = tags
        }
        return wire
    }

    /// Reservations in launch order, each with its instances in launch index order.
    func reservations(_ instances: [InstanceRecord], state: EC2State) -> [EC2.Reservation] {
        var order: [String] = []
        var grouped: [String: [InstanceRecord]] = [:]
        for instance in instances.sorted(by: {
            ($0.launchTime, $0.reservationId, $0.amiLaunchIndex) < ($1.launchTime, $1.reservationId, $1.amiLaunchIndex)
        }) {
            if grouped[instance.reservationId] == nil { order.append(instance.reservationId) }
            grouped[instance.reservationId, default: []].append(instance)
        }
        return order.map { id in
            EC2.Reservation(
                reservationId: id, ownerId: accountId, groups: [],
                instances: (grouped[id] ?? []).map { wire($0, state: state) })
        }
    }

    public func describeInstances(_ input: EC2.DescribeInstancesRequest, context: RequestContext) async throws
        -> EC2.DescribeInstancesResult
    {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "availability-zone", "image-id", "instance-id", "instance-state-code", "instance-state-name",
                "instance-type", "instance.group-id", "instance.group-name", "ip-address", "key-name",
                "launch-index", "owner-id", "placement-group-name", "private-dns-name", "private-ip-address",
                "reservation-id", "subnet-id", "vpc-id", "network-interface.subnet-id", "network-interface.vpc-id",
                "group-id", "group-name", "architecture", "root-device-type", "tenancy", "client-token",
            ])
        let state = try await self.state()
        let now = context.now
        let live = state.instances.values.filter { visible($0, now: now) }
        try Self.requireKnown(
            input.instanceIds, in: Set(live.map(\.instanceId)), code: "InvalidInstanceID.NotFound", noun: "instance")
        let matching = live.filter { instance in
            if let ids = input.instanceIds, !ids.contains(instance.instanceId) { return false }
            return filters.matches(tags: instance.tags) { name in
                switch name {
                case "availability-zone": [instance.availabilityZone]
                case "image-id": [instance.imageId]
                case "instance-id": [instance.instanceId]
                case "instance-state-code": [String(instance.state.code)]
                case "instance-state-name": [instance.state.rawValue]
                case "instance-type": [instance.instanceType]
                case "instance.group-id", "group-id": instance.securityGroupIds
                case "instance.group-name", "group-name":
                    instance.securityGroupIds.compactMap { state.securityGroups[$0]?.groupName }
                case "key-name": instance.keyName.map { [$0] } ?? []
                case "launch-index": [String(instance.amiLaunchIndex)]
                case "owner-id": [self.accountId]
                case "private-dns-name": [self.privateDnsName(instance.privateIpAddress)]
                case "private-ip-address": [instance.privateIpAddress]
                case "reservation-id": [instance.reservationId]
                case "subnet-id", "network-interface.subnet-id": [instance.subnetId]
                case "vpc-id", "network-interface.vpc-id": [instance.vpcId]
                case "architecture": ["x86_64"]
                case "root-device-type": ["ebs"]
                case "tenancy": ["default"]
                case "client-token": instance.clientToken.map { [$0] } ?? []
                default: []
                }
            }
        }
        // Pages are whole reservations, in reservation id order.
        let all = reservations(matching, state: state).sorted { ($0.reservationId ?? "") < ($1.reservationId ?? "") }
        let page = try Self.page(
            all, key: { $0.reservationId ?? "" }, maxResults: input.maxResults, nextToken: input.nextToken)
        return EC2.DescribeInstancesResult(nextToken: page.nextToken, reservations: page.items)
    }

    public func describeInstanceStatus(_ input: EC2.DescribeInstanceStatusRequest, context: RequestContext)
        async throws -> EC2.DescribeInstanceStatusResult
    {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "availability-zone", "instance-state-code", "instance-state-name", "instance-status.status",
                "system-status.status", "instance-status.reachability", "system-status.reachability", "instance-id",
            ])
        let state = try await self.state()
        let now = context.now
        let live = state.instances.values.filter { visible($0, now: now) }
        try Self.requireKnown(
            input.instanceIds, in: Set(live.map(\.instanceId)), code: "InvalidInstanceID.NotFound", noun: "instance")
        var statuses: [EC2.InstanceStatus] = []
        for instance in live.sorted(by: { $0.instanceId < $1.instanceId }) {
            if let ids = input.instanceIds, !ids.contains(instance.instanceId) { continue }
            if input.includeAllInstances != true && instance.state != .running { continue }
            let summary: EC2.SummaryStatus
            let reachability: EC2.StatusType
            switch instance.state {
            case .running where instance.hostGoneReason == nil:
                summary = .ok
                reachability = .passed
            case .running:
                summary = .impaired
                reachability = .failed
            case .pending:
                summary = .initializing
                reachability = .initializing
            default:
                summary = .notApplicable
                reachability = .insufficientData
            }
            let passes = filters.matches(tags: [:]) { name in
                switch name {
                case "availability-zone": [instance.availabilityZone]
                case "instance-state-code": [String(instance.state.code)]
                case "instance-state-name": [instance.state.rawValue]
                case "instance-status.status", "system-status.status": [summary.rawValue]
                case "instance-status.reachability", "system-status.reachability": [reachability.rawValue]
                case "instance-id": [instance.instanceId]
                default: []
                }
            }
            guard passes else { continue }
            let details = EC2.InstanceStatusSummary(
                details: [
                    EC2.InstanceStatusDetails(
                        impairedSince: summary == .impaired ? now : nil, name: .reachability, status: reachability)
                ], status: summary)
            statuses.append(
                EC2.InstanceStatus(
                    availabilityZone: instance.availabilityZone, availabilityZoneId: zoneId(instance.availabilityZone),
                    events: [], instanceId: instance.instanceId,
                    instanceState: EC2.InstanceState(
                        code: instance.state.code, name: EC2.InstanceStateName(rawValue: instance.state.rawValue)),
                    instanceStatus: details, systemStatus: details))
        }
        let page = try Self.page(
            statuses, key: { $0.instanceId ?? "" }, maxResults: input.maxResults, nextToken: input.nextToken)
        return EC2.DescribeInstanceStatusResult(instanceStatuses: page.items, nextToken: page.nextToken)
    }

    public func terminateInstances(_ input: EC2.TerminateInstancesRequest, context: RequestContext) async throws
        -> EC2.TerminateInstancesResult
    {
        let ids = input.instanceIds
        let now = context.now
        let changes = try await update { state in
            let known = Set(state.instances.values.filter { self.visible($0, now: now) }.map(\.instanceId))
            try Self.requireKnown(ids, in: known, code: "InvalidInstanceID.NotFound", noun: "instance")
            return ids.compactMap { id -> EC2.InstanceStateChange? in
                guard var instance = state.instances[id] else { return nil }
                let previous = instance.state
                if previous < .shuttingDown {
                    Self.beginTermination(&instance, now: now)
                    state.instances[id] = instance
                }
                return EC2.InstanceStateChange(
                    instanceId: id,
                    currentState: EC2.InstanceState(
                        code: instance.state.code, name: EC2.InstanceStateName(rawValue: instance.state.rawValue)),
                    previousState: EC2.InstanceState(
                        code: previous.code, name: EC2.InstanceStateName(rawValue: previous.rawValue)))
            }
        }
        wakeups.signal()
        return EC2.TerminateInstancesResult(terminatingInstances: changes)
    }

    /// pending or running → shutting-down, as a user's terminate does.
    static func beginTermination(_ instance: inout InstanceRecord, now: Date) {
        instance.state = .shuttingDown
        instance.stateTransitionReason = "User initiated (\(Self.gmt(now)))"
        instance.stateReasonCode = "Client.UserInitiatedShutdown"
        instance.stateReasonMessage = "Client.UserInitiatedShutdown: User initiated shutdown"
    }

    /// `2026-12-07 17:00:00 GMT`, as state transition reasons write times.
    static func gmt(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
