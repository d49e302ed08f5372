import Foundation

/// One time series as metric math sees it: the datapoints of a metric, or of an expression
/// already evaluated, in ascending order of time.
///
/// `timestamps` and `values` run in parallel: `values[i]` is the datapoint at
/// `timestamps[i]`. A timestamp with no datapoint is simply absent (CloudWatch's series are
/// sparse); metric math never produces a non-finite value.
public struct MetricSeries: Sendable, Hashable {
    /// The id of the query that produced the series (`m1`, `errors`).
    public var id: String
    /// The label of the series, as GetMetricData returns it.
    public var label: String
    /// The times of the datapoints, ascending.
    public var timestamps: [Date]
    /// The datapoints, one for each timestamp.
    public var values: [Double]

    /// Creates a series from parallel arrays of timestamps (ascending) and values.
    public init(id: String, label: String = "", timestamps: [Date], values: [Double]) {
        self.id = id
        self.label = label
        self.timestamps = timestamps
        self.values = values
    }

    /// Creates a series from (timestamp, value) pairs, which may come in any order.
    public init(id: String, label: String = "", points: [(Date, Double)]) {
        let sorted = points.sorted { $0.0 < $1.0 }
        self.init(id: id, label: label, timestamps: sorted.map(\.0), values: sorted.map(\.1))
    }

    /// The datapoints as (timestamp, value) pairs, ascending by time.
    public var points: [(timestamp: Date, value: Double)] {
        zip(timestamps, values).map { (timestamp: $0, value: $1) }
    }

    /// Whether the series has no datapoint.
    public var isEmpty: Bool { timestamps.isEmpty }

    /// The datapoints by timestamp.
    var valuesByTimestamp: [Date: Double] {
        Dictionary(zip(timestamps, values), uniquingKeysWith: { _, last in last })
    }

    /// The same series with other datapoints, keeping its id and label. Non-finite values are
    /// dropped, as CloudWatch drops them.
    func withPoints(_ points: [(Date, Double)]) -> MetricSeries {
        let kept = points.filter { $0.1.isFinite }
        return MetricSeries(id: id, label: label, timestamps: kept.map(\.0), values: kept.map(\.1))
    }

    /// Applies `transform` to every value, dropping the non-finite results.
    func mapValues(_ transform: (Double) -> Double) -> MetricSeries {
        withPoints(zip(timestamps, values).map { ($0, transform($1)) })
    }

    /// A series of the points given (ascending by time) whose values are finite.
    static func finite(id: String, label: String = "", points: [(Date, Double)]) -> MetricSeries {
        MetricSeries(id: id, label: label, timestamps: [], values: []).withPoints(points)
    }

    /// The timestamps at which any of `series` has a datapoint, ascending.
    static func unionOfTimestamps(_ series: [MetricSeries]) -> [Date] {
        var all = Set<Date>()
        for one in series { all.formUnion(one.timestamps) }
        return all.sorted()
    }
}
