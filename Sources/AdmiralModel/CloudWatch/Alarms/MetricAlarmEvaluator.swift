import Foundation

/// Decides a metric alarm's state from its configuration, its current state and the datapoints of its
/// evaluation range, as CloudWatch documents it ("Evaluating an alarm", "How alarm state is evaluated when
/// data is missing", "Avoiding premature transitions to alarm state").
///
/// With N = `EvaluationPeriods` and M = `DatapointsToAlarm`, and P real datapoints in the range:
/// - P ≥ N: the N most recent real datapoints are evaluated, reaching back into the range past missing
///   periods; `TreatMissingData` plays no part. ALARM when at least M breach, otherwise OK.
/// - P = 0: `missing` → INSUFFICIENT_DATA, `ignore` → the state is kept, `breaching` → ALARM,
///   `notBreaching` → OK.
/// - 0 < P < N with `breaching`/`notBreaching`: all P real datapoints plus N − P filled ones are evaluated.
/// - 0 < P < N with `missing`/`ignore`: ALARM when at least M real datapoints breach; otherwise OK when some
///   real datapoint does not breach; otherwise (every real datapoint breaches) `ignore` keeps the state and
///   `missing` goes to ALARM when the oldest of them is at least M periods old (the rule against premature
///   transitions), else to INSUFFICIENT_DATA (the guide's older `- - - - X` row).
///
/// The function is pure: it reads no clock, `now` comes in with the input.
public enum MetricAlarmEvaluator {
    /// How many periods older than the N evaluation periods the evaluation range reaches back.
    ///
    /// CloudWatch documents only that the range is larger than N and that for N = 3 it is 5 periods;
    /// Admiral uses N + 2 for every period length.
    public static let extraRangePeriods = 2

    /// How many periods the caller passes as the evaluation range: N + ``extraRangePeriods``.
    public static func evaluationRangePeriods(evaluationPeriods: Int) -> Int {
        Swift.max(evaluationPeriods, 1) + extraRangePeriods
    }

    /// Evaluates the alarm once.
    public static func evaluate(_ input: Input) -> AlarmEvaluation {
        let decision = decide(input)
        return evaluation(input, decision)
    }

    /// Evaluates the alarm once and words the reason only when the state changes: nil when
    /// the alarm stays as it is (the caller keeps its stored reason), as most alarms do at
    /// most evaluations.
    public static func transition(_ input: Input) -> AlarmEvaluation? {
        let decision = decide(input)
        guard decision.state != input.currentState else { return nil }
        return evaluation(input, decision)
    }

    /// The evaluation of a decision, with its reason worded.
    static func evaluation(_ input: Input, _ decision: Decision) -> AlarmEvaluation {
        let reason = Reasoning(input: input, decision: decision)
        return AlarmEvaluation(
            previousState: input.currentState, newState: decision.state, basis: decision.basis,
            stateReason: reason.stateReason, stateReasonData: reason.stateReasonData,
            evaluatedDatapoints: decision.evaluated, filledDatapoints: decision.filledCount)
    }

    /// The state and the datapoints behind it, before any wording.
    struct Decision: Equatable {
        var state: AlarmStateValue
        var basis: AlarmEvaluation.Basis
        /// The real datapoints evaluated, oldest first.
        var evaluated: [AlarmDatapoint] = []
        /// How many missing datapoints were counted with the `TreatMissingData` treatment.
        var filledCount = 0
        /// The periods of the range that were filled, newest first (as many as the range had).
        var filledPeriods: [Date] = []
        /// The periods reported as unknown when the state is INSUFFICIENT_DATA, newest first.
        var unknownPeriods: [Date] = []
        /// How many datapoints were unknown when the state is INSUFFICIENT_DATA.
        var unknownCount = 0
    }

    static func decide(_ input: Input) -> Decision {
        let kept = input.currentState
        guard input.comparison.isSupported else { return Decision(state: kept, basis: .unsupportedComparison) }
        let n = input.effectiveEvaluationPeriods
        let m = input.effectiveDatapointsToAlarm
        let range = input.datapoints.sorted { $0.timestamp < $1.timestamp }
        let present = range.filter(\.isPresent)
        let breaching = present.filter(input.isBreaching).count

        if present.count >= n {
            let evaluated = Array(present.suffix(n))
            let state: AlarmStateValue = evaluated.filter(input.isBreaching).count >= m ? .alarm : .ok
            return Decision(state: state, basis: .datapoints, evaluated: evaluated)
        }

        let shortfall = n - present.count
        let missingNewestFirst = range.reversed().filter { !$0.isPresent }.map(\.timestamp)
        switch input.treatMissingData {
        case .breaching, .notBreaching:
            let counted = breaching + (input.treatMissingData == .breaching ? shortfall : 0)
            return Decision(
                state: counted >= m ? .alarm : .ok, basis: .datapoints, evaluated: present, filledCount: shortfall,
                filledPeriods: Array(missingNewestFirst.prefix(shortfall)))
        case .missing, .ignore:
            if !present.isEmpty && breaching >= m {
                return Decision(state: .alarm, basis: .datapoints, evaluated: present)
            }
            if present.contains(where: { !input.isBreaching($0) }) {
                return Decision(state: .ok, basis: .datapoints, evaluated: present)
            }
            if input.treatMissingData == .ignore { return Decision(state: kept, basis: .retained, evaluated: present) }
            if isPrematureAlarm(range, m: m) {
                return Decision(state: .alarm, basis: .prematureAlarm, evaluated: present)
            }
            return Decision(
                state: .insufficientData, basis: .insufficientData, evaluated: present,
                unknownPeriods: Array(missingNewestFirst.prefix(shortfall)), unknownCount: shortfall)
        }
    }

    /// "Alarms are designed to always go into ALARM state when the oldest available breaching datapoint during
    /// the Evaluation Periods number of data points is at least as old as the value of Datapoints to Alarm, and
    /// all other more recent data points are breaching or missing." Called only when every real datapoint of
    /// the range breaches (an older non-breaching one keeps the alarm OK, as the guide's `0 - X - -` row shows);
    /// age counts periods back from the newest period of the range, which is 1 old.
    static func isPrematureAlarm(_ range: [AlarmDatapoint], m: Int) -> Bool {
        guard let oldest = range.firstIndex(where: \.isPresent) else { return false }
        return range.count - oldest >= m
    }
}
