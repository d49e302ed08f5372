import AdmiralModel
import Testing

@Suite("Step adjustments: Application Auto Scaling's rules for them and the step each breach selects")
struct StepTableTests {
    private func refusal(
        _ steps: [(lower: Double?, upper: Double?, adjustment: Int)],
        _ type: CapacityChange.AdjustmentType? = nil
    ) -> String? {
        ScalingFixture.message { _ = try StepTable(validating: steps, adjustmentType: type) }
    }

    @Test("the user guide's scale-out and scale-in tables are valid and select its adjustments")
    func guideExample() throws {
        // Threshold 50: +10 % from 60, +30 % from 70; -10 % at 40 and below, -30 % at 30 and below.
        let scaleOut = try StepTable(validating: [(0, 10, 0), (10, 20, 10), (20, nil, 30)])
        let scaleIn = try StepTable(validating: [(-10, 0, 0), (-20, -10, -10), (nil, -20, -30)])
        #expect(scaleOut.adjustment(forBreach: 55 - 50) == 0)
        #expect(scaleOut.adjustment(forBreach: 60 - 50) == 10)
        #expect(scaleOut.adjustment(forBreach: 69.9 - 50) == 10)
        #expect(scaleOut.adjustment(forBreach: 70 - 50) == 30)
        #expect(scaleOut.adjustment(forBreach: 1_000) == 30)
        #expect(scaleIn.adjustment(forBreach: 45 - 50) == 0)
        #expect(scaleIn.adjustment(forBreach: 40 - 50) == -10)
        #expect(scaleIn.adjustment(forBreach: 30.1 - 50) == -10)
        #expect(scaleIn.adjustment(forBreach: 30 - 50) == -30)
        #expect(scaleIn.adjustment(forBreach: -1_000) == -30)
    }

    @Test("above the threshold the lower bound is inclusive and the upper exclusive")
    func boundsAbove() throws {
        // The API reference: lower 0 and upper 10 is a metric >= 50 and < 60 for a threshold of 50.
        let table = try StepTable(validating: [(0, 10, 1), (10, nil, 2)])
        #expect(table.adjustment(forBreach: 0) == 1)
        #expect(table.adjustment(forBreach: 9.999) == 1)
        #expect(table.adjustment(forBreach: 10) == 2)
        #expect(table.adjustment(forBreach: -0.001) == nil)
    }

    @Test("below the threshold the lower bound is exclusive and the upper inclusive")
    func boundsBelow() throws {
        // The API reference: lower -10 and upper 0 is a metric > 40 and <= 50 for a threshold of 50.
        let table = try StepTable(validating: [(-10, 0, -1), (nil, -10, -2)])
        #expect(table.adjustment(forBreach: 0) == -1)
        #expect(table.adjustment(forBreach: -9.999) == -1)
        #expect(table.adjustment(forBreach: -10) == -2)
        #expect(table.adjustment(forBreach: 0.001) == nil)
    }

    @Test("a step spanning the threshold switches inclusiveness at zero")
    func spanningStep() throws {
        let table = try StepTable(validating: [(nil, -5, -1), (-5, 5, 0), (5, nil, 1)])
        #expect(table.adjustment(forBreach: -5) == -1)
        #expect(table.adjustment(forBreach: -4.9) == 0)
        #expect(table.adjustment(forBreach: 0) == 0)
        #expect(table.adjustment(forBreach: 4.9) == 0)
        #expect(table.adjustment(forBreach: 5) == 1)
        #expect(table.adjustment(forBreach: .nan) == nil)
        #expect(table.adjustment(forBreach: .infinity) == 1)
        #expect(table.adjustment(forBreach: -.infinity) == -1)
    }

    @Test("at exactly the threshold a table with both halves uses the step that starts at zero")
    func exactlyAtThreshold() throws {
        let table = try StepTable(validating: [(nil, 0, -1), (0, nil, 1)])
        #expect(table.adjustment(forBreach: 0) == 1)
        let scaleIn = try StepTable(validating: [(nil, 0, -1)])
        #expect(scaleIn.adjustment(forBreach: 0) == -1)
    }

    @Test("steps need not reach the threshold, and a breach no step covers selects nothing")
    func uncoveredBreach() throws {
        // AWS accepts a scale-out table starting at 1 (steps [1, 250) and [250, +inf)).
        let table = try StepTable(validating: [(1, 250, 1), (250, nil, 25)])
        #expect(table.adjustment(forBreach: 0.5) == nil)
        #expect(table.adjustment(forBreach: 1) == 1)
        #expect(table.adjustment(forBreach: 250) == 25)
        let deepScaleIn = try StepTable(validating: [(nil, -10, -1)])
        #expect(deepScaleIn.adjustment(forBreach: -5) == nil)
        #expect(deepScaleIn.adjustment(forBreach: -10) == -1)
    }

