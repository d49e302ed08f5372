extension PlacementEngine {
    /// The `random` strategy without a full scan: draws candidates at random (seeded by
    /// the request and the step) until one can take the task; after a few misses it falls
    /// back to the reference pass, which picks uniformly among all that can.
    mutating func pickRandom(_ prepared: PreparedRequest, candidates: [Int], step: Int) -> Int? {
        guard !candidates.isEmpty else { return nil }
        var random = SplitMix64(seed: prepared.request.seed ^ SplitMix64.mix(UInt64(step) &+ 0x5EED))
        for _ in 0..<Self.randomAttempts {
            let ordinal = candidates[Int(random.next() % UInt64(candidates.count))]
            if prepared.dynamicReason(snapshot.instances[ordinal]) == nil { return ordinal }
        }
        return pickReference(prepared, candidates: candidates, step: step)
    }

    /// How many random draws to try before scanning every candidate.
    static let randomAttempts = 16

    /// The reference pass: scores every feasible candidate on every strategy and takes
    /// the lexicographically smallest score, then the earliest instance. O(n) per task.
    mutating func pickReference(_ prepared: PreparedRequest, candidates: [Int], step: Int) -> Int? {
        let request = prepared.request
        var spreadTables: [[String?: Int]] = []
        for strategy in request.strategies {
            if case .spread(.attribute(let name)) = strategy {
                spreadTables.append(counts(attribute: name, group: request.group))
            }
        }
        let stepSalt = SplitMix64.mix(request.seed ^ (UInt64(step) &* 0xD6E8_FEB8_6659_FD93))
        var best: (score: [UInt64], ordinal: Int)?
        var score = [UInt64](repeating: 0, count: request.strategies.count)
        for ordinal in candidates {
            let instance = snapshot.instances[ordinal]
            guard prepared.dynamicReason(instance) == nil else { continue }
            var table = 0
            for (position, strategy) in request.strategies.enumerated() {
                switch strategy {
                case .random:
                    score[position] = SplitMix64.mix(stepSalt ^ UInt64(ordinal))
                case .binpack(.cpu):
                    score[position] = UInt64(max(instance.remainingCPU, 0))
                case .binpack(.memory):
                    score[position] = UInt64(max(instance.remainingMemory, 0))
                case .spread(.instanceId):
                    score[position] = UInt64(instance.taskGroups[request.group, default: 0])
                case .spread(.attribute(let name)):
                    score[position] = UInt64(spreadTables[table][instance.attribute(name), default: 0])
                    table += 1
                }
            }
            if let current = best, !score.lexicographicallyPrecedes(current.score) { continue }
            best = (score, ordinal)
        }
        return best?.ordinal
    }
}
