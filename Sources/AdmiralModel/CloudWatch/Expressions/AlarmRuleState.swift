import Foundation

/// The state of an alarm as a composite alarm's rule tests it: the functions `OK(…)`,
/// `ALARM(…)` and `INSUFFICIENT_DATA(…)` are true when the named alarm is in that state.
public enum AlarmRuleState: String, Sendable, Hashable, CaseIterable, Codable {
    /// The metric or expression is within its threshold.
    case ok = "OK"
    /// The metric or expression is outside its threshold.
    case alarm = "ALARM"
    /// There is not enough data to decide.
    case insufficientData = "INSUFFICIENT_DATA"
}
