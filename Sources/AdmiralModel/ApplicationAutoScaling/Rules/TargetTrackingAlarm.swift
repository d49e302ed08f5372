/// The settings of one CloudWatch alarm that Application Auto Scaling creates for a target tracking policy.
///
/// Real alarms of an ECS service's policy (describe-alarms) read: name
/// `TargetTracking-service/api_backend/backend_main-AlarmHigh-15c162ab-fb83-4e7f-bf41-19dc43e4fd64`,
/// description `DO NOT EDIT OR DELETE. For TargetTrackingScaling policy <policy ARN>.`, statistic `Average`,
/// `TreatMissingData` `missing`, and the comparison, threshold and periods below.
public struct TargetTrackingAlarm: Sendable, Hashable {
    /// The two comparisons target tracking alarms use, with CloudWatch's `ComparisonOperator` values.
    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        /// The metric is above the threshold (the scale-out alarm).
        case greaterThanThreshold = "GreaterThanThreshold"
        /// The metric is below the threshold (the scale-in alarm).
        case lessThanThreshold = "LessThanThreshold"
    }

    /// The name part of the scale-out alarm.
    public static let highSuffix = "AlarmHigh"
    /// The name part of the scale-in alarm.
    public static let lowSuffix = "AlarmLow"
    /// The `TreatMissingData` of both alarms.
    public static let treatMissingData = "missing"

    /// `AlarmHigh` or `AlarmLow`.
    public var nameSuffix: String
    /// How the metric is compared with ``threshold``.
    public var comparison: Comparison
    /// The alarm's threshold.
    public var threshold: Double
    /// `EvaluationPeriods`.
    public var evaluationPeriods: Int
    /// `DatapointsToAlarm`.
    public var datapointsToAlarm: Int
    /// `Period`, in seconds.
    public var period: Int

    /// Creates the settings of an alarm.
    public init(
        nameSuffix: String, comparison: Comparison, threshold: Double, evaluationPeriods: Int, datapointsToAlarm: Int,
        period: Int
    ) {
        self.nameSuffix = nameSuffix
        self.comparison = comparison
        self.threshold = threshold
        self.evaluationPeriods = evaluationPeriods
        self.datapointsToAlarm = datapointsToAlarm
        self.period = period
    }

    /// Whether this is the scale-out alarm.
    public var isScaleOut: Bool { comparison == .greaterThanThreshold }

    /// The alarm's name for the scalable target `resourceId`, made unique by `id` (AWS uses a UUID):
    /// `TargetTracking-<resourceId>-<suffix>-<id>`.
    public func name(resourceId: String, id: String) -> String {
        "TargetTracking-\(resourceId)-\(nameSuffix)-\(id)"
    }

    /// The alarm description AWS gives both alarms of the policy `policyARN`.
    public static func description(policyARN: String) -> String {
        "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy \(policyARN)."
    }
}
