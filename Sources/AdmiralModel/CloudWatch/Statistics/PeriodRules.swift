import Foundation

/// The rules CloudWatch applies to the `Period`, `StartTime` and `EndTime` of
/// GetMetricStatistics and GetMetricData (`MetricStat.Period`).
///
/// From the API reference (botocore's model, `GetMetricStatisticsInput`):
/// - `Period` is at least 1 and is 1, 5, 10, 20, 30, 60 or any multiple of 60.
/// - When `StartTime` is more than 3 hours ago the period must be a multiple of 60,
///   more than 15 days ago a multiple of 300, more than 63 days ago a multiple of 3600,
///   "or no data points in that time range is returned": CloudWatch answers with no data
///   rather than an error, so the caller chooses between ``violation(period:startTime:now:)``
///   (an error) and ``requiredMultiple(startTime:now:)`` (an empty answer).
/// - `StartTime` is rounded down: to the 5-, 10-, 20- or 30-second division of the minute
///   for those periods; otherwise to the minute when less than 15 days ago, to 5 minutes
///   up to 63 days ago and to the hour beyond.
/// - GetMetricStatistics returns at most 1,440 data points.
public enum PeriodRules {
    /// The most data points one GetMetricStatistics call may ask for.
    public static let maximumDatapoints = 1440
    /// The periods shorter than a minute that CloudWatch accepts.
    public static let subMinutePeriods: [Int] = [1, 5, 10, 20, 30]

    /// Why `period` is not a period CloudWatch accepts at all, or nil when it is.
    ///
    /// Below 1 the message is the one of AWS's model validation (code `ValidationError`);
    /// otherwise it is for `InvalidParameterValue`.
    public static func invalidPeriodMessage(_ period: Int) -> String? {
        if period < 1 {
            return "1 validation error detected: Value '\(period)' at 'period' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 1"
        }
        if subMinutePeriods.contains(period) || period % 60 == 0 { return nil }
        return "The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60."
    }

    /// The number of seconds the period must be a multiple of for a query starting at
    /// `startTime`: 1 (no constraint) up to 3 hours ago, 60 beyond that, 300 beyond 15
    /// days and 3600 beyond 63 days.
    public static func requiredMultiple(startTime: Date, now: Date) -> Int {
        let age = now.timeIntervalSince(startTime)
        var multiple = 1
        let tiers = MetricResolution.tiers
        for (finer, coarser) in zip(tiers, tiers.dropFirst()) where age > finer.retention {
            multiple = coarser.resolution
        }
        return multiple
    }

    /// Why `period` cannot be used for a query starting at `startTime`, or nil when it can:
    /// the message of ``invalidPeriodMessage(_:)``, or one saying which multiple the age of
    /// the start requires (where CloudWatch itself would return no data points).
    public static func violation(period: Int, startTime: Date, now: Date) -> String? {
        if let message = invalidPeriodMessage(period) { return message }
        let multiple = requiredMultiple(startTime: startTime, now: now)
        guard period % multiple != 0 else { return nil }
        return "The parameter Period must be a multiple of \(multiple) when StartTime is more than "
            + "\(ageLimitText(forMultiple: multiple)) ago; data that old is only kept at that resolution."
    }

    /// `start` rounded down as CloudWatch rounds a query's `StartTime`: for a period of
    /// 1, 5, 10, 20 or 30 seconds to a multiple of the period; otherwise to the minute when
    /// the start is less than 15 days before `now`, to 5 minutes up to 63 days and to the
    /// hour beyond.
    public static func roundedStartTime(_ start: Date, period: Int, now: Date) -> Date {
        if period < 60 {
            let step = subMinutePeriods.contains(period) ? period : 1
            return MetricResolution.bucketStart(start, resolution: step)
        }
        let age = now.timeIntervalSince(start)
        let step = MetricResolution.tiers.first { $0.resolution >= 60 && age <= $0.retention }?.resolution ?? 3600
        return MetricResolution.bucketStart(start, resolution: step)
    }

    /// How many periods of `period` seconds the range `[start, end)` spans, a last
    /// partial period counting as one: what CloudWatch calls "up to N datapoints". Zero
    /// when the range is empty or the period is not positive.
    public static func datapointCount(start: Date, end: Date, period: Int) -> Int {
        guard period > 0, end > start else { return 0 }
        let count = (end.timeIntervalSince(start) / Double(period)).rounded(.up)
        return count >= Double(Int.max) ? Int.max : Int(count)
    }

    /// The `InvalidParameterCombination` message of a GetMetricStatistics call over
    /// `[start, end)` that asks for more than ``maximumDatapoints``, or nil when it does not.
    public static func datapointLimitViolation(start: Date, end: Date, period: Int) -> String? {
        let count = datapointCount(start: start, end: end, period: period)
        return count > maximumDatapoints ? datapointLimitMessage(requested: count) : nil
    }

    /// CloudWatch's message for a GetMetricStatistics call asking for `requested` data points.
    public static func datapointLimitMessage(requested: Int) -> String {
        "You have requested up to \(requested) datapoints, which exceeds the limit of \(maximumDatapoints). "
            + "You may reduce the datapoints requested by increasing Period, or decreasing the time range."
    }

    private static func ageLimitText(forMultiple multiple: Int) -> String {
        guard let finer = MetricResolution.tiers.last(where: { $0.resolution < multiple }) else { return "0 seconds" }
        let hours = Int(finer.retention / 3600)
        return hours % 24 == 0 ? "\(hours / 24) days" : "\(hours) hours"
    }
}
