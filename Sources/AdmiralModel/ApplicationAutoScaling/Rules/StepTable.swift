/// The step adjustments of a step scaling policy, checked against Application Auto Scaling's rules, and
/// the adjustment each size of alarm breach calls for.
///
/// Bounds are offsets from the alarm threshold: the breach is the aggregated metric minus the threshold.
/// The API reference, `StepAdjustment`: "The ranges of your step adjustments can't overlap or have a gap. At
/// most one step adjustment can have a null lower bound. If one step adjustment has a negative lower bound,
/// then there must be a step adjustment with a null lower bound. At most one step adjustment can have a null
/// upper bound. If one step adjustment has a positive upper bound, then there must be a step adjustment with
/// a null upper bound. The upper and lower bound can't be null in the same step adjustment." and "The upper
/// bound must be greater than the lower bound."
///
/// The steps need not reach 0: a scale-out table may start at 10 (AWS accepts steps starting at a lower
/// bound of 1), and a breach that falls in no step calls for no adjustment.
public struct StepTable: Sendable, Hashable {
    /// One step adjustment: a range of breach sizes and the scaling adjustment for it.
    public struct Step: Sendable, Hashable {
        /// `MetricIntervalLowerBound`; `nil` is minus infinity.
        public var lower: Double?
        /// `MetricIntervalUpperBound`; `nil` is plus infinity.
        public var upper: Double?
        /// `ScalingAdjustment`, read according to the policy's adjustment type.
        public var adjustment: Int

        /// Creates a step.
        public init(lower: Double?, upper: Double?, adjustment: Int) {
            self.lower = lower
            self.upper = upper
            self.adjustment = adjustment
        }
    }

    /// The most step adjustments a policy may have.
    public static let maximumSteps = 20

    /// The steps, lowest range first.
    public let steps: [Step]

    /// Checks `steps` against the rules and keeps them ordered by range.
    ///
    /// With `adjustmentType` `.exactCapacity` every adjustment must be 0 or more ("For exact capacity, you
    /// must specify a non-negative value").
    public init(
        validating steps: [(lower: Double?, upper: Double?, adjustment: Int)],
        adjustmentType: CapacityChange.AdjustmentType? = nil
    ) throws(ScalingRuleError) {
        try self.init(
            validating: steps.map { Step(lower: $0.lower, upper: $0.upper, adjustment: $0.adjustment) },
            adjustmentType: adjustmentType)
    }

    /// Checks `steps` against the rules and keeps them ordered by range.
    public init(validating steps: [Step], adjustmentType: CapacityChange.AdjustmentType? = nil)
        throws(ScalingRuleError)
    {
        guard !steps.isEmpty else { throw ScalingRuleError("There must be at least one step adjustment.") }
        guard steps.count <= Self.maximumSteps else {
            throw ScalingRuleError(
                "There can be at most \(Self.maximumSteps) step adjustments per scaling policy; this one has "
                    + "\(steps.count).")
        }
        for step in steps { try Self.check(step, adjustmentType: adjustmentType) }
        guard steps.count(where: { $0.lower == nil }) <= 1 else {
            throw ScalingRuleError("At most one step adjustment may have an unspecified lower bound.")
        }
        guard steps.count(where: { $0.upper == nil }) <= 1 else {
            throw ScalingRuleError("At most one step adjustment may have an unspecified upper bound.")
        }
        if steps.contains(where: { ($0.lower ?? 0) < 0 }), !steps.contains(where: { $0.lower == nil }) {
            throw ScalingRuleError(
                "There must be a step adjustment with an unspecified lower bound when one step adjustment has a "
                    + "negative lower bound.")
        }
        if steps.contains(where: { ($0.upper ?? 0) > 0 }), !steps.contains(where: { $0.upper == nil }) {
            throw ScalingRuleError(
                "There must be a step adjustment with an unspecified upper bound when one step adjustment has a "
                    + "positive upper bound.")
        }
        let sorted = steps.sorted { ($0.lower ?? -.infinity) < ($1.lower ?? -.infinity) }
        for (below, above) in zip(sorted, sorted.dropFirst()) {
            let end = below.upper ?? .infinity
            let start = above.lower ?? -.infinity
            if end > start {
                throw ScalingRuleError(
                    "Step adjustment intervals cannot overlap: \(Self.describe(below)) and \(Self.describe(above)) "
                        + "share breach sizes; let each upper bound be the next lower bound.")
            }
            if end < start {
                throw ScalingRuleError(
                    "Step adjustment intervals cannot have gaps between them: nothing covers breach sizes from "
                        + "\(Self.format(end)) to \(Self.format(start)); let each upper bound be the next lower bound.")
            }
        }
        self.steps = sorted
    }

    /// The scaling adjustment for a breach of `difference` (aggregated metric minus alarm threshold), or
    /// `nil` when no step covers it.
    ///
    /// "If the metric value is above the breach threshold, the lower bound is inclusive and the upper bound
    /// is exclusive. If the metric value is below the breach threshold, the lower bound is exclusive and the
    /// upper bound is inclusive." A metric exactly at the threshold is read the first way when a step covers
    /// it so (a step with lower bound 0, as in a scale-out policy), and the second way otherwise (a step with
    /// upper bound 0, as in a scale-in policy).
    public func adjustment(forBreach difference: Double) -> Int? {
        guard !difference.isNaN else { return nil }
        let above = steps.first { step in
            (step.lower.map { $0 <= difference } ?? true) && (step.upper.map { difference < $0 } ?? true)
        }
        let below = steps.first { step in
            (step.lower.map { $0 < difference } ?? true) && (step.upper.map { difference <= $0 } ?? true)
        }
        if difference > 0 { return above?.adjustment }
        if difference < 0 { return below?.adjustment }
        return (above ?? below)?.adjustment
    }

    private static func check(_ step: Step, adjustmentType: CapacityChange.AdjustmentType?) throws(ScalingRuleError) {
        if step.lower == nil && step.upper == nil {
            throw ScalingRuleError("Both lower and upper bounds of a step adjustment cannot be left unspecified.")
        }
        for (name, bound) in [("MetricIntervalLowerBound", step.lower), ("MetricIntervalUpperBound", step.upper)] {
            if let bound, !bound.isFinite {
                throw ScalingRuleError("\(name) must be a finite number, not \(bound); leave it out for no bound.")
            }
        }
        if let lower = step.lower, let upper = step.upper, upper <= lower {
            throw ScalingRuleError(
                "The upper bound of a step adjustment must be greater than its lower bound: \(describe(step)).")
        }
        if adjustmentType == .exactCapacity && step.adjustment < 0 {
            throw ScalingRuleError(
                "Scaling adjustment cannot be less than 0 when adjustment type is ExactCapacity: "
                    + "\(describe(step)) has \(step.adjustment).")
        }
    }

    private static func describe(_ step: Step) -> String {
        "[\(step.lower.map(format) ?? "-infinity"), \(step.upper.map(format) ?? "+infinity")]"
    }

    private static func format(_ bound: Double) -> String {
        bound.isFinite && bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : String(bound)
    }
}
