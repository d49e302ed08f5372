/// The state of a CloudWatch alarm, as `StateValue` carries it on the wire.
public enum AlarmStateValue: String, Sendable, Hashable, CaseIterable, Codable {
    /// The metric or expression is within the defined threshold.
    case ok = "OK"
    /// The metric or expression is outside of the defined threshold.
    case alarm = "ALARM"
    /// The alarm has just started, the metric is not available, or not enough data is available to decide.
    case insufficientData = "INSUFFICIENT_DATA"
}
