import AdmiralModel
import Foundation

/// Builders for alarm evaluation tests: UTC dates, evaluation ranges drawn as the CloudWatch guide draws
/// them (`0 - X - X`, oldest first), and inputs with sensible defaults.
enum AlarmFixture {
    /// The value the drawn ranges use for a breaching datapoint (`X`) against ``threshold``.
    static let breachingValue = 9.0
    /// The value the drawn ranges use for a non-breaching datapoint (`0`).
    static let okValue = 1.0
    /// The threshold of the drawn ranges, compared with `GreaterThanThreshold`.
    static let threshold = 5.0

    /// A UTC date; `second` may carry milliseconds.
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Double = 0) -> Date {
        // Howard Hinnant's days_from_civil, so that tests do not lean on the formatter's own arithmetic.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Date(timeIntervalSince1970: Double(days * 86_400 + hour * 3600 + minute * 60) + second)
    }

    /// The datapoints of a drawn range (`X` breaching, `0` not breaching, `-` missing), oldest first, one
    /// period apart, the newest starting one period before `end`.
    static func drawn(_ pattern: String, end: Date = utc(2026, 12, 7, 7, 45), period: Int = 60) -> [AlarmDatapoint] {
        let marks = pattern.split(separator: " ")
        return marks.enumerated().map { index, mark in
            let start = end.addingTimeInterval(-Double((marks.count - index) * period))
            switch mark {
            case "X": return AlarmDatapoint(timestamp: start, value: breachingValue, sampleCount: 1)
            case "0": return AlarmDatapoint(timestamp: start, value: okValue, sampleCount: 1)
            default: return .missing(at: start)
            }
        }
    }

    /// Datapoints with the given values (nil for missing), oldest first, one period apart from `first`.
    static func series(_ values: [Double?], first: Date, period: Int, sampleCount: Double? = nil) -> [AlarmDatapoint] {
        values.enumerated().map { index, value in
            AlarmDatapoint(
                timestamp: first.addingTimeInterval(Double(index * period)), value: value,
                sampleCount: value == nil ? nil : sampleCount)
        }
    }

    /// An input over a drawn range: threshold 5, `GreaterThanThreshold`, period 60, `Average`.
    static func input(
        _ pattern: String, evaluationPeriods: Int = 3, datapointsToAlarm: Int? = 3,
        treatMissingData: TreatMissingData = .missing, currentState: AlarmStateValue = .ok
    ) -> MetricAlarmEvaluator.Input {
        MetricAlarmEvaluator.Input(
            threshold: threshold, comparison: .greaterThanThreshold, period: 60, evaluationPeriods: evaluationPeriods,
            datapointsToAlarm: datapointsToAlarm, treatMissingData: treatMissingData, statistic: "Average",
            currentState: currentState, now: utc(2026, 12, 7, 7, 45, 12.5), datapoints: drawn(pattern))
    }

    /// The state an evaluation of a drawn range reaches.
    static func state(
        _ pattern: String, evaluationPeriods: Int = 3, datapointsToAlarm: Int? = 3,
        treatMissingData: TreatMissingData = .missing, currentState: AlarmStateValue = .ok
    ) -> AlarmStateValue {
        MetricAlarmEvaluator.evaluate(
            input(
                pattern, evaluationPeriods: evaluationPeriods, datapointsToAlarm: datapointsToAlarm,
                treatMissingData: treatMissingData, currentState: currentState)
        ).newState
    }
}
