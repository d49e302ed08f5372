/// The capacity a target tracking scaling policy asks for, and the alarms that invoke it.
///
/// Application Auto Scaling User Guide, "Target tracking scaling policies": "To ensure application
/// availability, Application Auto Scaling scales out proportionally to the metric as fast as it can, but
/// scales in more gradually", "Application Auto Scaling always acts conservatively by rounding up or down
/// when it determines how much capacity to add or remove. This prevents it from adding insufficient capacity
/// or removing too much capacity", and "When the metric falls below the target value ... it slows down
/// scaling by removing capacity only when utilization passes a threshold that is far enough below the target
/// value (usually more than 10% lower)".
public enum TargetTracking {
    /// The fraction of the target below which the policy scales in: the AlarmLow threshold. AWS creates the
    /// AlarmLow alarm at 90 % of the target (63 for a target of 70, 72 for 80, in real describe-alarms output).
    public static let scaleInFraction = 0.9

    /// The metric value below which the policy scales in: 90 % of `target`, computed as `target × 9 / 10`
    /// so that whole targets give whole thresholds (63, not 63.000000000000007).
    public static func scaleInThreshold(target: Double) -> Double { target * 9 / 10 }

    /// The most of the current capacity one scale-in removes, as a fraction (at least one unit is removed).
    ///
    /// Admiral's rule for "scales in more gradually" (AWS does not publish its own): a scale-in happens only
    /// while the metric is below ``scaleInFraction`` of the target, and then removes at most 10 % of the
    /// capacity, never going below the proportional capacity. At a metric under 90 % of the target, removing
    /// a tenth of the capacity raises the metric per unit by at most 1/0.9, so the metric stays under the
    /// target: a scale-in never provokes the next scale-out. Further scale-ins follow as the AlarmLow alarm
    /// keeps firing after each scale-in cooldown, so a large idle service shrinks step by step.
    public static let largestScaleInFraction = 0.1

    /// The capacity the policy sets when the metric (per unit of capacity, averaged) reads `metric` against
    /// `target`, kept within `min`...`max`.
    ///
    /// - Above the target it scales out proportionally: `ceil(current × metric / target)`, rounding up so as
    ///   not to add too little.
    /// - Below ``scaleInFraction`` of the target, and when `scaleIn` is allowed (`DisableScaleIn` false), it
    ///   scales in to the larger of `ceil(current × metric / target)` (rounding up so as not to remove too
    ///   much) and `current` less ``largestScaleInFraction`` of it (at least one unit).
    /// - Otherwise it keeps `current`.
    ///
    /// A metric that is not a number, or a target that is not positive, changes nothing. A capacity of 0 has
    /// no per-unit metric to be proportional to, so it stays 0 unless `min` says otherwise.
    public static func desiredCapacity(current: Int, metric: Double, target: Double, scaleIn: Bool, min: Int, max: Int)
        -> Int
    {
        let clamp = { (capacity: Int) in Swift.min(Swift.max(capacity, min), max) }
        guard metric.isFinite, target.isFinite, target > 0, current > 0 else { return clamp(current) }
        let proportional = Double(current) * metric / target
        if metric > target {
            return clamp(Swift.max(current, ceilingCapacity(proportional, limit: max)))
        }
        if scaleIn && metric < scaleInThreshold(target: target) {
            let step = Swift.max(1, Int((Double(current) * largestScaleInFraction).rounded(.down)))
            return clamp(Swift.max(ceilingCapacity(proportional, limit: current), current - step))
        }
        return clamp(current)
    }

    /// The CloudWatch alarms AWS creates for a target tracking policy with `target`, each evaluating one
    /// datapoint per `period` seconds (60 on AWS).
    ///
    /// As real describe-alarms output of an ECS service's policy shows: `AlarmHigh` is
    /// `GreaterThanThreshold` the target for 3 of 3 periods of 60 seconds, and `AlarmLow` is
    /// `LessThanThreshold` 90 % of the target for 15 of 15 periods. With `disableScaleIn`, only `AlarmHigh`
    /// is created.
    public static func alarms(target: Double, period: Int, disableScaleIn: Bool = false) -> [TargetTrackingAlarm] {
        let high = TargetTrackingAlarm(
            nameSuffix: TargetTrackingAlarm.highSuffix, comparison: .greaterThanThreshold, threshold: target,
            evaluationPeriods: 3, datapointsToAlarm: 3, period: period)
        guard !disableScaleIn else { return [high] }
        let low = TargetTrackingAlarm(
            nameSuffix: TargetTrackingAlarm.lowSuffix, comparison: .lessThanThreshold,
            threshold: scaleInThreshold(target: target), evaluationPeriods: 15, datapointsToAlarm: 15, period: period)
        return [high, low]
    }

    /// The smallest whole capacity at or above `value` (forgiving rounding noise of a millionth of it, such as a
    /// CPU reading of 100.0000012 % that asks 4.0000000048 tasks), capped at `limit` so that huge metrics
    /// cannot overflow.
    private static func ceilingCapacity(_ value: Double, limit: Int) -> Int {
        let ceiling = (value - Swift.max(1e-9, Swift.abs(value) * 1e-6)).rounded(.up)
        guard ceiling < Double(limit) else { return limit }
        return Int(ceiling)
    }
}
