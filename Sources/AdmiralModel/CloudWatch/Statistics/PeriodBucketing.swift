import Foundation

/// Groups stored buckets into the periods of a GetMetricStatistics or GetMetricData
/// answer.
///
/// Periods are aligned to the query's start, not to multiples of the period since the
/// epoch: period `k` covers `[start + k·period, start + (k+1)·period)` and its data point
/// is timestamped at its start. That is how CloudWatch documents it (a data point's
/// `Timestamp` is the start of its period; with `Period` 5 a query made at 15:07:17 for
/// the last 5 minutes returns data timestamped 15:02:15 to 15:07:15, and "CloudWatch
/// aggregates all data points with time stamps that fall within each one-hour period").
/// The alignment CloudWatch gives long periods comes from rounding `StartTime` first; pass
/// ``PeriodRules/roundedStartTime(_:period:now:)`` as `start` to get it.
///
/// A stored bucket falls wholly into the period holding its timestamp, even when it is
/// coarser than the period: an hour bucket asked for by the minute lands in the minute
/// it starts in, as CloudWatch's rolled-up data does.
public enum PeriodBucketing {
    /// The merged data of one period.
    public struct Bucket: Sendable, Equatable {
        /// The start of the period: the data point's `Timestamp`.
        public var timestamp: Date
        /// Every stored bucket of the period, merged.
        public var aggregate: MetricAggregate

        /// Creates a bucket.
        public init(timestamp: Date, aggregate: MetricAggregate) {
            self.timestamp = timestamp
            self.aggregate = aggregate
        }
    }

    /// The periods of `period` seconds from `start` that hold data among `rows`, each with
    /// its rows merged, in ascending order of time.
    ///
    /// Rows may come in any order and at any storage resolution; those timestamped
    /// before `start` or at or after `end` are left out. Rows are merged in order of
    /// timestamp, so the answer does not depend on the order they came in. An empty range
    /// or a period below 1 gives no buckets.
    public static func buckets(
        _ rows: some Sequence<(timestamp: Date, aggregate: MetricAggregate)>,
        start: Date,
        end: Date,
        period: Int
    ) -> [Bucket] {
        guard period >= 1, end > start else { return [] }
        let length = Double(period)
        let inRange = rows.filter { $0.timestamp >= start && $0.timestamp < end }
        var merged: [Int: MetricAggregate] = [:]
        for row in inRange.sorted(by: { $0.timestamp < $1.timestamp }) {
            let index = Int((row.timestamp.timeIntervalSince(start) / length).rounded(.down))
            if let existing = merged[index] {
                merged[index] = existing.merging(row.aggregate)
            } else {
                merged[index] = row.aggregate
            }
        }
        return merged.keys.sorted().compactMap { index in
            merged[index].map { Bucket(timestamp: start.addingTimeInterval(Double(index) * length), aggregate: $0) }
        }
    }
}
