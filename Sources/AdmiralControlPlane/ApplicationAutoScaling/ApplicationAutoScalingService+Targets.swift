import AdmiralModel
import AdmiralStore
import Foundation

extension ApplicationAutoScalingService {
    /// RegisterScalableTarget: creates a target for an existing service, or updates one
    /// (only what the request names changes). A new range pulls the desired count into it.
    public func registerScalableTarget(
        _ input: ApplicationAutoScaling.RegisterScalableTargetRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.RegisterScalableTargetResponse {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        let service = try await ecsServiceRecord(input.resourceId)
        let existing = try await store.target(resourceId: input.resourceId)
        if existing == nil && (input.minCapacity == nil || input.maxCapacity == nil) {
            throw AdmiralError.scalingValidation(
                "MinCapacity and MaxCapacity are required to register a new scalable target.")
        }
        let minimum = input.minCapacity ?? existing?.target.minCapacity ?? 0
        let maximum = input.maxCapacity ?? existing?.target.maxCapacity ?? 0
        guard minimum >= 0, maximum >= 0 else {
            throw AdmiralError.scalingValidation("MinCapacity and MaxCapacity must be 0 or more.")
        }
        guard minimum <= maximum else {
            throw AdmiralError.scalingValidation(
                "Maximum capacity cannot be less than minimum capacity (MinCapacity \(minimum), MaxCapacity \(maximum))."
            )
        }
        guard maximum <= ServiceRules.maximumDesiredCount else {
            throw AdmiralError.scalingValidation(
                "MaxCapacity \(maximum) is above the most tasks an ECS service may have (\(ServiceRules.maximumDesiredCount))."
            )
        }
        if let tags = input.tags, tags.count > 50 {
            throw AdmiralError(.tooManyTagsException, "A scalable target may have at most 50 tags.")
        }
        let arn =
            existing?.target.scalableTargetARN
            ?? "arn:aws:application-autoscaling:\(settings.names.region):\(settings.names.accountId):scalable-target/"
            + Self.hexId()
        var record =
            existing
            ?? ScalableTargetRecord(
                target: ApplicationAutoScaling.ScalableTarget(
                    serviceNamespace: .ecs, resourceId: input.resourceId, scalableDimension: .ecsServiceDesiredCount,
                    minCapacity: minimum, maxCapacity: maximum, roleARN: serviceLinkedRole, creationTime: context.now,
                    suspendedState: ApplicationAutoScaling.SuspendedState(
                        dynamicScalingInSuspended: false, dynamicScalingOutSuspended: false,
                        scheduledScalingSuspended: false),
                    scalableTargetARN: arn))
        record.target.minCapacity = minimum
        record.target.maxCapacity = maximum
        if let suspended = input.suspendedState {
            var state = record.target.suspendedState ?? ApplicationAutoScaling.SuspendedState()
            if let value = suspended.dynamicScalingInSuspended { state.dynamicScalingInSuspended = value }
            if let value = suspended.dynamicScalingOutSuspended { state.dynamicScalingOutSuspended = value }
            if let value = suspended.scheduledScalingSuspended { state.scheduledScalingSuspended = value }
            record.target.suspendedState = state
        }
        if let tags = input.tags { record.tags.merge(tags) { $1 } }
        try await store.putTarget(record)
        let current = service.service.desiredCount ?? 0
        if current < minimum || current > maximum {
            let cause =
                current < minimum
                ? "minimum capacity was set to \(minimum)" : "maximum capacity was set to \(maximum)"
            try await pullIntoRange(record, cause: cause, now: context.now)
        }
        return ApplicationAutoScaling.RegisterScalableTargetResponse(scalableTargetARN: arn)
    }

    /// DescribeScalableTargets.
    public func describeScalableTargets(
        _ input: ApplicationAutoScaling.DescribeScalableTargetsRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.DescribeScalableTargetsResponse {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, nil)
        var targets = try await store.targets().map(\.target)
        if let ids = input.resourceIds, !ids.isEmpty { targets = targets.filter { ids.contains($0.resourceId) } }
        let (page, next) = try Self.page(targets, key: \.resourceId, size: input.maxResults, token: input.nextToken)
        return ApplicationAutoScaling.DescribeScalableTargetsResponse(scalableTargets: page, nextToken: next)
    }

    /// DeregisterScalableTarget: removes the target, its policies (and the alarms they
    /// own) and its scheduled actions.
    public func deregisterScalableTarget(
        _ input: ApplicationAutoScaling.DeregisterScalableTargetRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.DeregisterScalableTargetResponse {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        guard try await store.target(resourceId: input.resourceId) != nil else {
            throw AdmiralError(
                .objectNotFound,
                "No scalable target registered for service namespace: ecs, resource ID: "
                    + "\(input.resourceId), scalable dimension: ecs:service:DesiredCount")
        }
        let policies = try await store.deleteTarget(resourceId: input.resourceId)
        for policy in policies where policy.policyType == .targetTrackingScaling {
            try await cloudWatch.deleteManagedAlarms((policy.alarms ?? []).map(\.alarmName))
        }
        return ApplicationAutoScaling.DeregisterScalableTargetResponse()
    }

    /// One page of `items` (sorted by `key`) after the token, of at most `size` (default 50).
    static func page<T>(_ items: [T], key: KeyPath<T, String>, size: Int?, token: String?) throws -> ([T], String?) {
        let limit = size ?? 50
        guard (1...50).contains(limit) else {
            throw AdmiralError.scalingValidation("MaxResults must be between 1 and 50.")
        }
        var rest = items.sorted { $0[keyPath: key] < $1[keyPath: key] }
        if let token {
            guard let after = Data(base64Encoded: token).flatMap({ String(data: $0, encoding: .utf8) }) else {
                throw AdmiralError(.invalidNextTokenException, "Invalid NextToken: \(token)")
            }
            rest = rest.filter { $0[keyPath: key] > after }
        }
        let page = Array(rest.prefix(limit))
        let next =
            rest.count > limit ? page.last.map { Data($0[keyPath: key].utf8).base64EncodedString() } : nil
        return (page, next)
    }

    /// TagResource on a scalable target.
    public func tagResource(_ input: ApplicationAutoScaling.TagResourceRequest, context: RequestContext) async throws
        -> ApplicationAutoScaling.TagResourceResponse
    {
        var target = try await targetByARN(input.resourceARN)
        target.tags.merge(input.tags) { $1 }
        guard target.tags.count <= 50 else {
            throw AdmiralError(.tooManyTagsException, "A scalable target may have at most 50 tags.")
        }
        try await store.putTarget(target)
        return ApplicationAutoScaling.TagResourceResponse()
    }

    /// UntagResource.
    public func untagResource(_ input: ApplicationAutoScaling.UntagResourceRequest, context: RequestContext)
        async throws -> ApplicationAutoScaling.UntagResourceResponse
    {
        var target = try await targetByARN(input.resourceARN)
        for key in input.tagKeys { target.tags[key] = nil }
        try await store.putTarget(target)
        return ApplicationAutoScaling.UntagResourceResponse()
    }

    /// ListTagsForResource.
    public func listTagsForResource(
        _ input: ApplicationAutoScaling.ListTagsForResourceRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.ListTagsForResourceResponse {
        ApplicationAutoScaling.ListTagsForResourceResponse(tags: try await targetByARN(input.resourceARN).tags)
    }

    func targetByARN(_ arn: String) async throws -> ScalableTargetRecord {
        guard let target = try await store.targets().first(where: { $0.target.scalableTargetARN == arn }) else {
            throw AdmiralError(.resourceNotFound, "No scalable target with ARN \(arn).")
        }
        return target
    }
}
