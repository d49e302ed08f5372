import AdmiralModel
import AdmiralStore
import Foundation

extension ApplicationAutoScalingService {
    /// PutScheduledAction: an `at`, `rate` or `cron` schedule that sets the target's
    /// minimum and maximum capacity when it fires.
    public func putScheduledAction(
        _ input: ApplicationAutoScaling.PutScheduledActionRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.PutScheduledActionResponse {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        guard try await store.target(resourceId: input.resourceId) != nil else { throw Self.noTarget(input.resourceId) }
        let existing = try await store.scheduledActions(resourceId: input.resourceId).first {
            $0.action.scheduledActionName == input.scheduledActionName
        }
        guard let schedule = input.schedule ?? existing?.action.schedule else {
            throw AdmiralError.scalingValidation("Schedule is required for a new scheduled action.")
        }
        let timezone = input.timezone ?? existing?.action.timezone
        do {
            _ = try ScheduleExpression(parsing: schedule, timeZone: timezone)
        } catch {
            throw AdmiralError.scalingValidation(error.message)
        }
        let action = input.scalableTargetAction ?? existing?.action.scalableTargetAction
        guard let action, action.minCapacity != nil || action.maxCapacity != nil else {
            throw AdmiralError.scalingValidation("ScalableTargetAction must set MinCapacity, MaxCapacity or both.")
        }
        if let minimum = action.minCapacity, let maximum = action.maxCapacity, minimum > maximum {
            throw AdmiralError.scalingValidation(
                "Maximum capacity cannot be less than minimum capacity (MinCapacity \(minimum), MaxCapacity \(maximum))."
            )
        }
        let start = input.startTime ?? existing?.action.startTime
        let end = input.endTime ?? existing?.action.endTime
        if let start, let end, start >= end {
            throw AdmiralError.scalingValidation("StartTime must be before EndTime.")
        }
        let arn =
            existing?.action.scheduledActionARN
            ?? "arn:aws:autoscaling:\(settings.names.region):\(settings.names.accountId):scheduledAction:"
            + "\(UUID().uuidString.lowercased()):resource/ecs/\(input.resourceId):scheduledActionName/"
            + input.scheduledActionName
        try await store.putScheduledAction(
            ScheduledActionRecord(
                action: ApplicationAutoScaling.ScheduledAction(
                    scheduledActionName: input.scheduledActionName, scheduledActionARN: arn, serviceNamespace: .ecs,
                    schedule: schedule, timezone: timezone, resourceId: input.resourceId,
                    scalableDimension: .ecsServiceDesiredCount, startTime: start, endTime: end,
                    scalableTargetAction: action, creationTime: existing?.action.creationTime ?? context.now),
                lastFired: existing?.lastFired))
        return ApplicationAutoScaling.PutScheduledActionResponse()
    }

    /// DescribeScheduledActions.
    public func describeScheduledActions(
        _ input: ApplicationAutoScaling.DescribeScheduledActionsRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.DescribeScheduledActionsResponse {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        var actions = try await store.scheduledActions(resourceId: input.resourceId).map(\.action)
        if let names = input.scheduledActionNames, !names.isEmpty {
            actions = actions.filter { names.contains($0.scheduledActionName) }
        }
        let (page, next) = try Self.page(
            actions, key: \.scheduledActionARN, size: input.maxResults, token: input.nextToken)
        return ApplicationAutoScaling.DescribeScheduledActionsResponse(scheduledActions: page, nextToken: next)
    }

    /// DeleteScheduledAction.
    public func deleteScheduledAction(
        _ input: ApplicationAutoScaling.DeleteScheduledActionRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.DeleteScheduledActionResponse {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        guard try await store.deleteScheduledAction(resourceId: input.resourceId, name: input.scheduledActionName)
        else {
            throw AdmiralError(
                .objectNotFound,
                "No scheduled action found for service namespace: ecs, resource ID: \(input.resourceId), scalable "
                    + "dimension: ecs:service:DesiredCount, scheduled action name: \(input.scheduledActionName)")
        }
        return ApplicationAutoScaling.DeleteScheduledActionResponse()
    }

    /// DescribeScalingActivities, newest first; not-scaled activities only when asked.
    public func describeScalingActivities(
        _ input: ApplicationAutoScaling.DescribeScalingActivitiesRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.DescribeScalingActivitiesResponse {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        let limit = input.maxResults ?? 50
        guard (1...50).contains(limit) else {
            throw AdmiralError.scalingValidation("MaxResults must be between 1 and 50.")
        }
        var after: Int64?
        if let token = input.nextToken {
            guard let value = Int64(token) else {
                throw AdmiralError(.invalidNextTokenException, "Invalid NextToken: \(token)")
            }
            after = value
        }
        let includeNotScaled = input.includeNotScaledActivities ?? false
        var found: [ApplicationAutoScaling.ScalingActivity] = []
        var next = after
        repeat {
            let page = try await store.activities(resourceId: input.resourceId, after: next, limit: limit)
            found += page.activities.filter { includeNotScaled || $0.notScaledReasons == nil }
            next = page.next
        } while found.count < limit && next != nil
        return ApplicationAutoScaling.DescribeScalingActivitiesResponse(
            scalingActivities: Array(found.prefix(limit)), nextToken: next.map(String.init))
    }

    /// Fires the scheduled actions that are due: each sets its target's minimum and
    /// maximum, which pulls the desired count into the new range. Called every second.
    func fireScheduledActions(now: Date) async throws {
        for var record in try await store.scheduledActions(resourceId: nil) {
            let action = record.action
            guard let expression = try? ScheduleExpression(parsing: action.schedule, timeZone: action.timezone),
                let due = expression.nextFire(
                    after: record.lastFired ?? action.creationTime.addingTimeInterval(-1), start: action.startTime,
                    end: action.endTime, createdAt: action.creationTime),
                due <= now
            else { continue }
            record.lastFired = now
            try await store.putScheduledAction(record)
            guard var target = try await store.target(resourceId: action.resourceId),
                target.target.suspendedState?.scheduledScalingSuspended != true
            else { continue }
            if let minimum = action.scalableTargetAction?.minCapacity { target.target.minCapacity = minimum }
            if let maximum = action.scalableTargetAction?.maxCapacity { target.target.maxCapacity = maximum }
            if target.target.minCapacity > target.target.maxCapacity {
                target.target.maxCapacity = target.target.minCapacity
            }
            try await store.putTarget(target)
            try await pullIntoRange(
                target, cause: "scheduled action name \(action.scheduledActionName) was triggered", now: now)
        }
    }
}
