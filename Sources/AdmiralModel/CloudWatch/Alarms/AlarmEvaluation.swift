/// What one evaluation of a metric alarm decided: the alarm's state now and, when the data decided it,
/// the `StateReason` and `StateReasonData` CloudWatch would write.
///
/// CloudWatch rewrites `StateReason` and `StateReasonData` only when the state changes; when
/// ``stateChanged`` is `false` the caller keeps the alarm's stored reason.
public struct AlarmEvaluation: Sendable, Equatable {
    /// Why the alarm is in ``newState``.
    public enum Basis: Sendable, Hashable {
        /// The evaluated datapoints (real ones, and missing ones filled per `TreatMissingData`) were
        /// compared with the threshold.
        case datapoints
        /// CloudWatch's rule against premature transitions sent the alarm to `ALARM`: the oldest breaching
        /// datapoint is at least `DatapointsToAlarm` periods old and every newer one is breaching or missing.
        case prematureAlarm
        /// Too few datapoints to decide, and the alarm treats missing data as `missing`.
        case insufficientData
        /// Too few datapoints to decide, and the alarm treats missing data as `ignore`: the state is kept.
        case retained
        /// The comparison is an anomaly-band comparison, which Admiral does not evaluate: the state is kept.
        case unsupportedComparison
    }

    /// The state the alarm was in before the evaluation.
    public var previousState: AlarmStateValue
    /// The state the alarm is in after the evaluation.
    public var newState: AlarmStateValue
    /// Why the alarm is in ``newState``.
    public var basis: Basis
    /// The `StateReason` for ``newState``, e.g. `Threshold Crossed: 1 datapoint [84.6 (05/02/20 16:32:00)] was
    /// greater than the threshold (80.0).`; `nil` when the state was kept for lack of data.
    public var stateReason: String?
    /// The `StateReasonData` JSON document for ``newState``; `nil` exactly when ``stateReason`` is.
    public var stateReasonData: String?
    /// The real datapoints that were evaluated, oldest first (those in `recentDatapoints`).
    public var evaluatedDatapoints: [AlarmDatapoint]
    /// How many missing datapoints were counted as breaching or not breaching to make up the evaluation periods.
    public var filledDatapoints: Int

    /// Creates an evaluation.
    public init(
        previousState: AlarmStateValue, newState: AlarmStateValue, basis: Basis, stateReason: String?,
        stateReasonData: String?, evaluatedDatapoints: [AlarmDatapoint], filledDatapoints: Int
    ) {
        self.previousState = previousState
        self.newState = newState
        self.basis = basis
        self.stateReason = stateReason
        self.stateReasonData = stateReasonData
        self.evaluatedDatapoints = evaluatedDatapoints
        self.filledDatapoints = filledDatapoints
    }

    /// Whether the state changed, which is when CloudWatch records a `StateUpdate` history item and runs actions.
    public var stateChanged: Bool { newState != previousState }
}
