/// How an alarm treats periods without a datapoint, with CloudWatch's `TreatMissingData` values as raw values.
///
/// See "Configuring how CloudWatch alarms treat missing data" in the CloudWatch User Guide; the decision
/// table itself lives in ``MetricAlarmEvaluator``.
public enum TreatMissingData: String, Sendable, Hashable, CaseIterable, Codable {
    /// Missing datapoints are treated as "bad" and breaching the threshold.
    case breaching
    /// Missing datapoints are treated as "good" and within the threshold.
    case notBreaching
    /// The current alarm state is maintained when the data does not decide the state.
    case ignore
    /// If all datapoints in the evaluation range are missing, the alarm goes to `INSUFFICIENT_DATA`.
    case missing

    /// What CloudWatch uses when `TreatMissingData` is omitted.
    public static let `default`: TreatMissingData = .missing

    /// The namespace whose alarms CloudWatch always evaluates with ``ignore``, whatever they configure.
    public static let alwaysIgnoringNamespace = "AWS/DynamoDB"

    /// The treatment CloudWatch applies to an alarm on `namespace` configured with `configured`
    /// (`nil` meaning omitted): alarms on `AWS/DynamoDB` metrics always ignore missing data.
    public static func effective(_ configured: TreatMissingData?, namespace: String?) -> TreatMissingData {
        if namespace == alwaysIgnoringNamespace { return .ignore }
        return configured ?? .default
    }

    /// The word CloudWatch writes in brackets when it fills missing datapoints, as in
    /// `... 2 missing datapoints were treated as [Breaching].`; `nil` for treatments that never fill.
    public var filledLabel: String? {
        switch self {
        case .breaching: "Breaching"
        case .notBreaching: "NonBreaching"
        case .ignore, .missing: nil
        }
    }
}
