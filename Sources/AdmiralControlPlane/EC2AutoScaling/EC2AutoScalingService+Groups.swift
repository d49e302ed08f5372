import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// CreateAutoScalingGroup.
    public func createAutoScalingGroup(
        _ input: EC2AutoScaling.CreateAutoScalingGroupType, context: RequestContext
    ) async throws {
        let name = input.autoScalingGroupName
        guard !name.isEmpty, name.count <= 255 else {
            throw AdmiralError.validation("AutoScalingGroupName must be 1 to 255 characters long.")
        }
        let sources = [
            input.launchConfigurationName != nil, input.launchTemplate != nil,
            input.mixedInstancesPolicy != nil, input.instanceId != nil,
        ].filter { $0 }.count
        guard sources == 1 else {
            throw AdmiralError.validation(
                sources == 0
                    ? "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or "
                        + "MixedInstancesPolicy parameter."
                    : "Valid requests must contain only one of LaunchTemplate, LaunchConfigurationName, InstanceId "
                        + "or MixedInstancesPolicy parameter.")
        }
        guard input.instanceId == nil else {
            throw AdmiralError.validation(
                "Admiral does not create groups from an instance; give a launch configuration or template.")
        }
        let desired = input.desiredCapacity ?? input.minSize
        try GroupRules.checkSizes(min: input.minSize, max: input.maxSize, desired: desired)
        let healthCheckType = input.healthCheckType ?? "EC2"
        try GroupRules.checkHealthCheckType(healthCheckType)
        try GroupRules.checkTerminationPolicies(input.terminationPolicies ?? [])
        try await checkTemplate(input.launchTemplate, mixed: input.mixedInstancesPolicy)
        let placements = try await placements(
            vpcZoneIdentifier: input.vPCZoneIdentifier, availabilityZones: input.availabilityZones)
        let tags = try Self.groupTags(input.tags ?? [], group: name)
        let now = context.now
        var group = EC2AutoScaling.AutoScalingGroup(
            autoScalingGroupName: name, autoScalingGroupARN: Self.groupARN(name, context: context),
            launchConfigurationName: input.launchConfigurationName, launchTemplate: input.launchTemplate,
            mixedInstancesPolicy: input.mixedInstancesPolicy, minSize: input.minSize, maxSize: input.maxSize,
            desiredCapacity: desired, defaultCooldown: input.defaultCooldown ?? GroupRules.defaultCooldown,
            availabilityZones: [], loadBalancerNames: [], targetGroupARNs: input.targetGroupARNs ?? [],
            healthCheckType: healthCheckType, healthCheckGracePeriod: input.healthCheckGracePeriod ?? 0,
            createdTime: now, suspendedProcesses: [], vPCZoneIdentifier: input.vPCZoneIdentifier ?? "",
            enabledMetrics: [], terminationPolicies: input.terminationPolicies ?? ["Default"],
            newInstancesProtectedFromScaleIn: input.newInstancesProtectedFromScaleIn ?? false,
            serviceLinkedRoleARN:
                "arn:aws:iam::\(context.names.accountId):role/aws-service-role/autoscaling.amazonaws.com/"
                + "AWSServiceRoleForAutoScaling",
            maxInstanceLifetime: input.maxInstanceLifetime, capacityRebalance: input.capacityRebalance ?? false,
            context: input.context, desiredCapacityType: input.desiredCapacityType,
            defaultInstanceWarmup: input.defaultInstanceWarmup, trafficSources: [])
        group.availabilityZones = placements.map(\.availabilityZone)
        let record = AutoScalingGroupRecord(
            group: group, placements: placements, tags: tags,
            desiredCause: ActivityText.created(at: now, desired: desired))
        let lcName = input.launchConfigurationName
        let hooks = try (input.lifecycleHookSpecificationList ?? []).map { spec in
            try LifecycleHookRules.normalized(
                EC2AutoScaling.LifecycleHook(
                    lifecycleHookName: spec.lifecycleHookName, autoScalingGroupName: name,
                    lifecycleTransition: spec.lifecycleTransition, notificationTargetARN: spec.notificationTargetARN,
                    roleARN: spec.roleARN, notificationMetadata: spec.notificationMetadata,
                    heartbeatTimeout: spec.heartbeatTimeout, defaultResult: spec.defaultResult))
        }
        try await store.write { transaction in
            if try transaction.group(name) != nil {
                throw AdmiralError(
                    .alreadyExists,
                    "AutoScalingGroup by this name already exists - A group with the name \(name) already exists")
            }
            if let lcName, try transaction.launchConfiguration(lcName) == nil {
                throw GroupRules.launchConfigurationNotFound(lcName)
            }
            if try transaction.count(.group) >= GroupRules.maxGroups {
                throw AdmiralError(
                    .autoScalingLimitExceeded,
                    "You have reached your maximum number of Auto Scaling groups (\(GroupRules.maxGroups)).")
            }
            try transaction.put(record)
            for hook in hooks {
                try transaction.put(.lifecycleHook, group: name, name: hook.lifecycleHookName ?? "", hook)
            }
        }
        wake()
    }

    /// UpdateAutoScalingGroup. Sizes left out keep their values; a new minimum or maximum
    /// that leaves the desired capacity outside moves it inside, as AWS does.
    public func updateAutoScalingGroup(
        _ input: EC2AutoScaling.UpdateAutoScalingGroupType, context: RequestContext
    ) async throws {
        let name = input.autoScalingGroupName
        if let type = input.healthCheckType { try GroupRules.checkHealthCheckType(type) }
        if let policies = input.terminationPolicies { try GroupRules.checkTerminationPolicies(policies) }
        let sources = [
            input.launchConfigurationName != nil, input.launchTemplate != nil,
            input.mixedInstancesPolicy != nil,
        ].filter { $0 }.count
        guard sources <= 1 else {
            throw AdmiralError.validation(
                "Valid requests must contain only one of LaunchTemplate, LaunchConfigurationName or "
                    + "MixedInstancesPolicy parameter.")
        }
        try await checkTemplate(input.launchTemplate, mixed: input.mixedInstancesPolicy)
        let newPlacements: [AutoScalingGroupPlacement]? =
            if input.vPCZoneIdentifier != nil || input.availabilityZones != nil {
                try await placements(
                    vpcZoneIdentifier: input.vPCZoneIdentifier, availabilityZones: input.availabilityZones)
            } else {
                nil
            }
        let now = context.now
        try await store.write { transaction in
            var record = try Self.requireGroup(name, in: transaction)
            guard !record.deleting else {
                throw AdmiralError(.scalingActivityInProgress, "The group \(name) is being deleted.")
            }
            if let lcName = input.launchConfigurationName {
                guard try transaction.launchConfiguration(lcName) != nil else {
                    throw GroupRules.launchConfigurationNotFound(lcName)
                }
                record.group.launchConfigurationName = lcName
                record.group.launchTemplate = nil
                record.group.mixedInstancesPolicy = nil
            } else if let template = input.launchTemplate {
                record.group.launchTemplate = template
                record.group.launchConfigurationName = nil
                record.group.mixedInstancesPolicy = nil
            } else if let mixed = input.mixedInstancesPolicy {
                record.group.mixedInstancesPolicy = mixed
                record.group.launchConfigurationName = nil
                record.group.launchTemplate = nil
            }
            let old = record.group.desiredCapacity
            let minSize = input.minSize ?? record.group.minSize
            let maxSize = input.maxSize ?? record.group.maxSize
            var desired = input.desiredCapacity ?? old
            if input.desiredCapacity == nil { desired = Swift.min(Swift.max(desired, minSize), maxSize) }
            try GroupRules.checkSizes(min: minSize, max: maxSize, desired: desired)
            record.group.minSize = minSize
            record.group.maxSize = maxSize
            record.group.desiredCapacity = desired
            if desired != old {
                record.desiredCause = ActivityText.updated(
                    at: now, min: minSize, max: maxSize, desired: desired, from: old)
            }
            if let value = input.defaultCooldown { record.group.defaultCooldown = value }
            if let value = input.healthCheckType { record.group.healthCheckType = value }
            if let value = input.healthCheckGracePeriod { record.group.healthCheckGracePeriod = value }
            if let value = input.terminationPolicies { record.group.terminationPolicies = value }
            if let value = input.newInstancesProtectedFromScaleIn {
                record.group.newInstancesProtectedFromScaleIn = value
            }
            if let value = input.maxInstanceLifetime { record.group.maxInstanceLifetime = value }
            if let value = input.capacityRebalance { record.group.capacityRebalance = value }
            if let value = input.defaultInstanceWarmup { record.group.defaultInstanceWarmup = value }
            if let newPlacements {
                record.placements = newPlacements
                record.group.availabilityZones = newPlacements.map(\.availabilityZone)
                if let identifier = input.vPCZoneIdentifier { record.group.vPCZoneIdentifier = identifier }
            }
            try transaction.put(record)
        }
        wake()
    }

    /// DeleteAutoScalingGroup. Without ForceDelete a group that still has instances is
    /// refused (ScalingActivityInProgress while some launch or terminate, else
    /// ResourceInUse); with it, the controller terminates them and then removes the group.
    public func deleteAutoScalingGroup(
        _ input: EC2AutoScaling.DeleteAutoScalingGroupType, context: RequestContext
    ) async throws {
        let name = input.autoScalingGroupName
        let force = input.forceDelete ?? false
        let removedPolicies = try await store.write { transaction -> [EC2AutoScaling.ScalingPolicy] in
            var record = try Self.requireGroup(name, in: transaction)
            let instances = try transaction.instances(group: name)
            if instances.isEmpty {
                let policies = try transaction.objects(.policy, group: name, as: EC2AutoScaling.ScalingPolicy.self)
                try transaction.deleteGroup(name)
                return policies
            }
            guard force else {
                if instances.contains(where: { !$0.countsTowardCapacity || $0.lifecycleState != .inService }) {
                    throw AdmiralError(
                        .scalingActivityInProgress,
                        "You cannot delete an AutoScalingGroup while there are scaling activities in progress for "
                            + "that group.")
                }
                throw AdmiralError(
                    .resourceInUse,
                    "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance "
                        + "request(s) still in the group.")
            }
            let old = record.group.desiredCapacity
            record.deleting = true
            record.group.minSize = 0
            record.group.maxSize = 0
            record.group.desiredCapacity = 0
            record.desiredCause =
                "At \(ActivityText.time(context.now)) a user request deleted the AutoScalingGroup changing the "
                + "desired capacity from \(old) to 0."
            try transaction.put(record)
            return []
        }
        try await deleteAlarms(of: removedPolicies)
        wake()
    }

    /// Deletes the alarms that target tracking policies of a deleted group owned.
    func deleteAlarms(of policies: [EC2AutoScaling.ScalingPolicy]) async throws {
        let names = policies.filter { $0.policyType == "TargetTrackingScaling" }.flatMap {
            ($0.alarms ?? []).compactMap(\.alarmName)
        }
        if !names.isEmpty { try await cloudWatch.deleteManagedAlarms(names) }
    }

    /// DescribeAutoScalingGroups: by names, by filters (`tag-key`, `tag-value`,
    /// `tag:KEY`), paginated.
    public func describeAutoScalingGroups(
        _ input: EC2AutoScaling.AutoScalingGroupNamesType, context: RequestContext
    ) async throws -> EC2AutoScaling.AutoScalingGroupsType {
        let names = Set(input.autoScalingGroupNames ?? [])
        let filters = input.filters ?? []
        let (records, instances) = try await store.read { transaction in
            (try transaction.groups(), try transaction.instances(group: nil))
        }
        let byGroup = Dictionary(grouping: instances, by: \.groupName)
        let chosen = records.filter { record in
            (names.isEmpty || names.contains(record.name)) && filters.allSatisfy { Self.matches(record, $0) }
        }
        let (page, next) = try Self.page(chosen, token: input.nextToken, maxRecords: input.maxRecords)
        var groups = page.map { Self.render($0, instances: byGroup[$0.name] ?? []) }
        if input.includeInstances == false {
            for index in groups.indices { groups[index].instances = nil }
        }
        return EC2AutoScaling.AutoScalingGroupsType(autoScalingGroups: groups, nextToken: next)
    }

    static func matches(_ record: AutoScalingGroupRecord, _ filter: EC2AutoScaling.Filter) -> Bool {
        let values = Set(filter.values ?? [])
        guard let name = filter.name, !values.isEmpty else { return true }
        switch name {
        case "tag-key": return record.tags.contains { values.contains($0.key) }
        case "tag-value": return record.tags.contains { values.contains($0.value) }
        default:
            if name.hasPrefix("tag:") {
                let key = String(name.dropFirst(4))
                return record.tags.contains { $0.key == key && values.contains($0.value) }
            }
            return false
        }
    }

    /// SetDesiredCapacity. With HonorCooldown a group in its cooldown refuses the change.
    public func setDesiredCapacity(_ input: EC2AutoScaling.SetDesiredCapacityType, context: RequestContext)
        async throws
    {
        let now = context.now
        try await store.write { transaction in
            var record = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            try GroupRules.checkDesired(
                input.desiredCapacity, min: record.group.minSize, max: record.group.maxSize)
            if input.honorCooldown == true, let last = record.lastScaledAt,
                now < last.addingTimeInterval(TimeInterval(record.group.defaultCooldown))
            {
                throw AdmiralError(
                    .scalingActivityInProgress,
                    "Scaling activity was not allowed: the AutoScalingGroup \(record.name) is in its cooldown "
                        + "period until \(ActivityText.time(last.addingTimeInterval(TimeInterval(record.group.defaultCooldown))))."
                )
            }
            let old = record.group.desiredCapacity
            guard old != input.desiredCapacity else { return }
            record.group.desiredCapacity = input.desiredCapacity
            record.desiredCause = ActivityText.setDesired(at: now, from: old, to: input.desiredCapacity)
            record.lastScaledAt = now
            try transaction.put(record)
        }
        wake()
    }

    /// Suspend/ResumeProcesses.
    public func suspendProcesses(_ input: EC2AutoScaling.ScalingProcessQuery, context: RequestContext) async throws {
        let processes = try GroupRules.processes(input.scalingProcesses)
        let reason = "User suspended at \(ActivityText.time(context.now))"
        try await store.write { transaction in
            var record = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            var suspended = record.group.suspendedProcesses ?? []
            for process in processes where !suspended.contains(where: { $0.processName == process.rawValue }) {
                suspended.append(.init(processName: process.rawValue, suspensionReason: reason))
            }
            record.group.suspendedProcesses = suspended
            try transaction.put(record)
        }
        wake()
    }

    /// ResumeProcesses.
    public func resumeProcesses(_ input: EC2AutoScaling.ScalingProcessQuery, context: RequestContext) async throws {
        let processes = Set(try GroupRules.processes(input.scalingProcesses).map(\.rawValue))
        try await store.write { transaction in
            var record = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            record.group.suspendedProcesses = (record.group.suspendedProcesses ?? []).filter {
                !processes.contains($0.processName ?? "")
            }
            try transaction.put(record)
        }
        wake()
    }

    /// Checks a launch template (or a mixed instances policy's) against the EC2 registry.
    func checkTemplate(
        _ template: EC2AutoScaling.LaunchTemplateSpecification?, mixed: EC2AutoScaling.MixedInstancesPolicy?
    ) async throws {
        let spec = template ?? mixed?.launchTemplate?.launchTemplateSpecification
        if mixed != nil, spec == nil {
            throw AdmiralError.validation("The MixedInstancesPolicy must name a LaunchTemplateSpecification.")
        }
        guard let spec else { return }
        guard spec.launchTemplateId != nil || spec.launchTemplateName != nil else {
            throw AdmiralError.validation(
                "A launch template must be specified by LaunchTemplateId or LaunchTemplateName.")
        }
        guard let fleet else { return }
        do {
            _ = try await fleet.launchTemplate(
                id: spec.launchTemplateId, name: spec.launchTemplateName, version: spec.version)
        } catch let error as AdmiralError {
            throw AdmiralError.validation(error.message)
        }
        for override in mixed?.launchTemplate?.overrides ?? [] {
            if let type = override.instanceType, !(await fleet.instanceTypeExists(type)) {
                throw AdmiralError.validation("Invalid instance type: \(type)")
            }
        }
    }

    /// The subnets and zones of VPCZoneIdentifier, or of AvailabilityZones (the default
    /// VPC's subnets), checked against the EC2 registry.
    func placements(vpcZoneIdentifier: String?, availabilityZones: [String]?) async throws
        -> [AutoScalingGroupPlacement]
    {
        let subnetIds = GroupRules.subnetIds(vpcZoneIdentifier ?? "")
        if !subnetIds.isEmpty {
            guard let fleet else {
                throw AdmiralError.validation(
                    "This server has no EC2 registry, so VPCZoneIdentifier cannot be checked; give AvailabilityZones.")
            }
            var placements: [AutoScalingGroupPlacement] = []
            var vpc: String?
            for id in subnetIds {
                let subnet: EC2SubnetInfo
                do {
                    subnet = try await fleet.subnet(id: id)
                } catch let error as AdmiralError where !error.isServerFault {
                    throw AdmiralError.validation("The subnet ID '\(id)' does not exist")
                }
                if let vpc, vpc != subnet.vpcId {
                    throw AdmiralError.validation(
                        "The subnets \(subnetIds.joined(separator: ",")) are not all in the same VPC.")
                }
                vpc = subnet.vpcId
                placements.append(.init(subnetId: subnet.subnetId, availabilityZone: subnet.availabilityZone))
            }
            return placements
        }
        let zones = availabilityZones ?? []
        guard !zones.isEmpty else {
            throw AdmiralError.validation("At least one Availability Zone or VPC Subnet is required.")
        }
        guard let fleet else { return zones.map { .init(subnetId: nil, availabilityZone: $0) } }
        let defaults = try await fleet.defaultSubnets()
        return try zones.map { zone in
            guard let subnet = defaults.first(where: { $0.availabilityZone == zone }) else {
                throw AdmiralError.validation("Invalid Availability Zone: \(zone)")
            }
            return .init(subnetId: subnet.subnetId, availabilityZone: zone)
        }
    }

    /// Tags given with a group, checked.
    static func groupTags(_ tags: [EC2AutoScaling.Tag], group: String) throws -> [AutoScalingGroupTag] {
        var byKey: [String: AutoScalingGroupTag] = [:]
        for tag in tags {
            guard !tag.key.isEmpty, tag.key.count <= 128 else {
                throw AdmiralError.validation("Tag key must be 1 to 128 characters long.")
            }
            if tag.key.hasPrefix("aws:") {
                throw AdmiralError.validation("Tag keys starting with 'aws:' are reserved for internal use.")
            }
            if let resource = tag.resourceId, !resource.isEmpty, resource != group {
                throw AdmiralError.validation("The tag's ResourceId \(resource) is not the group \(group).")
            }
            byKey[tag.key] = .init(
                key: tag.key, value: tag.value ?? "", propagateAtLaunch: tag.propagateAtLaunch ?? false)
        }
        guard byKey.count <= 50 else {
            throw AdmiralError(.autoScalingLimitExceeded, "A group can have at most 50 tags.")
        }
        return byKey.values.sorted { $0.key < $1.key }
    }
}
