import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// DescribeAutoScalingInstances.
    public func describeAutoScalingInstances(
        _ input: EC2AutoScaling.DescribeAutoScalingInstancesType, context: RequestContext
    ) async throws -> EC2AutoScaling.AutoScalingInstancesType {
        let ids = Set(input.instanceIds ?? [])
        let instances = try await store.read { transaction in try transaction.instances(group: nil) }
            .filter { (ids.isEmpty || ids.contains($0.instanceId)) && $0.lifecycleState != .terminated }
            .sorted { $0.instanceId < $1.instanceId }
        let (page, next) = try Self.page(instances, token: input.nextToken, maxRecords: input.maxRecords)
        return EC2AutoScaling.AutoScalingInstancesType(autoScalingInstances: page.map(\.details), nextToken: next)
    }

    /// TerminateInstanceInAutoScalingGroup: the instance goes to Terminating at once (the
    /// controller deregisters and terminates it); with ShouldDecrementDesiredCapacity the
    /// group is not refilled.
    public func terminateInstanceInAutoScalingGroup(
        _ input: EC2AutoScaling.TerminateInstanceInAutoScalingGroupType, context: RequestContext
    ) async throws -> EC2AutoScaling.ActivityType {
        let now = context.now
        let activity = try await store.write { transaction -> EC2AutoScaling.Activity in
            guard var instance = try transaction.instance(input.instanceId), !instance.isLeaving else {
                throw AdmiralError.validation(
                    "Instance Id not found - No managed instance found for instance ID: \(input.instanceId)")
            }
            var record = try Self.requireGroup(instance.groupName, in: transaction)
            let old = record.group.desiredCapacity
            if input.shouldDecrementDesiredCapacity {
                guard old - 1 >= record.group.minSize else {
                    throw AdmiralError.validation(
                        "Currently, desiredCapacity (\(old)) is at minSize (\(record.group.minSize)) so instance "
                            + "cannot be terminated without violating minSize.")
                }
                record.group.desiredCapacity = old - 1
                record.desiredCause =
                    "At \(ActivityText.time(now)) a user request explicitly set group desired capacity changing the "
                    + "desired capacity from \(old) to \(old - 1)."
                try transaction.put(record)
            }
            let activity = Self.activity(
                group: record, description: ActivityText.terminating(instance.instanceId),
                cause: ActivityText.userTerminated(
                    at: now, instanceId: instance.instanceId, decrement: input.shouldDecrementDesiredCapacity,
                    from: old),
                now: now)
            let hook = try transaction.objects(
                .lifecycleHook, group: instance.groupName, as: EC2AutoScaling.LifecycleHook.self
            )
            .first { $0.lifecycleTransition == LifecycleHookRules.terminating }
            if let hook, let name = hook.lifecycleHookName {
                instance.lifecycleState = .terminatingWait
                instance.hookName = name
                instance.hookToken = UUID().uuidString.lowercased()
                instance.hookDeadline = now.addingTimeInterval(
                    TimeInterval(hook.heartbeatTimeout ?? LifecycleHookRules.defaultHeartbeatTimeout))
            } else {
                instance.lifecycleState = .terminating
            }
            instance.activityId = activity.activityId
            try transaction.put(instance)
            try transaction.put(activity)
            return activity
        }
        wake()
        return EC2AutoScaling.ActivityType(activity: activity)
    }

    /// SetInstanceHealth. An unhealthy instance is replaced by the controller (after the
    /// grace period when ShouldRespectGracePeriod says so).
    public func setInstanceHealth(_ input: EC2AutoScaling.SetInstanceHealthQuery, context: RequestContext)
        async throws
    {
        guard input.healthStatus == "Healthy" || input.healthStatus == "Unhealthy" else {
            throw AdmiralError.validation("Valid HealthStatus values are Healthy and Unhealthy.")
        }
        let now = context.now
        try await store.write { transaction in
            guard var instance = try transaction.instance(input.instanceId) else {
                throw AdmiralError.validation(
                    "Instance Id not found - No managed instance found for instance ID: \(input.instanceId)")
            }
            let record = try Self.requireGroup(instance.groupName, in: transaction)
            if input.healthStatus == "Unhealthy", input.shouldRespectGracePeriod ?? true,
                now < instance.launchTime.addingTimeInterval(TimeInterval(record.group.healthCheckGracePeriod ?? 0))
            {
                return
            }
            instance.healthStatus = input.healthStatus
            if input.healthStatus == "Unhealthy" {
                instance.unhealthyReason = "a user health-check"
                instance.unhealthySince = now
            } else {
                instance.unhealthyReason = nil
                instance.unhealthySince = nil
            }
            try transaction.put(instance)
        }
        wake()
    }

    /// SetInstanceProtection.
    public func setInstanceProtection(_ input: EC2AutoScaling.SetInstanceProtectionQuery, context: RequestContext)
        async throws -> EC2AutoScaling.SetInstanceProtectionAnswer
    {
        try await store.write { transaction in
            let record = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            var changed: [AutoScalingInstanceRecord] = []
            for id in input.instanceIds {
                guard var instance = try transaction.instance(id), instance.groupName == record.name else {
                    throw AdmiralError.validation(
                        "The instance \(id) is not part of Auto Scaling group \(record.name).")
                }
                instance.protectedFromScaleIn = input.protectedFromScaleIn
                changed.append(instance)
            }
            for instance in changed { try transaction.put(instance) }
        }
        return EC2AutoScaling.SetInstanceProtectionAnswer()
    }

    /// AttachInstances: running instances of the EC2 registry, in the group's zones, join
    /// it; the desired capacity grows by their number.
    public func attachInstances(_ input: EC2AutoScaling.AttachInstancesQuery, context: RequestContext) async throws {
        let ids = input.instanceIds ?? []
        guard !ids.isEmpty else { return }
        guard let fleet else {
            throw AdmiralError.validation("This server has no EC2 registry, so no instance can be attached.")
        }
        let infos = try await fleet.instances(ids: ids)
        for id in ids {
            guard let info = infos.first(where: { $0.instanceId == id }), info.state == .running else {
                throw AdmiralError.validation("Instance \(id) is not in correct state: it must be running.")
            }
        }
        let now = context.now
        try await store.write { transaction in
            var record = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            for info in infos {
                if let existing = try transaction.instance(info.instanceId), !existing.isLeaving {
                    throw AdmiralError.validation(
                        "The instance \(info.instanceId) is already part of Auto Scaling group \(existing.groupName).")
                }
                guard record.zones.contains(info.availabilityZone) else {
                    throw AdmiralError.validation(
                        "The instance \(info.instanceId) is in \(info.availabilityZone), which is not one of the "
                            + "group's Availability Zones.")
                }
            }
            let old = record.group.desiredCapacity
            let new = old + infos.count
            guard new <= record.group.maxSize else {
                throw AdmiralError.validation(
                    "AutoScalingGroup: \(record.name) has min-size=\(record.group.minSize), "
                        + "max-size=\(record.group.maxSize), and desired-size=\(old). Adding \(infos.count) "
                        + "instance(s) to the group will exceed max-size.")
            }
            record.group.desiredCapacity = new
            record.desiredCause =
                "At \(ActivityText.time(now)) a user request attached instances changing the desired capacity from "
                + "\(old) to \(new)."
            try transaction.put(record)
            for info in infos {
                try transaction.put(
                    AutoScalingInstanceRecord(
                        instanceId: info.instanceId, groupName: record.name, availabilityZone: info.availabilityZone,
                        subnetId: info.subnetId, instanceType: info.instanceType, imageId: nil,
                        lifecycleState: .inService,
                        protectedFromScaleIn: record.group.newInstancesProtectedFromScaleIn ?? false,
                        launchConfigurationName: nil, launchTemplate: nil, source: "attached",
                        launchTime: info.launchTime))
                try transaction.put(
                    Self.activity(
                        group: record, description: "Attaching an existing EC2 instance: \(info.instanceId)",
                        cause: "At \(ActivityText.time(now)) an instance was added in response to user request. "
                            + "Keeping the capacity at the new \(new).",
                        now: now, status: .successful))
            }
        }
        wake()
    }

    /// DetachInstances: the instances leave the group (deregistered from its target
    /// groups) but keep running.
    public func detachInstances(_ input: EC2AutoScaling.DetachInstancesQuery, context: RequestContext) async throws
        -> EC2AutoScaling.DetachInstancesAnswer
    {
        let now = context.now
        let activities = try await store.write { transaction -> [EC2AutoScaling.Activity] in
            var record = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            var activities: [EC2AutoScaling.Activity] = []
            let ids = input.instanceIds ?? []
            let old = record.group.desiredCapacity
            if input.shouldDecrementDesiredCapacity {
                guard old - ids.count >= record.group.minSize else {
                    throw AdmiralError.validation(
                        "Currently, desiredCapacity (\(old)) would go below minSize (\(record.group.minSize)) if "
                            + "\(ids.count) instance(s) were detached.")
                }
                record.group.desiredCapacity = old - ids.count
                record.desiredCause =
                    "At \(ActivityText.time(now)) a user request detached instances changing the desired capacity "
                    + "from \(old) to \(old - ids.count)."
                try transaction.put(record)
            }
            for id in ids {
                guard var instance = try transaction.instance(id), instance.groupName == record.name,
                    !instance.isLeaving
                else {
                    throw AdmiralError.validation(
                        "The instance \(id) is not part of Auto Scaling group \(record.name).")
                }
                let activity = Self.activity(
                    group: record, description: "Detaching EC2 instance: \(id)",
                    cause: "At \(ActivityText.time(now)) instance \(id) was detached in response to a user request"
                        + (input.shouldDecrementDesiredCapacity
                            ? ", shrinking the capacity from \(old) to \(record.group.desiredCapacity)." : "."),
                    now: now)
                instance.lifecycleState = .detaching
                instance.activityId = activity.activityId
                try transaction.put(instance)
                try transaction.put(activity)
                activities.append(activity)
            }
            return activities
        }
        wake()
        return EC2AutoScaling.DetachInstancesAnswer(activities: activities)
    }

    /// AttachLoadBalancerTargetGroups: the controller registers the group's InService
    /// instances with them.
    public func attachLoadBalancerTargetGroups(
        _ input: EC2AutoScaling.AttachLoadBalancerTargetGroupsType, context: RequestContext
    ) async throws -> EC2AutoScaling.AttachLoadBalancerTargetGroupsResultType {
        try await store.write { transaction in
            var record = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            var arns = record.group.targetGroupARNs ?? []
            for arn in input.targetGroupARNs where !arns.contains(arn) { arns.append(arn) }
            record.group.targetGroupARNs = arns
            try transaction.put(record)
        }
        wake()
        return .init()
    }

    /// DetachLoadBalancerTargetGroups: the controller deregisters the instances.
    public func detachLoadBalancerTargetGroups(
        _ input: EC2AutoScaling.DetachLoadBalancerTargetGroupsType, context: RequestContext
    ) async throws -> EC2AutoScaling.DetachLoadBalancerTargetGroupsResultType {
        try await store.write { transaction in
            var record = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            record.group.targetGroupARNs = (record.group.targetGroupARNs ?? []).filter {
                !input.targetGroupARNs.contains($0)
            }
            try transaction.put(record)
        }
        wake()
        return .init()
    }

    /// DescribeLoadBalancerTargetGroups.
    public func describeLoadBalancerTargetGroups(
        _ input: EC2AutoScaling.DescribeLoadBalancerTargetGroupsRequest, context: RequestContext
    ) async throws -> EC2AutoScaling.DescribeLoadBalancerTargetGroupsResponse {
        let record = try await store.read { transaction in
            try Self.requireGroup(input.autoScalingGroupName, in: transaction)
        }
        let states = (record.group.targetGroupARNs ?? []).map {
            EC2AutoScaling.LoadBalancerTargetGroupState(loadBalancerTargetGroupARN: $0, state: "InService")
        }
        let (page, next) = try Self.page(states, token: input.nextToken, maxRecords: input.maxRecords)
        return .init(loadBalancerTargetGroups: page, nextToken: next)
    }
}
