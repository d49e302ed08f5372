import Foundation

/// When CloudWatch evaluates a metric alarm and which periods each evaluation looks at.
///
/// CloudWatch User Guide, "Evaluating an alarm": "For any period of one minute or longer, an alarm is
/// evaluated every minute and the evaluation is based on the window of time defined by the Period and
/// Evaluation Periods. For example, if the Period is 5 minutes (300 seconds) and Evaluation Periods is 1,
/// then at the end of minute 5 the alarm evaluates based on data from minutes 1 to 5. Then at the end of
/// minute 6, the alarm is evaluated based on the data from minutes 2 to 6." and "If the alarm period is 10
/// seconds or 30 seconds, the alarm is evaluated every 10 seconds." Alarms whose Period × Evaluation Periods
/// exceeds one day are evaluated once an hour.
///
/// So periods are laid back from the evaluation time (a whole minute, or a whole 10 seconds), not aligned
/// to multiples of the period: a 300-second alarm evaluated at 06:47 looks at 06:37–06:42 and 06:42–06:47,
/// as real `StateReasonData` shows. The period still in progress at the evaluation time is never evaluated.
public enum AlarmSchedule {
    /// Seconds between evaluations of a standard alarm (period of 60 seconds or more).
    public static let standardInterval = 60
    /// Seconds between evaluations of a high-resolution alarm (period of 10, 20 or 30 seconds).
    public static let highResolutionInterval = 10
    /// Seconds between evaluations of an alarm whose evaluation interval is longer than a day.
    public static let longRangeInterval = 3600
    /// The longest Period × Evaluation Periods that is still evaluated every minute.
    public static let longIntervalThreshold = 86_400

    /// Seconds between two evaluations of an alarm with `period` and `evaluationPeriods`.
    public static func evaluationInterval(period: Int, evaluationPeriods: Int = 1) -> Int {
        // Periods under 10 s exist only for the alarms target tracking creates with a
        // shortened --scaling-period: they are evaluated every period.
        if period < highResolutionInterval { return Swift.max(period, 1) }
        if period < standardInterval { return highResolutionInterval }
        if period * Swift.max(evaluationPeriods, 1) > longIntervalThreshold { return longRangeInterval }
        return standardInterval
    }

    /// The first evaluation time strictly after `now`: the next whole multiple of the evaluation interval
    /// since the epoch.
    public static func nextEvaluation(after now: Date, period: Int, evaluationPeriods: Int = 1) -> Date {
        let interval = Double(evaluationInterval(period: period, evaluationPeriods: evaluationPeriods))
        let next = ((now.timeIntervalSince1970 / interval).rounded(.down) + 1) * interval
        return Date(timeIntervalSince1970: next)
    }

    /// The evaluation time at or before `date`: `date` floored to the whole minute (whole 10 seconds for
    /// high-resolution periods, the whole period for the shortened ones under 10 seconds, which are
    /// evaluated every period). Each evaluation's windows end here.
    public static func evaluationTime(at date: Date, period: Int) -> Date {
        let step = Double(
            period < highResolutionInterval
                ? Swift.max(period, 1) : period < standardInterval ? highResolutionInterval : standardInterval)
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 / step).rounded(.down) * step)
    }

    /// The span of the `periods` complete periods an evaluation at `at` queries: it ends at
    /// ``evaluationTime(at:period:)`` and reaches `periods` × `period` seconds back. Pass
    /// ``MetricAlarmEvaluator/evaluationRangePeriods(evaluationPeriods:)`` as `periods` for the evaluation range.
    public static func evaluationWindow(at: Date, period: Int, periods: Int) -> (start: Date, end: Date) {
        let end = evaluationTime(at: at, period: period)
        return (end.addingTimeInterval(-Double(period * Swift.max(periods, 0))), end)
    }

    /// The start of each period in ``evaluationWindow(at:period:periods:)``, oldest first: the timestamps of
    /// the datapoints to hand ``MetricAlarmEvaluator``.
    public static func periodStarts(at: Date, period: Int, periods: Int) -> [Date] {
        let window = evaluationWindow(at: at, period: period, periods: periods)
        return (0..<Swift.max(periods, 0)).map { window.start.addingTimeInterval(Double($0 * period)) }
    }
}
