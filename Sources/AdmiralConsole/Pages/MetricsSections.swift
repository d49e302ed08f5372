import AdmiralControlPlane
import AdmiralModel
import Foundation

/// The metrics of a service (CPU and memory utilization) and of a load balancer
/// (requests, latency percentiles, 5xx counts) over a chosen range, with the alarms on
/// those metrics (threshold drawn, state history listed), and a service's scaling.
extension Console {
    /// The ranges a page offers, by query value: seconds, and the period of a point.
    static let ranges: [(name: String, seconds: Int, period: Int)] = [
        ("1h", 3600, 60), ("3h", 3 * 3600, 60), ("12h", 12 * 3600, 300), ("24h", 24 * 3600, 300),
    ]

    struct MetricQuery {
        var title: String
        var namespace: String
        var metricName: String
        var dimensions: [CloudWatch.Dimension]
        var statistics: [CloudWatch.Statistic] = []
        var percentiles: [String] = []
        var unit: String = ""
    }

    func metricsSection(_ queries: [MetricQuery], path: String, view: ViewContext) async -> HTML {
        let context = domainContext(view.session)
        let range = Self.ranges.first { $0.name == view.query["range"] } ?? Self.ranges[0]
        let end = context.now
        let start = end.addingTimeInterval(-TimeInterval(range.seconds))
        var charts: [HTML] = []
        var alarms: [CloudWatch.MetricAlarm] = []
        for query in queries {
            let output = try? await controlPlane.cloudWatch.getMetricStatistics(
                CloudWatch.GetMetricStatisticsInput(
                    namespace: query.namespace, metricName: query.metricName, dimensions: query.dimensions,
                    startTime: start, endTime: end, period: range.period,
                    statistics: query.statistics.isEmpty ? nil : query.statistics,
                    extendedStatistics: query.percentiles.isEmpty ? nil : query.percentiles),
                context: context)
            let points = output?.datapoints ?? []
            var series: [Chart.Series] = []
            for statistic in query.statistics {
                series.append(
                    Chart.Series(
                        label: statistic.rawValue,
                        points: points.compactMap { point in
                            guard let time = point.timestamp, let value = Self.value(point, statistic) else {
                                return nil
                            }
                            return (time, value)
                        }))
            }
            for percentile in query.percentiles {
                series.append(
                    Chart.Series(
                        label: percentile,
                        points: points.compactMap { point in
                            guard let time = point.timestamp, let value = point.extendedStatistics?[percentile] else {
                                return nil
                            }
                            return (time, value)
                        }))
            }
            let onMetric =
                (try? await controlPlane.cloudWatch.describeAlarmsForMetric(
                    CloudWatch.DescribeAlarmsForMetricInput(
                        metricName: query.metricName, namespace: query.namespace, dimensions: query.dimensions),
                    context: context))?.metricAlarms ?? []
            alarms += onMetric
            let thresholds = onMetric.compactMap { alarm in
                alarm.threshold.map {
                    Chart.Threshold(
                        label: "\(alarm.alarmName ?? "alarm") (\(alarm.stateValue?.rawValue ?? "—"))", value: $0)
                }
            }
            charts.append(
                Chart(
                    title: query.title, unit: query.unit, start: start, end: end, series: series,
                    thresholds: thresholds
                ).render())
        }
        var history: [String: [CloudWatch.AlarmHistoryItem]] = [:]
        for alarm in alarms {
            guard let name = alarm.alarmName else { continue }
            history[name] =
                (try? await controlPlane.cloudWatch.describeAlarmHistory(
                    CloudWatch.DescribeAlarmHistoryInput(alarmName: name, historyItemType: .stateUpdate, maxRecords: 5),
                    context: context))?.alarmHistoryItems ?? []
        }
        return HTML.el(.h2) { "Metrics" }
            + HTML.el(.p, .class("ranges")) {
                "Range: "
                for choice in Self.ranges {
                    if choice.name == range.name {
                        HTML.el(.strong) { choice.name }
                    } else {
                        HTML.link(path + "?range=" + choice.name, choice.name)
                    }
                    " "
                }
            }
            + HTML.el(.div, .class("charts")) { for chart in charts { chart } }
            + HTML.el(.h3) { "Alarms on these metrics" }
            + HTML.table(
                ["Alarm", "State", "Condition", "Recent state changes"], alarms,
                empty: "No alarms watch these metrics."
            ) { alarm in
                HTML.cell(Format.text(alarm.alarmName))
                HTML.el(.td) {
                    HTML.el(.span, .class("badge " + (alarm.stateValue == .alarm ? "bad" : "ok"))) {
                        alarm.stateValue?.rawValue ?? "—"
                    }
                }
                HTML.cell(
                    "\(alarm.metricName ?? "") \(alarm.comparisonOperator?.rawValue ?? "") "
                        + "\(alarm.threshold.map { Chart.compact($0) } ?? "") for \(alarm.evaluationPeriods ?? 0) "
                        + "× \(alarm.period ?? 0) s")
                HTML.el(.td) {
                    HTML.el(.ul, .class("history")) {
                        for item in history[alarm.alarmName ?? ""] ?? [] {
                            HTML.el(.li) { Format.time(item.timestamp) + " " + (item.historySummary ?? "") }
                        }
                    }
                }
            }
    }

