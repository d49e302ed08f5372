/// The arithmetic comparison of an alarm's statistic (first operand) with its threshold, with
/// CloudWatch's `ComparisonOperator` values as raw values.
///
/// The three anomaly-band comparisons exist so that alarms carrying them can be stored and described,
/// but they compare against an `ANOMALY_DETECTION_BAND` that Admiral does not compute:
/// ``isSupported`` is `false` for them and ``MetricAlarmEvaluator`` leaves such alarms in their state.
public enum AlarmComparison: String, Sendable, Hashable, CaseIterable, Codable {
    /// The statistic is greater than or equal to the threshold.
    case greaterThanOrEqualToThreshold = "GreaterThanOrEqualToThreshold"
    /// The statistic is greater than the threshold.
    case greaterThanThreshold = "GreaterThanThreshold"
    /// The statistic is less than the threshold.
    case lessThanThreshold = "LessThanThreshold"
    /// The statistic is less than or equal to the threshold.
    case lessThanOrEqualToThreshold = "LessThanOrEqualToThreshold"
    /// The statistic is outside an anomaly detection band (not evaluated by Admiral).
    case lessThanLowerOrGreaterThanUpperThreshold = "LessThanLowerOrGreaterThanUpperThreshold"
    /// The statistic is below an anomaly detection band (not evaluated by Admiral).
    case lessThanLowerThreshold = "LessThanLowerThreshold"
    /// The statistic is above an anomaly detection band (not evaluated by Admiral).
    case greaterThanUpperThreshold = "GreaterThanUpperThreshold"

    /// Whether Admiral can evaluate the comparison against a static threshold.
    public var isSupported: Bool { phrase != nil }

    /// The words CloudWatch puts in a state reason between "was" and "the threshold", such as
    /// `greater than or equal to`; `nil` for the anomaly-band comparisons.
    public var phrase: String? {
        switch self {
        case .greaterThanOrEqualToThreshold: "greater than or equal to"
        case .greaterThanThreshold: "greater than"
        case .lessThanThreshold: "less than"
        case .lessThanOrEqualToThreshold: "less than or equal to"
        case .lessThanLowerOrGreaterThanUpperThreshold, .lessThanLowerThreshold, .greaterThanUpperThreshold: nil
        }
    }

    /// Whether `value` breaches `threshold` under this comparison; always `false` for the unsupported ones.
    public func isBreaching(_ value: Double, threshold: Double) -> Bool {
        switch self {
        case .greaterThanOrEqualToThreshold: value >= threshold
        case .greaterThanThreshold: value > threshold
        case .lessThanThreshold: value < threshold
        case .lessThanOrEqualToThreshold: value <= threshold
        case .lessThanLowerOrGreaterThanUpperThreshold, .lessThanLowerThreshold, .greaterThanUpperThreshold: false
        }
    }
}
