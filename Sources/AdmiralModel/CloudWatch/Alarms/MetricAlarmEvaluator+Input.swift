import Foundation

extension MetricAlarmEvaluator {
    /// Everything one evaluation of a metric alarm looks at: the alarm's configuration, its state, the time,
    /// and the datapoints of its evaluation range.
    public struct Input: Sendable, Equatable {
        /// The value the statistic is compared with.
        public var threshold: Double
        /// How the statistic is compared with the threshold.
        public var comparison: AlarmComparison
        /// The length of one period in seconds.
        public var period: Int
        /// `EvaluationPeriods` (N): how many of the most recent datapoints decide the state.
        public var evaluationPeriods: Int
        /// `DatapointsToAlarm` (M) as the alarm stores it: `nil` when PutMetricAlarm omitted it, which means
        /// N and also selects CloudWatch's older wording of the state reason (`3 datapoints were ...`).
        public var datapointsToAlarm: Int?
        /// How missing datapoints are treated; pass ``TreatMissingData/effective(_:namespace:)``.
        public var treatMissingData: TreatMissingData
        /// The statistic's label for `StateReasonData`, such as `Average` or `p99`; `nil` leaves the key out.
        public var statistic: String?
        /// The alarm's `Unit`, written as `unit` in `StateReasonData` when set.
        public var unit: String?
        /// The state the alarm is in.
        public var currentState: AlarmStateValue
        /// The time of the evaluation, written as `queryDate`.
        public var now: Date
        /// One entry per period of the evaluation range, oldest first and newest last, `value` `nil` for a
        /// period without data. Pass ``MetricAlarmEvaluator/evaluationRangePeriods(evaluationPeriods:)``
        /// periods, as ``AlarmSchedule/periodStarts(at:period:periods:)`` lays them out.
        public var datapoints: [AlarmDatapoint]

        /// Creates an input.
        public init(
            threshold: Double, comparison: AlarmComparison, period: Int, evaluationPeriods: Int,
            datapointsToAlarm: Int? = nil, treatMissingData: TreatMissingData = .default, statistic: String?,
            unit: String? = nil, currentState: AlarmStateValue, now: Date, datapoints: [AlarmDatapoint]
        ) {
            self.threshold = threshold
            self.comparison = comparison
            self.period = period
            self.evaluationPeriods = evaluationPeriods
            self.datapointsToAlarm = datapointsToAlarm
            self.treatMissingData = treatMissingData
            self.statistic = statistic
            self.unit = unit
            self.currentState = currentState
            self.now = now
            self.datapoints = datapoints
        }

        /// N, at least 1.
        public var effectiveEvaluationPeriods: Int { Swift.max(evaluationPeriods, 1) }

        /// M: `DatapointsToAlarm`, or N when omitted, kept within 1...N.
        public var effectiveDatapointsToAlarm: Int {
            Swift.min(Swift.max(datapointsToAlarm ?? effectiveEvaluationPeriods, 1), effectiveEvaluationPeriods)
        }

        /// How many non-breaching datapoints send the alarm to `OK`: N - M + 1.
        public var datapointsToRecover: Int { effectiveEvaluationPeriods - effectiveDatapointsToAlarm + 1 }

        /// Whether `datapoint` has a value that breaches the threshold.
        public func isBreaching(_ datapoint: AlarmDatapoint) -> Bool {
            guard let value = datapoint.value else { return false }
            return comparison.isBreaching(value, threshold: threshold)
        }
    }
}
