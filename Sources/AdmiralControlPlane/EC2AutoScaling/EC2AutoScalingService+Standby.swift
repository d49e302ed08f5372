import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// EnterStandby: InService instances leave service (not counted, not health checked,
    /// not replaced) but stay in the group; without decrementing, the group launches others.
    public func enterStandby(_ input: EC2AutoScaling.EnterStandbyQuery, context: RequestContext) async throws
        -> EC2AutoScaling.EnterStandbyAnswer
    {
        let now = context.now
        let activities = try await store.write { transaction -> [EC2AutoScaling.Activity] in
            var group = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            let ids = input.instanceIds ?? []
            var instances: [AutoScalingInstanceRecord] = []
            for id in ids {
                guard let instance = try transaction.instance(id), instance.groupName == group.name,
                    instance.lifecycleState == .inService
                else {
                    throw AdmiralError.validation(
                        "The instance \(id) is not in InService in Auto Scaling group \(group.name).")
                }
                instances.append(instance)
            }
            let old = group.group.desiredCapacity
            if input.shouldDecrementDesiredCapacity {
                guard old - ids.count >= group.group.minSize else {
                    throw AdmiralError.validation(
                        "AutoScalingGroup \(group.name) has min-size=\(group.group.minSize): putting \(ids.count) "
                            + "instance(s) in Standby would bring the desired capacity below it.")
                }
                group.group.desiredCapacity = old - ids.count
                group.desiredCause =
                    "At \(ActivityText.time(now)) instances were moved to standby in response to a user request, "
                    + "shrinking the capacity from \(old) to \(old - ids.count)."
                try transaction.put(group)
            }
            var activities: [EC2AutoScaling.Activity] = []
            for var instance in instances {
                let activity = Self.activity(
                    group: group, description: "Moving EC2 instance to Standby: \(instance.instanceId)",
                    cause: "At \(ActivityText.time(now)) instance \(instance.instanceId) was moved to standby in "
                        + "response to a user request.",
                    now: now, status: .successful)
                instance.lifecycleState = .standby
                try transaction.put(instance)
                try transaction.put(activity)
                activities.append(activity)
            }
            return activities
        }
        wake()
        return .init(activities: activities)
    }

    /// ExitStandby: the instances return to service and the desired capacity grows by their number.
    public func exitStandby(_ input: EC2AutoScaling.ExitStandbyQuery, context: RequestContext) async throws
        -> EC2AutoScaling.ExitStandbyAnswer
    {
        let now = context.now
        let activities = try await store.write { transaction -> [EC2AutoScaling.Activity] in
            var group = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            let ids = input.instanceIds ?? []
            var instances: [AutoScalingInstanceRecord] = []
            for id in ids {
                guard let instance = try transaction.instance(id), instance.groupName == group.name,
                    instance.lifecycleState == .standby
                else {
                    throw AdmiralError.validation(
                        "The instance \(id) is not in Standby in Auto Scaling group \(group.name).")
                }
                instances.append(instance)
            }
            let old = group.group.desiredCapacity
            guard old + ids.count <= group.group.maxSize else {
                throw AdmiralError.validation(
                    "AutoScalingGroup \(group.name) has max-size=\(group.group.maxSize): returning \(ids.count) "
                        + "instance(s) from Standby would bring the desired capacity above it.")
            }
            group.group.desiredCapacity = old + ids.count
            group.desiredCause =
                "At \(ActivityText.time(now)) instances were taken out of standby in response to a user request, "
                + "increasing the capacity from \(old) to \(old + ids.count)."
            try transaction.put(group)
            var activities: [EC2AutoScaling.Activity] = []
            for var instance in instances {
                let activity = Self.activity(
                    group: group, description: "Moving EC2 instance out of Standby: \(instance.instanceId)",
                    cause: "At \(ActivityText.time(now)) instance \(instance.instanceId) was moved out of standby in "
                        + "response to a user request.",
                    now: now, status: .successful)
                instance.lifecycleState = .inService
                try transaction.put(instance)
                try transaction.put(activity)
                activities.append(activity)
            }
            return activities
        }
        wake()
        return .init(activities: activities)
    }
}