    @Test("steps are kept in order of their ranges whatever order they come in")
    func ordering() throws {
        let table = try StepTable(validating: [(20, nil, 3), (nil, 0, -1), (0, 20, 1)])
        #expect(table.steps.map(\.adjustment) == [-1, 1, 3])
        #expect(table.steps.first == StepTable.Step(lower: nil, upper: 0, adjustment: -1))
    }

    @Test("there must be at least one step adjustment and at most 20")
    func count() {
        #expect(refusal([]) == "There must be at least one step adjustment.")
        let twenty = (0..<20).map { (lower: Double($0), upper: $0 == 19 ? nil : Double($0 + 1), adjustment: 1) }
        #expect(refusal(twenty) == nil)
        let twentyOne = (0..<21).map { (lower: Double($0), upper: $0 == 20 ? nil : Double($0 + 1), adjustment: 1) }
        #expect(refusal(twentyOne)?.hasPrefix("There can be at most 20 step adjustments per scaling policy") == true)
    }

    @Test("a step cannot leave both bounds unspecified")
    func bothBoundsNull() {
        #expect(
            refusal([(nil, nil, 1)]) == "Both lower and upper bounds of a step adjustment cannot be left unspecified.")
    }

    @Test("a step's upper bound must be greater than its lower bound")
    func boundsOrder() {
        #expect(
            refusal([(10, 10, 1), (10, nil, 2)])?.hasPrefix("The upper bound of a step adjustment must be") == true)
        #expect(refusal([(10, 5, 1), (10, nil, 2)])?.contains("[10, 5]") == true)
    }

    @Test("bounds must be finite numbers")
    func finiteBounds() {
        #expect(refusal([(.nan, nil, 1)])?.hasPrefix("MetricIntervalLowerBound must be a finite number") == true)
        #expect(refusal([(0, .infinity, 1)])?.hasPrefix("MetricIntervalUpperBound must be a finite number") == true)
    }

    @Test("at most one step may leave its lower bound, and one its upper bound, unspecified")
    func oneOpenEndEach() {
        #expect(
            refusal([(nil, -10, 1), (nil, 0, 2)]) == "At most one step adjustment may have an unspecified lower bound.")
        #expect(
            refusal([(0, nil, 1), (10, nil, 2)]) == "At most one step adjustment may have an unspecified upper bound.")
    }

    @Test("a negative lower bound needs a step with no lower bound")
    func negativeLowerNeedsOpenEnd() {
        #expect(
            refusal([(-10, 0, -1)])
                == "There must be a step adjustment with an unspecified lower bound when one step adjustment has a "
                + "negative lower bound.")
        #expect(refusal([(-10, 0, -1), (nil, -10, -2)]) == nil)
    }

    @Test("a positive upper bound needs a step with no upper bound")
    func positiveUpperNeedsOpenEnd() {
        // An ECS scale-in step with upper bound 0 alone is fine; a scale-out step ending at 10 is not.
        #expect(refusal([(nil, 0, -1)]) == nil)
        #expect(
            refusal([(0, 10, 1)])
                == "There must be a step adjustment with an unspecified upper bound when one step adjustment has a "
                + "positive upper bound.")
    }

    @Test("step ranges cannot overlap")
    func overlap() {
        let message = refusal([(0, 15, 1), (10, nil, 2)])
        #expect(message?.hasPrefix("Step adjustment intervals cannot overlap: [0, 15] and [10, +infinity]") == true)
        #expect(refusal([(0, 10, 1), (0, nil, 2)])?.hasPrefix("Step adjustment intervals cannot overlap") == true)
        #expect(refusal([(nil, 5, -1), (0, nil, 1)])?.hasPrefix("Step adjustment intervals cannot overlap") == true)
    }

    @Test("step ranges cannot have gaps between them")
    func gap() {
        // The shape of a real refused policy: ... [150, 200] then [250, +inf].
        let message = refusal([(0, 50, 10), (50, 100, 20), (100, 150, 30), (150, 200, 40), (250, nil, 50)])
        #expect(
            message
                == "Step adjustment intervals cannot have gaps between them: nothing covers breach sizes from 200 to "
                + "250; let each upper bound be the next lower bound.")
        #expect(refusal([(nil, -10, -1), (0, nil, 1)])?.contains("from -10 to 0") == true)
        #expect(refusal([(nil, 0.5, -1), (0.75, nil, 1)])?.contains("from 0.5 to 0.75") == true)
    }

    @Test("with ExactCapacity a scaling adjustment cannot be negative")
    func exactCapacityNonNegative() {
        #expect(refusal([(0, nil, 0)], .exactCapacity) == nil)
        #expect(
            refusal([(0, nil, -1)], .exactCapacity)?.hasPrefix(
                "Scaling adjustment cannot be less than 0 when adjustment type is ExactCapacity") == true)
        #expect(refusal([(0, nil, -1)], .changeInCapacity) == nil)
    }
}
