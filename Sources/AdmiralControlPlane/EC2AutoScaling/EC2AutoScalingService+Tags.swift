import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// CreateOrUpdateTags.
    public func createOrUpdateTags(_ input: EC2AutoScaling.CreateOrUpdateTagsType, context: RequestContext)
        async throws
    {
        let byGroup = try Self.tagsByGroup(input.tags)
        try await store.write { transaction in
            for (name, tags) in byGroup {
                guard var record = try transaction.group(name) else {
                    throw AdmiralError.validation("AutoScalingGroup name not found - null")
                }
                var merged = Dictionary(uniqueKeysWithValues: record.tags.map { ($0.key, $0) })
                for tag in try Self.groupTags(tags, group: name) { merged[tag.key] = tag }
                guard merged.count <= 50 else {
                    throw AdmiralError(.autoScalingLimitExceeded, "A group can have at most 50 tags.")
                }
                record.tags = merged.values.sorted { $0.key < $1.key }
                try transaction.put(record)
            }
        }
    }

    /// DeleteTags.
    public func deleteTags(_ input: EC2AutoScaling.DeleteTagsType, context: RequestContext) async throws {
        let byGroup = try Self.tagsByGroup(input.tags)
        try await store.write { transaction in
            for (name, tags) in byGroup {
                guard var record = try transaction.group(name) else {
                    throw AdmiralError.validation("AutoScalingGroup name not found - null")
                }
                let keys = Set(tags.map(\.key))
                record.tags.removeAll { keys.contains($0.key) }
                try transaction.put(record)
            }
        }
    }

    /// DescribeTags: filters `auto-scaling-group`, `key`, `value`, `propagate-at-launch`.
    public func describeTags(_ input: EC2AutoScaling.DescribeTagsType, context: RequestContext) async throws
        -> EC2AutoScaling.TagsType
    {
        let groups = try await store.read { transaction in try transaction.groups() }
        var tags: [EC2AutoScaling.TagDescription] = []
        for record in groups {
            for tag in record.tags {
                tags.append(
                    .init(
                        resourceId: record.name, resourceType: "auto-scaling-group", key: tag.key, value: tag.value,
                        propagateAtLaunch: tag.propagateAtLaunch))
            }
        }
        for filter in input.filters ?? [] {
            let values = Set(filter.values ?? [])
            guard !values.isEmpty else { continue }
            switch filter.name {
            case "auto-scaling-group": tags = tags.filter { values.contains($0.resourceId ?? "") }
            case "key": tags = tags.filter { values.contains($0.key ?? "") }
            case "value": tags = tags.filter { values.contains($0.value ?? "") }
            case "propagate-at-launch": tags = tags.filter { values.contains(String($0.propagateAtLaunch ?? false)) }
            default:
                throw AdmiralError.validation(
                    "Filter name \(filter.name ?? "null") is not valid; use auto-scaling-group, key, value or "
                        + "propagate-at-launch.")
            }
        }
        let (page, next) = try Self.page(tags, token: input.nextToken, maxRecords: input.maxRecords)
        return .init(tags: page, nextToken: next)
    }

    static func tagsByGroup(_ tags: [EC2AutoScaling.Tag]) throws -> [String: [EC2AutoScaling.Tag]] {
        var byGroup: [String: [EC2AutoScaling.Tag]] = [:]
        for tag in tags {
            guard let resource = tag.resourceId, !resource.isEmpty else {
                throw AdmiralError.validation("ResourceId is required for each tag.")
            }
            if let type = tag.resourceType, type != "auto-scaling-group" {
                throw AdmiralError.validation("ResourceType must be auto-scaling-group.")
            }
            byGroup[resource, default: []].append(tag)
        }
        return byGroup
    }

    /// DescribeScalingActivities, newest first.
    public func describeScalingActivities(
        _ input: EC2AutoScaling.DescribeScalingActivitiesType, context: RequestContext
    ) async throws -> EC2AutoScaling.ActivitiesType {
        let limit = input.maxRecords ?? 100
        guard limit >= 1, limit <= 100 else {
            throw AdmiralError.validation("MaxRecords must be between 1 and 100; it was \(limit).")
        }
        var position: Int64?
        if let token = input.nextToken, !token.isEmpty {
            guard let value = Int64(token) else { throw AdmiralError.validation("The token '\(token)' is invalid.") }
            position = value
        }
        let after = position
        let group = input.autoScalingGroupName
        let ids = input.activityIds
        let (activities, next) = try await store.read { transaction in
            try transaction.activities(group: group, ids: ids, after: after, limit: limit)
        }
        return .init(activities: activities, nextToken: next.map(String.init))
    }

    /// DescribeAccountLimits.
    public func describeAccountLimits(context: RequestContext) async throws
        -> EC2AutoScaling.DescribeAccountLimitsAnswer
    {
        let (groups, configurations) = try await store.read { transaction in
            (try transaction.count(.group), try transaction.count(.launchConfiguration))
        }
        return .init(
            maxNumberOfAutoScalingGroups: GroupRules.maxGroups,
            maxNumberOfLaunchConfigurations: GroupRules.maxLaunchConfigurations, numberOfAutoScalingGroups: groups,
            numberOfLaunchConfigurations: configurations)
    }

    /// DescribeAutoScalingNotificationTypes.
    public func describeAutoScalingNotificationTypes(context: RequestContext) async throws
        -> EC2AutoScaling.DescribeAutoScalingNotificationTypesAnswer
    {
        .init(autoScalingNotificationTypes: [
            "autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR",
            "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR",
            "autoscaling:TEST_NOTIFICATION",
        ])
    }

    /// DescribeTerminationPolicyTypes.
    public func describeTerminationPolicyTypes(context: RequestContext) async throws
        -> EC2AutoScaling.DescribeTerminationPolicyTypesAnswer
    {
        .init(terminationPolicyTypes: GroupRules.terminationPolicies.sorted())
    }

    /// DescribeScalingProcessTypes.
    public func describeScalingProcessTypes(context: RequestContext) async throws -> EC2AutoScaling.ProcessesType {
        .init(processes: AutoScalingProcess.allCases.map { .init(processName: $0.rawValue) })
    }
}
