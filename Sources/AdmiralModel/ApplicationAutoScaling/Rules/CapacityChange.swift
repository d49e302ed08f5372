/// How a step scaling policy's adjustment turns the current capacity into a new one.
///
/// Application Auto Scaling User Guide, "Step scaling policies", scaling adjustment types:
/// - `ChangeInCapacity`: "If the current capacity is 3 and the adjustment is 5, then Application Auto Scaling
///   adds 5 to the capacity for a total of 8."
/// - `ExactCapacity`: "If the current capacity is 3 and the adjustment is 5, then Application Auto Scaling
///   changes the capacity to 5."
/// - `PercentChangeInCapacity`: "If the resulting value is not an integer, Application Auto Scaling rounds it
///   as follows: Values greater than 1 are rounded down. For example, 12.7 is rounded to 12. Values between 0
///   and 1 are rounded to 1. For example, .67 is rounded to 1. Values between 0 and -1 are rounded to -1. For
///   example, -.58 is rounded to -1. Values less than -1 are rounded up. For example, -6.67 is rounded to -6."
///   With `MinAdjustmentMagnitude`: "suppose that you create a policy that adds 25 percent and you specify a
///   minimum amount of 2. If the scalable target has a capacity of 4 ... 25 percent of 4 is 1. However,
///   because you specified a minimum increment of 2, Application Auto Scaling adds 2."
///
/// "A scaling adjustment can't change the capacity of the scalable target above the maximum capacity or below
/// the minimum capacity."
public enum CapacityChange {
    /// `AdjustmentType`: how a `ScalingAdjustment` is read.
    public enum AdjustmentType: String, Sendable, Hashable, CaseIterable {
        /// Add the adjustment to the current capacity.
        case changeInCapacity = "ChangeInCapacity"
        /// Set the capacity to the adjustment.
        case exactCapacity = "ExactCapacity"
        /// Add this percentage of the current capacity, rounded towards zero but by at least 1.
        case percentChangeInCapacity = "PercentChangeInCapacity"
    }

    /// The capacity a step adjustment sets: `adjustment` applied to `current` as `adjustmentType` says, then
    /// kept within `min`...`max`.
    ///
    /// `minAdjustmentMagnitude` only counts for `.percentChangeInCapacity`: a non-zero percentage changes the
    /// capacity by at least that much, in the adjustment's direction (so it also moves a capacity of 0).
    public static func newCapacity(
        current: Int, adjustmentType: AdjustmentType, adjustment: Int, minAdjustmentMagnitude: Int?, min: Int, max: Int
    ) -> Int {
        let unclamped: Int
        switch adjustmentType {
        case .changeInCapacity:
            unclamped = saturatingSum(current, adjustment)
        case .exactCapacity:
            unclamped = adjustment
        case .percentChangeInCapacity:
            var change = percentChange(of: current, percent: adjustment)
            let least = Swift.max(minAdjustmentMagnitude ?? 0, 0)
            if adjustment != 0, change.magnitude < least.magnitude {
                change = adjustment > 0 ? least : -least
            }
            unclamped = saturatingSum(current, change)
        }
        return Swift.min(Swift.max(unclamped, min), max)
    }

    /// `percent` percent of `capacity`, rounded as Application Auto Scaling rounds: towards zero, except that
    /// a non-zero result smaller than 1 in magnitude becomes 1 or -1.
    public static func percentChange(of capacity: Int, percent: Int) -> Int {
        let (product, overflow) = capacity.multipliedReportingOverflow(by: percent)
        if overflow { return (capacity < 0) == (percent < 0) ? Int.max / 100 : Int.min / 100 }
        let quotient = product / 100
        guard quotient == 0, product != 0 else { return quotient }
        return product > 0 ? 1 : -1
    }

    /// Checks `MinAdjustmentMagnitude` against the adjustment type: "Minimum adjustment magnitude is only
    /// allowed for adjustment type PercentChangeInCapacity".
    public static func validate(adjustmentType: AdjustmentType, minAdjustmentMagnitude: Int?) throws(ScalingRuleError) {
        guard let magnitude = minAdjustmentMagnitude else { return }
        guard adjustmentType == .percentChangeInCapacity else {
            throw ScalingRuleError(
                "Minimum adjustment magnitude is only allowed for adjustment type PercentChangeInCapacity; "
                    + "leave MinAdjustmentMagnitude out for \(adjustmentType.rawValue).")
        }
        guard magnitude >= 0 else {
            throw ScalingRuleError("MinAdjustmentMagnitude must be 0 or more, not \(magnitude).")
        }
    }

    private static func saturatingSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : sum
    }
}
