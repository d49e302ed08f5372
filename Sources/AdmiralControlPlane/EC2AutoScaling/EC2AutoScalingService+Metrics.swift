import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// The group metrics EnableMetricsCollection can turn on (published to `AWS/AutoScaling`).
    static let groupMetrics = [
        "GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances",
        "GroupStandbyInstances", "GroupTerminatingInstances", "GroupTotalInstances", "GroupInServiceCapacity",
        "GroupPendingCapacity", "GroupStandbyCapacity", "GroupTerminatingCapacity", "GroupTotalCapacity",
    ]

    /// EnableMetricsCollection (granularity `1Minute`).
    public func enableMetricsCollection(_ input: EC2AutoScaling.EnableMetricsCollectionQuery, context: RequestContext)
        async throws
    {
        guard input.granularity == "1Minute" else {
            throw AdmiralError.validation("Granularity must be 1Minute.")
        }
        let metrics = try Self.metricNames(input.metrics)
        try await store.write { transaction in
            var group = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            var enabled = group.group.enabledMetrics ?? []
            for metric in metrics where !enabled.contains(where: { $0.metric == metric }) {
                enabled.append(.init(metric: metric, granularity: "1Minute"))
            }
            group.group.enabledMetrics = enabled
            try transaction.put(group)
        }
    }

    /// DisableMetricsCollection.
    public func disableMetricsCollection(
        _ input: EC2AutoScaling.DisableMetricsCollectionQuery, context: RequestContext
    ) async throws {
        let metrics = Set(try Self.metricNames(input.metrics))
        try await store.write { transaction in
            var group = try Self.requireGroup(input.autoScalingGroupName, in: transaction)
            group.group.enabledMetrics = (group.group.enabledMetrics ?? []).filter {
                !metrics.contains($0.metric ?? "")
            }
            try transaction.put(group)
        }
    }

    /// DescribeMetricCollectionTypes.
    public func describeMetricCollectionTypes(context: RequestContext) async throws
        -> EC2AutoScaling.DescribeMetricCollectionTypesAnswer
    {
        .init(metrics: Self.groupMetrics.map { .init(metric: $0) }, granularities: [.init(granularity: "1Minute")])
    }

    /// DescribeAdjustmentTypes.
    public func describeAdjustmentTypes(context: RequestContext) async throws
        -> EC2AutoScaling.DescribeAdjustmentTypesAnswer
    {
        .init(adjustmentTypes: CapacityChange.AdjustmentType.allCases.map { .init(adjustmentType: $0.rawValue) })
    }

    static func metricNames(_ names: [String]?) throws -> [String] {
        guard let names, !names.isEmpty else { return groupMetrics }
        for name in names where !groupMetrics.contains(name) {
            throw AdmiralError.validation(
                "Metric \(name) is not a group metric; use one of \(groupMetrics.joined(separator: ", ")).")
        }
        return names
    }

    /// Publishes the enabled group metrics of every group (the controller calls it once a minute).
    func publishGroupMetrics(groups: [AutoScalingGroupRecord], instances: [AutoScalingInstanceRecord], now: Date)
        async throws
    {
        let byGroup = Dictionary(grouping: instances, by: \.groupName)
        var data: [CloudWatch.MetricDatum] = []
        for group in groups {
            let enabled = Set((group.group.enabledMetrics ?? []).compactMap(\.metric))
            guard !enabled.isEmpty else { continue }
            let members = byGroup[group.name] ?? []
            func count(_ states: [EC2AutoScaling.LifecycleState]) -> Double {
                Double(members.filter { states.contains($0.lifecycleState) }.count)
            }
            let inService = count([.inService])
            let pending = count([.pending, .pendingWait, .pendingProceed])
            let standby = count([.standby, .enteringStandby])
            let terminating = count([.terminating, .terminatingWait, .terminatingProceed])
            let values: [String: Double] = [
                "GroupMinSize": Double(group.group.minSize), "GroupMaxSize": Double(group.group.maxSize),
                "GroupDesiredCapacity": Double(group.group.desiredCapacity),
                "GroupInServiceInstances": inService, "GroupPendingInstances": pending,
                "GroupStandbyInstances": standby, "GroupTerminatingInstances": terminating,
                "GroupTotalInstances": inService + pending + standby + terminating,
                "GroupInServiceCapacity": inService, "GroupPendingCapacity": pending,
                "GroupStandbyCapacity": standby, "GroupTerminatingCapacity": terminating,
                "GroupTotalCapacity": inService + pending + standby + terminating,
            ]
            for name in Self.groupMetrics where enabled.contains(name) {
                data.append(
                    CloudWatch.MetricDatum(
                        metricName: name,
                        dimensions: [CloudWatch.Dimension(name: "AutoScalingGroupName", value: group.name)],
                        timestamp: now, value: values[name] ?? 0, unit: CloudWatch.StandardUnit.none))
            }
        }
        try await cloudWatch.publish(namespace: "AWS/AutoScaling", data: data, now: now)
    }
}
