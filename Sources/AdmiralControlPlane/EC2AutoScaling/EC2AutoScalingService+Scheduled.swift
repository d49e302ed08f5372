import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// PutScheduledUpdateGroupAction: creates or replaces a scheduled action.
    public func putScheduledUpdateGroupAction(
        _ input: EC2AutoScaling.PutScheduledUpdateGroupActionType, context: RequestContext
    ) async throws {
        guard input.minSize != nil || input.maxSize != nil || input.desiredCapacity != nil else {
            throw AdmiralError.validation("At least one of MinSize, MaxSize or DesiredCapacity must be specified.")
        }
        for size in [input.minSize, input.maxSize, input.desiredCapacity].compactMap({ $0 })
        where !(0...GroupRules.maximumSize).contains(size) {
            throw AdmiralError.validation(
                "Sizes must be between 0 and \(GroupRules.maximumSize); \(size) was given.")
        }
        if let start = input.startTime, let end = input.endTime, end <= start {
            throw AdmiralError.validation("StartTime must be before EndTime.")
        }
        if input.time != nil, input.recurrence != nil {
            throw AdmiralError.validation("Time and Recurrence cannot both be specified.")
        }
        let name = input.scheduledActionName
        let groupName = input.autoScalingGroupName
        var action = EC2AutoScaling.ScheduledUpdateGroupAction(
            autoScalingGroupName: groupName, scheduledActionName: name,
            scheduledActionARN:
                "arn:aws:autoscaling:\(context.names.region):\(context.names.accountId):scheduledUpdateGroupAction:"
                + "\(UUID().uuidString.lowercased()):autoScalingGroupName/\(groupName):scheduledActionName/\(name)",
            time: input.time ?? (input.recurrence == nil ? input.startTime : nil),
            startTime: input.startTime ?? input.time, endTime: input.endTime, recurrence: input.recurrence,
            minSize: input.minSize, maxSize: input.maxSize, desiredCapacity: input.desiredCapacity,
            timeZone: input.timeZone)
        if input.time == nil, input.startTime == nil, input.recurrence != nil { action.startTime = nil }
        _ = try GroupSchedule.expression(for: action)
        let stored = action
        try await store.write { transaction in
            _ = try Self.requireGroup(groupName, in: transaction)
            let old = try transaction.object(
                .scheduledAction, group: groupName, name: name, as: GroupScheduledActionRecord.self)
            var record = GroupScheduledActionRecord(action: stored, createdAt: context.now)
            if let arn = old?.action.scheduledActionARN { record.action.scheduledActionARN = arn }
            try transaction.put(.scheduledAction, group: groupName, name: name, record)
        }
        wake()
    }

    /// DescribeScheduledActions.
    public func describeScheduledActions(
        _ input: EC2AutoScaling.DescribeScheduledActionsType, context: RequestContext
    ) async throws -> EC2AutoScaling.ScheduledActionsType {
        let group = input.autoScalingGroupName
        var records = try await store.read { transaction in
            try transaction.objects(.scheduledAction, group: group, as: GroupScheduledActionRecord.self)
        }
        if let names = input.scheduledActionNames, !names.isEmpty {
            records = records.filter { names.contains($0.action.scheduledActionName ?? "") }
        }
        let (page, next) = try Self.page(records.map(\.action), token: input.nextToken, maxRecords: input.maxRecords)
        return .init(scheduledUpdateGroupActions: page, nextToken: next)
    }

    /// DeleteScheduledAction.
    public func deleteScheduledAction(_ input: EC2AutoScaling.DeleteScheduledActionType, context: RequestContext)
        async throws
    {
        try await store.write { transaction in
            _ = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            guard
                try transaction.delete(
                    .scheduledAction, group: input.autoScalingGroupName, name: input.scheduledActionName)
            else {
                throw AdmiralError.validation("Scheduled action name not found - \(input.scheduledActionName)")
            }
        }
    }

    /// Fires the scheduled actions that are due (the group controller calls it each pass):
    /// new sizes, with the desired capacity pulled into range, as AWS does; an action that
    /// will not run again is removed.
    func fireScheduledActions(now: Date) async throws -> Bool {
        try await store.write { transaction -> Bool in
            var fired = false
            for var record in try transaction.objects(.scheduledAction, as: GroupScheduledActionRecord.self) {
                let action = record.action
                guard let groupName = action.autoScalingGroupName, let name = action.scheduledActionName,
                    let expression = try? GroupSchedule.expression(for: action),
                    let due = expression.nextFire(
                        after: record.lastFired ?? record.createdAt.addingTimeInterval(-1), start: action.startTime,
                        end: action.endTime, createdAt: record.createdAt),
                    due <= now
                else { continue }
                record.lastFired = now
                let again = expression.nextFire(
                    after: now, start: action.startTime, end: action.endTime, createdAt: record.createdAt)
                if again == nil {
                    try transaction.delete(.scheduledAction, group: groupName, name: name)
                } else {
                    try transaction.put(.scheduledAction, group: groupName, name: name, record)
                }
                guard var group = try transaction.group(groupName), group.runs(.scheduledActions), !group.deleting
                else { continue }
                let old = group.group.desiredCapacity
                let minSize = action.minSize ?? group.group.minSize
                let maxSize = Swift.min(
                    Swift.max(action.maxSize ?? group.group.maxSize, minSize), GroupRules.maximumSize)
                let desired = Swift.min(Swift.max(action.desiredCapacity ?? old, minSize), maxSize)
                group.group.minSize = minSize
                group.group.maxSize = maxSize
                group.group.desiredCapacity = desired
                if desired != old {
                    group.desiredCause =
                        "At \(ActivityText.time(now)) a scheduled action update of AutoScalingGroup constraints to "
                        + "min: \(minSize), max: \(maxSize), desired: \(desired) changing the desired capacity from "
                        + "\(old) to \(desired)."
                    group.lastScaledAt = now
                }
                try transaction.put(group)
                fired = true
            }
            return fired
        }
    }
}
