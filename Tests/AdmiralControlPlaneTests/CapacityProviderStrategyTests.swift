import AdmiralControlPlane
import AdmiralModel
import Testing

@Suite("Capacity provider strategies")
struct CapacityProviderStrategyTests {
    func item(_ name: String, base: Int? = nil, weight: Int? = nil) -> ECS.CapacityProviderStrategyItem {
        ECS.CapacityProviderStrategyItem(capacityProvider: name, weight: weight, base: base)
    }

    @Test("the base is filled first, then tasks follow the weights")
    func baseThenWeights() {
        let strategy = [item("a", base: 2, weight: 1), item("b", weight: 3)]
        let assigned = CapacityProviderStrategy.assign(10, strategy: strategy)
        #expect(assigned.prefix(2) == ["a", "a"])
        #expect(assigned.filter { $0 == "a" }.count == 4)
        #expect(assigned.filter { $0 == "b" }.count == 6)
        // Tasks already running count toward the base and the shares.
        let more = CapacityProviderStrategy.assign(4, strategy: strategy, running: ["a": 4, "b": 6])
        #expect(more.filter { $0 == "b" }.count == 3)
        // A provider of weight 0 gets only its base.
        #expect(CapacityProviderStrategy.assign(3, strategy: [item("a", base: 1), item("b", weight: 1)]) == ["a", "b", "b"])
    }

    @Test("strategies are checked as ECS checks them")
    func validation() throws {
        let filled = try CapacityProviderStrategy.validate([item("a", weight: 1)], among: ["a"])
        #expect(filled == [item("a", base: 0, weight: 1)])
        for invalid in [
            [item("a", weight: 1), item("a", weight: 2)],
            [item("a", base: 1, weight: 1), item("b", base: 1, weight: 1)],
            [item("a", base: 1)],
            [item("a", weight: 1001)],
            [item("a", base: 100_001, weight: 1)],
            [item("c", weight: 1)],
        ] {
            #expect(throws: AdmiralError.self) {
                try CapacityProviderStrategy.validate(invalid, among: ["a", "b"])
            }
        }
    }
}
