import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// PutLifecycleHook: creates or replaces a hook (a new one needs its transition).
    public func putLifecycleHook(_ input: EC2AutoScaling.PutLifecycleHookType, context: RequestContext) async throws
        -> EC2AutoScaling.PutLifecycleHookAnswer
    {
        let group = input.autoScalingGroupName
        let name = input.lifecycleHookName
        try await store.write { transaction in
            _ = try Self.requireGroup(group, in: transaction)
            let existing = try transaction.object(
                .lifecycleHook, group: group, name: name, as: EC2AutoScaling.LifecycleHook.self)
            if existing == nil,
                try transaction.objects(.lifecycleHook, group: group, as: EC2AutoScaling.LifecycleHook.self).count
                    >= LifecycleHookRules.maxHooksPerGroup
            {
                throw AdmiralError(
                    .autoScalingLimitExceeded,
                    "A group can have at most \(LifecycleHookRules.maxHooksPerGroup) lifecycle hooks.")
            }
            var hook = existing ?? EC2AutoScaling.LifecycleHook(lifecycleHookName: name, autoScalingGroupName: group)
            if let value = input.lifecycleTransition { hook.lifecycleTransition = value }
            if let value = input.heartbeatTimeout { hook.heartbeatTimeout = value }
            if let value = input.defaultResult { hook.defaultResult = value }
            if let value = input.notificationMetadata { hook.notificationMetadata = value }
            if let value = input.notificationTargetARN { hook.notificationTargetARN = value }
            if let value = input.roleARN { hook.roleARN = value }
            try transaction.put(.lifecycleHook, group: group, name: name, try LifecycleHookRules.normalized(hook))
        }
        return .init()
    }

    /// DescribeLifecycleHooks.
    public func describeLifecycleHooks(_ input: EC2AutoScaling.DescribeLifecycleHooksType, context: RequestContext)
        async throws -> EC2AutoScaling.DescribeLifecycleHooksAnswer
    {
        let group = input.autoScalingGroupName
        var hooks = try await store.read { transaction in
            _ = try Self.requireGroup(group, in: transaction)
            return try transaction.objects(.lifecycleHook, group: group, as: EC2AutoScaling.LifecycleHook.self)
        }
        if let names = input.lifecycleHookNames, !names.isEmpty {
            hooks = hooks.filter { names.contains($0.lifecycleHookName ?? "") }
        }
        return .init(lifecycleHooks: hooks)
    }

    /// DeleteLifecycleHook.
    public func deleteLifecycleHook(_ input: EC2AutoScaling.DeleteLifecycleHookType, context: RequestContext)
        async throws -> EC2AutoScaling.DeleteLifecycleHookAnswer
    {
        try await store.write { transaction in
            _ = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            guard
                try transaction.delete(.lifecycleHook, group: input.autoScalingGroupName, name: input.lifecycleHookName)
            else {
                throw AdmiralError.validation(
                    "No Lifecycle Hook found with name \(input.lifecycleHookName) for group \(input.autoScalingGroupName)"
                )
            }
        }
        return .init()
    }

    /// DescribeLifecycleHookTypes.
    public func describeLifecycleHookTypes(context: RequestContext) async throws
        -> EC2AutoScaling.DescribeLifecycleHookTypesAnswer
    {
        .init(lifecycleHookTypes: [LifecycleHookRules.launching, LifecycleHookRules.terminating])
    }

    /// CompleteLifecycleAction: CONTINUE lets a launching instance go InService (ABANDON
    /// terminates it); either ends a terminating instance's wait.
    public func completeLifecycleAction(_ input: EC2AutoScaling.CompleteLifecycleActionType, context: RequestContext)
        async throws -> EC2AutoScaling.CompleteLifecycleActionAnswer
    {
        let result = input.lifecycleActionResult
        guard result == "CONTINUE" || result == "ABANDON" else {
            throw AdmiralError.validation("LifecycleActionResult must be CONTINUE or ABANDON.")
        }
        let now = context.now
        try await store.write { transaction in
            var instance = try Self.waitingInstance(
                group: input.autoScalingGroupName, hook: input.lifecycleHookName, instanceId: input.instanceId,
                token: input.lifecycleActionToken, in: transaction)
            instance.hookName = nil
            instance.hookToken = nil
            instance.hookDeadline = nil
            if instance.lifecycleState == .pendingWait {
                if result == "CONTINUE" {
                    instance.lifecycleState = .pendingProceed
                } else {
                    let group = try Self.requireGroup(instance.groupName, in: transaction)
                    let activity = Self.activity(
                        group: group, description: ActivityText.terminating(instance.instanceId),
                        cause:
                            "At \(ActivityText.time(now)) instance \(instance.instanceId) was abandoned by lifecycle "
                            + "hook \(input.lifecycleHookName).",
                        now: now)
                    try Self.finishFailed(instance.activityId, in: transaction, now: now)
                    instance.lifecycleState = .terminatingProceed
                    instance.activityId = activity.activityId
                    try transaction.put(activity)
                }
            } else {
                instance.lifecycleState = .terminatingProceed
            }
            try transaction.put(instance)
        }
        wake()
        return .init()
    }

    /// RecordLifecycleActionHeartbeat: the wait starts again for the hook's timeout.
    public func recordLifecycleActionHeartbeat(
        _ input: EC2AutoScaling.RecordLifecycleActionHeartbeatType, context: RequestContext
    ) async throws -> EC2AutoScaling.RecordLifecycleActionHeartbeatAnswer {
        try await store.write { transaction in
            var instance = try Self.waitingInstance(
                group: input.autoScalingGroupName, hook: input.lifecycleHookName, instanceId: input.instanceId,
                token: input.lifecycleActionToken, in: transaction)
            let hook = try transaction.object(
                .lifecycleHook, group: input.autoScalingGroupName, name: input.lifecycleHookName,
                as: EC2AutoScaling.LifecycleHook.self)
            let timeout = hook?.heartbeatTimeout ?? LifecycleHookRules.defaultHeartbeatTimeout
            instance.hookDeadline = context.now.addingTimeInterval(TimeInterval(timeout))
            try transaction.put(instance)
        }
        return .init()
    }

    static func waitingInstance(
        group: String, hook: String, instanceId: String?, token: String?, in transaction: AutoScalingTransaction
    ) throws -> AutoScalingInstanceRecord {
        _ = try requireGroup(group, in: transaction)
        let waiting = try transaction.instances(group: group).first { instance in
            instance.hookName == hook
                && (instance.lifecycleState == .pendingWait || instance.lifecycleState == .terminatingWait)
                && (instanceId == nil || instance.instanceId == instanceId)
                && (token == nil || instance.hookToken == token)
        }
        guard instanceId != nil || token != nil, let waiting else {
            throw AdmiralError.validation(
                "No active Lifecycle Action found with "
                    + (instanceId.map { "instance ID \($0)" } ?? "token \(token ?? "null")"))
        }
        return waiting
    }

    /// Marks an activity cancelled (a launch that never went InService: a hook abandoned it,
    /// or the instance was lost or scaled in first).
    static func finishFailed(
        _ activityId: String?, in transaction: AutoScalingTransaction, now: Date,
        message: String =
            "Instance failed to complete user's Lifecycle Action: Lifecycle Action with token was abandoned: "
            + "Lifecycle Action Completed with ABANDON Result"
    ) throws {
        guard let activityId, var activity = try transaction.activity(activityId), activity.statusCode == .inProgress
        else { return }
        activity.statusCode = .cancelled
        activity.progress = 100
        activity.endTime = now
        activity.statusMessage = message
        try transaction.put(activity)
    }
}