    static func value(_ point: CloudWatch.Datapoint, _ statistic: CloudWatch.Statistic) -> Double? {
        switch statistic {
        case .average: point.average
        case .sum: point.sum
        case .maximum: point.maximum
        case .minimum: point.minimum
        case .sampleCount: point.sampleCount
        }
    }

    func serviceMetrics(cluster: String, service: String, view: ViewContext) async -> HTML {
        let dimensions = [
            CloudWatch.Dimension(name: "ClusterName", value: cluster),
            CloudWatch.Dimension(name: "ServiceName", value: service),
        ]
        return await metricsSection(
            [
                MetricQuery(
                    title: "CPU utilization", namespace: "AWS/ECS", metricName: "CPUUtilization",
                    dimensions: dimensions, statistics: [.average, .maximum], unit: "%"),
                MetricQuery(
                    title: "Memory utilization", namespace: "AWS/ECS", metricName: "MemoryUtilization",
                    dimensions: dimensions, statistics: [.average, .maximum], unit: "%"),
            ], path: Paths.service(cluster, service), view: view)
    }

    func loadBalancerMetrics(name: String, arn: String, view: ViewContext) async -> HTML {
        let value = arn.range(of: ":loadbalancer/").map { String(arn[$0.upperBound...]) } ?? arn
        let dimensions = [CloudWatch.Dimension(name: "LoadBalancer", value: value)]
        return await metricsSection(
            [
                MetricQuery(
                    title: "Requests", namespace: "AWS/ApplicationELB", metricName: "RequestCount",
                    dimensions: dimensions, statistics: [.sum]),
                MetricQuery(
                    title: "Target response time (seconds)", namespace: "AWS/ApplicationELB",
                    metricName: "TargetResponseTime", dimensions: dimensions, percentiles: ["p50", "p90", "p99"]),
                MetricQuery(
                    title: "5xx answers of the load balancer", namespace: "AWS/ApplicationELB",
                    metricName: "HTTPCode_ELB_5XX_Count", dimensions: dimensions, statistics: [.sum]),
                MetricQuery(
                    title: "5xx answers of the targets", namespace: "AWS/ApplicationELB",
                    metricName: "HTTPCode_Target_5XX_Count", dimensions: dimensions, statistics: [.sum]),
            ], path: Paths.loadBalancer(name), view: view)
    }

    /// The service's scalable target, policies and latest activities, when it has them.
    func serviceScaling(cluster: String, service: String, view: ViewContext) async -> HTML {
        let context = domainContext(view.session)
        let resourceId = "service/\(cluster)/\(service)"
        let targets =
            (try? await controlPlane.autoScaling.describeScalableTargets(
                ApplicationAutoScaling.DescribeScalableTargetsRequest(
                    serviceNamespace: .ecs, resourceIds: [resourceId]),
                context: context))?.scalableTargets ?? []
        guard let target = targets.first else {
            return HTML.el(.h2) { "Auto scaling" }
                + HTML.el(.p, .class("empty")) {
                    "This service has no scalable target (aws application-autoscaling register-scalable-target)."
                }
        }
        let policies =
            (try? await controlPlane.autoScaling.describeScalingPolicies(
                ApplicationAutoScaling.DescribeScalingPoliciesRequest(serviceNamespace: .ecs, resourceId: resourceId),
                context: context))?.scalingPolicies ?? []
        let activities =
            (try? await controlPlane.autoScaling.describeScalingActivities(
                ApplicationAutoScaling.DescribeScalingActivitiesRequest(
                    serviceNamespace: .ecs, resourceId: resourceId, maxResults: 10),
                context: context))?.scalingActivities ?? []
        return HTML.el(.h2) { "Auto scaling" }
            + HTML.el(.p) { "Desired count between \(target.minCapacity) and \(target.maxCapacity)." }
            + HTML.table(["Policy", "Type", "Configuration"], policies, empty: "No scaling policies.") { policy in
                HTML.cell(policy.policyName)
                HTML.cell(policy.policyType.rawValue)
                HTML.cell(Self.describe(policy))
            }
            + HTML.el(.h3) { "Latest scaling activities" }
            + HTML.table(["Started", "Status", "Description", "Cause"], activities, empty: "No scaling activities.") {
                activity in
                HTML.cell(Format.time(activity.startTime))
                HTML.cell(activity.statusCode.rawValue)
                HTML.cell(activity.description)
                HTML.cell(activity.cause)
            }
    }

    static func describe(_ policy: ApplicationAutoScaling.ScalingPolicy) -> String {
        if let tracking = policy.targetTrackingScalingPolicyConfiguration {
            let metric =
                tracking.predefinedMetricSpecification?.predefinedMetricType.rawValue
                ?? tracking.customizedMetricSpecification?.metricName ?? "a custom metric"
            return "keep \(metric) at \(Chart.compact(tracking.targetValue))"
        }
        if let step = policy.stepScalingPolicyConfiguration {
            return "\(step.adjustmentType?.rawValue ?? "step") in \(step.stepAdjustments?.count ?? 0) steps"
        }
        return "—"
    }
}
