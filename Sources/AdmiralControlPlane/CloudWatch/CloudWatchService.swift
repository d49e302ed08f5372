import AdmiralModel
import AdmiralStore
import Foundation
import Synchronization

/// CloudWatch's API over a ``MetricStore``: metrics in, statistics and metric math out,
/// alarms, their history and dashboards. Every check runs before the store is called,
/// so a rejected request stores nothing.
public struct CloudWatchService: Sendable {
    let store: any MetricStore
    /// The alarm actions Admiral can carry out; PutMetricAlarm refuses the others.
    public let actions: AlarmActionRegistry
    /// Wakes the alarm evaluator when alarms change.
    let alarmChanges: AlarmChangeSignal

    /// Creates the service.
    public init(store: any MetricStore, actions: AlarmActionRegistry = AlarmActionRegistry()) {
        self.store = store
        self.actions = actions
        self.alarmChanges = AlarmChangeSignal()
    }

    /// CloudWatch's limits.
    public enum Limits {
        /// Metric data per PutMetricData call.
        public static let metricDataPerCall = 1000
        /// Values (with Counts) per metric datum.
        public static let valuesPerDatum = 150
        /// Dimensions per metric.
        public static let dimensionsPerMetric = 30
        /// How far back a datapoint's timestamp may lie: two weeks.
        public static let oldestTimestamp: TimeInterval = 14 * 86400
        /// How far ahead a datapoint's timestamp may lie: two hours.
        public static let newestTimestamp: TimeInterval = 2 * 3600
        /// Datapoints one GetMetricStatistics call may ask for.
        public static let datapointsPerStatisticsCall = 1440
        /// Queries per GetMetricData call.
        public static let queriesPerMetricDataCall = 500
        /// GetMetricData's default and largest MaxDatapoints.
        public static let maxDatapointsDefault = 100_800
        /// Metrics per ListMetrics page.
        public static let metricsPerPage = 500
        /// Values a datum may hold: magnitudes up to 2^360.
        public static let largestMagnitude: Double = 0x1p360
        /// Statistics per GetMetricStatistics call.
        public static let statisticsPerCall = 5
        /// Extended statistics per GetMetricStatistics call.
        public static let extendedStatisticsPerCall = 10
        /// How long RecentlyActive's PT3H looks back.
        public static let recentlyActive: TimeInterval = 3 * 3600
    }

    func arn(_ context: RequestContext, _ resource: String) -> String {
        "arn:aws:cloudwatch:\(context.names.region):\(context.names.accountId):\(resource)"
    }

    /// The ARN of an alarm.
    func alarmARN(_ context: RequestContext, _ name: String) -> String { arn(context, "alarm:\(name)") }

    /// The ARN of a dashboard (dashboards are global: no region).
    func dashboardARN(_ context: RequestContext, _ name: String) -> String {
        "arn:aws:cloudwatch::\(context.names.accountId):dashboard/\(name)"
    }
}

/// Counts changes to alarm configurations (puts, deletes, enables), so that the alarm
/// evaluator reloads its alarms only when they changed.
public final class AlarmChangeSignal: Sendable {
    let generation = Atomic<Int>(0)

    init() {}

    /// Counts a change; returns the generation before and after it.
    @discardableResult
    func raise() -> (before: Int, after: Int) {
        let (before, after) = generation.add(1, ordering: .acquiringAndReleasing)
        return (before, after)
    }

    var current: Int { generation.load(ordering: .acquiring) }
}
