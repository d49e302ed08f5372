import AdmiralModel
import Foundation

/// Aggregated values of one metric in one time bucket, to be merged into what is stored.
public struct MetricWrite: Sendable {
    /// The metric.
    public var metric: MetricIdentity
    /// The start of the bucket.
    public var timestamp: Date
    /// The bucket's length in seconds: 1 for high-resolution data, 60 for standard.
    public var resolution: Int
    /// The unit the values were published with (`None` when none was given).
    public var unit: String
    /// The values of the bucket.
    public var aggregate: MetricAggregate

    /// Creates a write.
    public init(
        metric: MetricIdentity, timestamp: Date, resolution: Int, unit: String = "None", aggregate: MetricAggregate
    ) {
        self.metric = metric
        self.timestamp = timestamp
        self.resolution = resolution
        self.unit = unit
        self.aggregate = aggregate
    }
}

/// One stored bucket of a metric.
public struct StoredDatapoint: Sendable {
    /// The start of the bucket.
    public var timestamp: Date
    /// The bucket's length in seconds.
    public var resolution: Int
    /// The unit the values were published with.
    public var unit: String
    /// The values of the bucket.
    public var aggregate: MetricAggregate

    /// Creates a datapoint.
    public init(timestamp: Date, resolution: Int, unit: String = "None", aggregate: MetricAggregate) {
        self.timestamp = timestamp
        self.resolution = resolution
        self.unit = unit
        self.aggregate = aggregate
    }
}

/// A metric as ListMetrics shows it, with when data last arrived for it.
public struct MetricListing: Sendable, Hashable {
    /// The metric.
    public var metric: MetricIdentity
    /// The newest time data was published for it.
    public var lastPublished: Date

    /// Creates a listing.
    public init(metric: MetricIdentity, lastPublished: Date) {
        self.metric = metric
        self.lastPublished = lastPublished
    }
}

/// Where CloudWatch keeps its metrics, alarms, alarm history and dashboards. Metrics
/// live apart from the control plane's store so that heavy PutMetricData traffic does
/// not queue behind (or in front of) RunTask's writes.
public protocol MetricStore: Sendable {
    /// Merges the writes into the stored buckets, in one transaction, durable when it
    /// returns.
    func put(_ writes: [MetricWrite], publishedAt: Date) async throws

    /// The metrics of `namespace` (all when nil) named `name` (all when nil), published
    /// at or after `activeSince` when given, ordered by namespace, name and dimensions,
    /// after the `after` position (a pagination token from an earlier page), at most `limit`.
    func listMetrics(
        namespace: String?, name: String?, activeSince: Date?, after: String?, limit: Int,
        matching: @Sendable (MetricIdentity) -> Bool
    ) async throws -> (metrics: [MetricListing], next: String?)

    /// The stored buckets of `metric` whose start is in `[start, end)`, oldest first; only
    /// those published with `unit` when one is given.
    func datapoints(of metric: MetricIdentity, from start: Date, to end: Date, unit: String?) async throws
        -> [StoredDatapoint]

    /// Rolls buckets up to coarser resolutions as they age, and drops expired ones
    /// (CloudWatch's retention). Returns how many stored buckets it rewrote or removed.
    func rollUp(now: Date) async throws -> Int

    /// Every alarm, by name.
    func alarms() async throws -> [AlarmRecord]
    /// The alarms with these names (those that exist).
    func alarms(named names: [String]) async throws -> [AlarmRecord]
    /// Creates or replaces an alarm and appends a history item, in one transaction.
    func putAlarm(_ alarm: AlarmRecord, history: AlarmHistoryRecord?) async throws
    /// Writes an alarm's evaluation (its state and action bookkeeping) if its
    /// configuration is still the one evaluated (`alarm.version`), with history items.
    /// Returns false when the alarm changed or went away in between.
    func updateAlarmState(_ alarm: AlarmRecord, history: [AlarmHistoryRecord]) async throws -> Bool
    /// ``updateAlarmState(_:history:)`` for many alarms in one transaction; returns, in
    /// order, whether each was written.
    func updateAlarmStates(_ updates: [(AlarmRecord, [AlarmHistoryRecord])]) async throws -> [Bool]
    /// The stored buckets of each metric in `[start, end)`, in one read.
    func datapoints(of metrics: [MetricIdentity], from start: Date, to end: Date) async throws
        -> [MetricIdentity: [StoredDatapoint]]
    /// Deletes the alarms; returns the names that existed.
    func deleteAlarms(named names: [String]) async throws -> [String]
    /// Appends history items.
    func appendHistory(_ items: [AlarmHistoryRecord]) async throws
    /// History items, newest first (or oldest first when `ascending`).
    func history(
        alarmName: String?, type: String?, from: Date?, to: Date?, ascending: Bool, after: Int64?, limit: Int
    ) async throws -> (items: [AlarmHistoryRecord], next: Int64?)

    /// Creates or replaces a dashboard.
    func putDashboard(_ dashboard: DashboardRecord) async throws
    /// The dashboard of that name.
    func dashboard(named name: String) async throws -> DashboardRecord?
    /// Dashboards whose name starts with `prefix`, by name.
    func dashboards(prefix: String?) async throws -> [DashboardRecord]
    /// Deletes the dashboards; returns the names that existed.
    func deleteDashboards(named names: [String]) async throws -> [String]

    /// The tags of a resource (an alarm's or a dashboard's ARN), in the order set.
    func tags(of resource: String) async throws -> [CloudWatch.Tag]
    /// Replaces the tags of a resource.
    func setTags(_ tags: [CloudWatch.Tag], of resource: String) async throws
}
