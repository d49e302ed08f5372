import AdmiralModel
import Testing

@Suite("Step adjustments applied to a capacity: adjustment types, percent rounding, minimum magnitude, limits")
struct CapacityChangeTests {
    private func change(
        _ current: Int, _ type: CapacityChange.AdjustmentType, _ adjustment: Int, magnitude: Int? = nil,
        min: Int = 0, max: Int = 1_000
    ) -> Int {
        CapacityChange.newCapacity(
            current: current, adjustmentType: type, adjustment: adjustment, minAdjustmentMagnitude: magnitude, min: min,
            max: max)
    }

    @Test("ChangeInCapacity adds the adjustment: 3 and 5 make 8")
    func changeInCapacity() {
        #expect(change(3, .changeInCapacity, 5) == 8)
        #expect(change(8, .changeInCapacity, -5) == 3)
        #expect(change(3, .changeInCapacity, 0) == 3)
    }

    @Test("ExactCapacity sets the adjustment: 3 and 5 make 5")
    func exactCapacity() {
        #expect(change(3, .exactCapacity, 5) == 5)
        #expect(change(9, .exactCapacity, 0) == 0)
    }

    @Test("PercentChangeInCapacity rounds as the guide says: 12.7 to 12, .67 to 1, -.58 to -1, -6.67 to -6")
    func percentRounding() {
        #expect(CapacityChange.percentChange(of: 127, percent: 10) == 12)
        #expect(CapacityChange.percentChange(of: 67, percent: 1) == 1)
        #expect(CapacityChange.percentChange(of: 58, percent: -1) == -1)
        #expect(CapacityChange.percentChange(of: 667, percent: -1) == -6)
        #expect(CapacityChange.percentChange(of: 10, percent: 10) == 1)
        #expect(CapacityChange.percentChange(of: 10, percent: 20) == 2)
        #expect(CapacityChange.percentChange(of: 10, percent: -20) == -2)
        #expect(CapacityChange.percentChange(of: 0, percent: 50) == 0)
        #expect(CapacityChange.percentChange(of: 5, percent: 0) == 0)
        #expect(CapacityChange.percentChange(of: 1, percent: 100) == 1)
        #expect(CapacityChange.percentChange(of: 1, percent: 199) == 1)
        #expect(CapacityChange.percentChange(of: 1, percent: -99) == -1)
    }

    @Test("the guide's walk-through: 10 to 11 to 14, then 13, then 10")
    func guideWalkThrough() {
        // +10 % of 10 is 1; +30 % of 11 is 3.3, rounded down to 3.
        #expect(change(10, .percentChangeInCapacity, 10) == 11)
        #expect(change(11, .percentChangeInCapacity, 30) == 14)
        // -10 % of 14 is 1.4, rounded to 1; -30 % of 13 is 3.9, rounded to 3.
        #expect(change(14, .percentChangeInCapacity, -10) == 13)
        #expect(change(13, .percentChangeInCapacity, -30) == 10)
    }

    @Test("MinAdjustmentMagnitude 2 turns 25 % of 4 tasks into 2 tasks")
    func minimumMagnitude() {
        #expect(change(4, .percentChangeInCapacity, 25) == 5)
        #expect(change(4, .percentChangeInCapacity, 25, magnitude: 2) == 6)
        #expect(change(4, .percentChangeInCapacity, -25, magnitude: 2) == 2)
        #expect(change(40, .percentChangeInCapacity, 25, magnitude: 2) == 50)
        #expect(change(0, .percentChangeInCapacity, 50, magnitude: 2) == 2)
        #expect(change(4, .percentChangeInCapacity, 0, magnitude: 2) == 4)
    }

    @Test("MinAdjustmentMagnitude only counts for PercentChangeInCapacity")
    func magnitudeIgnoredOtherwise() {
        #expect(change(4, .changeInCapacity, 1, magnitude: 3) == 5)
        #expect(change(4, .exactCapacity, 5, magnitude: 3) == 5)
    }

    @Test("the new capacity is kept within the minimum and maximum capacity")
    func limits() {
        #expect(change(8, .changeInCapacity, 5, min: 1, max: 10) == 10)
        #expect(change(3, .changeInCapacity, -5, min: 1, max: 10) == 1)
        #expect(change(3, .exactCapacity, 50, min: 1, max: 10) == 10)
        #expect(change(3, .exactCapacity, 0, min: 1, max: 10) == 1)
        #expect(change(10, .percentChangeInCapacity, 100, min: 1, max: 15) == 15)
        #expect(change(2, .percentChangeInCapacity, -100, min: 1, max: 15) == 1)
        #expect(change(Int.max - 1, .changeInCapacity, 10, max: Int.max) == Int.max)
        #expect(change(Int.max, .percentChangeInCapacity, 200, max: Int.max) == Int.max)
    }

    @Test("MinAdjustmentMagnitude is only allowed with PercentChangeInCapacity, and not negative")
    func validation() {
        func refusal(_ type: CapacityChange.AdjustmentType, _ magnitude: Int?) -> String? {
            ScalingFixture.message {
                try CapacityChange.validate(adjustmentType: type, minAdjustmentMagnitude: magnitude)
            }
        }
        #expect(refusal(.percentChangeInCapacity, 2) == nil)
        #expect(refusal(.changeInCapacity, nil) == nil)
        #expect(
            refusal(.changeInCapacity, 2)?.hasPrefix(
                "Minimum adjustment magnitude is only allowed for adjustment type PercentChangeInCapacity") == true)
        #expect(refusal(.exactCapacity, 1)?.contains("leave MinAdjustmentMagnitude out for ExactCapacity") == true)
        #expect(refusal(.percentChangeInCapacity, -1) == "MinAdjustmentMagnitude must be 0 or more, not -1.")
    }

    @Test("adjustment types carry the API's names")
    func names() {
        #expect(
            CapacityChange.AdjustmentType.allCases.map(\.rawValue) == [
                "ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity",
            ])
    }
}
