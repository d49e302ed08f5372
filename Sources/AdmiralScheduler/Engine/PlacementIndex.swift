/// An incremental index of the candidate instances for one shape of request: the
/// instances that pass a set of static filters, bucketed by the value of a spread
/// attribute and ordered inside each bucket by a per-instance key (remaining CPU or
/// memory for binpack, tasks of a group for spread over instances). Finding the best
/// instance costs O(buckets · log n) plus the candidates skipped as unfit; updating an
/// instance after a placement costs O(log n + chunk size).
struct PlacementIndex: Sendable {
    /// What an index is built for.
    struct Key: Hashable, Sendable {
        var staticSignature: String
        var spreadAttribute: String?
        var order: Order
    }

    /// The per-instance order inside a bucket.
    enum Order: Hashable, Sendable {
        /// Instance order only.
        case none
        /// Least remaining of a resource first.
        case binpack(PlacementStrategy.BinpackField)
        /// Fewest tasks of a group first.
        case spreadInstance(group: String)
    }

    private static let ordinalBits: UInt64 = 24
    private static let ordinalMask: UInt64 = (1 << 24) - 1
    private static let primaryLimit = (1 << 39) - 1

    let key: Key
    private var bucketValues: [String?] = []
    private var buckets: [SortedKeySet] = []
    /// Per ordinal: the bucket it is in (-1 when not a candidate) and its current key.
    private var bucketOf: [Int32]
    private var currentKey: [UInt64]

    /// Whether a strategy list has a shape this index serves: an optional spread over an
    /// attribute, then an optional binpack or spread over instances.
    static func key(for strategies: [PlacementStrategy], signature: String, group: String) -> Key? {
        var rest = strategies[...]
        var attribute: String?
        if case .spread(.attribute(let name)) = rest.first {
            attribute = name
            rest = rest.dropFirst()
        }
        var order = Order.none
        switch rest.first {
        case nil: break
        case .binpack(let field): order = .binpack(field)
        case .spread(.instanceId): order = .spreadInstance(group: group)
        default: return nil
        }
        guard rest.count <= 1 else { return nil }
        return Key(staticSignature: signature, spreadAttribute: attribute, order: order)
    }

    /// Builds the index over the instances that `isCandidate` admits.
    init(key: Key, instances: [InstanceSnapshot], isCandidate: (InstanceSnapshot) -> Bool) {
        self.key = key
        bucketOf = Array(repeating: -1, count: instances.count)
        currentKey = Array(repeating: 0, count: instances.count)
        var bucketByValue: [String?: Int] = [:]
        var keysPerBucket: [[SortedKeySet.Entry]] = []
        for (ordinal, instance) in instances.enumerated() where isCandidate(instance) {
            let value = key.spreadAttribute.flatMap { instance.attribute($0) }
            let bucket: Int
            if let known = bucketByValue[value] {
                bucket = known
            } else {
                bucket = bucketValues.count
                bucketByValue[value] = bucket
                bucketValues.append(value)
                keysPerBucket.append([])
            }
            let packed = packedKey(instance, ordinal: ordinal)
            bucketOf[ordinal] = Int32(bucket)
            currentKey[ordinal] = packed
            keysPerBucket[bucket].append(
                SortedKeySet.Entry(key: packed, cpu: instance.remainingCPU, memory: instance.remainingMemory))
        }
        buckets = keysPerBucket.map { SortedKeySet(unsorted: $0) }
    }

    private func packedKey(_ instance: InstanceSnapshot, ordinal: Int) -> UInt64 {
        let primary: Int
        switch key.order {
        case .none: primary = 0
        case .binpack(.cpu): primary = instance.remainingCPU
        case .binpack(.memory): primary = instance.remainingMemory
        case .spreadInstance(let group): primary = instance.taskGroups[group, default: 0]
        }
        let clamped = UInt64(min(max(primary, 0), Self.primaryLimit))
        return clamped << Self.ordinalBits | UInt64(ordinal)
    }

    /// Re-keys an instance whose state changed.
    mutating func update(ordinal: Int, instance: InstanceSnapshot) {
        let bucket = Int(bucketOf[ordinal])
        guard bucket >= 0 else { return }
        let packed = packedKey(instance, ordinal: ordinal)
        if packed != currentKey[ordinal] { buckets[bucket].remove(currentKey[ordinal]) }
        buckets[bucket].insert(
            SortedKeySet.Entry(key: packed, cpu: instance.remainingCPU, memory: instance.remainingMemory))
        currentKey[ordinal] = packed
    }

    /// The best feasible candidate: the bucket with the fewest tasks of the group (ties
    /// compared on their best instances), then the smallest key in it, then the earliest
    /// instance. `counts` holds the group's tasks per attribute value.
    func best(request: PlacementRequest, counts: [String?: Int], feasible: (Int) -> Bool) -> Int? {
        var lowerBound: UInt64 = 0
        if case .binpack(let field) = key.order {
            let need = field == .cpu ? request.cpu : request.memory
            lowerBound = UInt64(min(max(need, 0), Self.primaryLimit)) << Self.ordinalBits
        }
        let accept: (UInt64) -> Bool = { feasible(Int($0 & Self.ordinalMask)) }
        var order = Array(buckets.indices)
        if key.spreadAttribute != nil, order.count > 1 {
            let weight = order.map { counts[bucketValues[$0], default: 0] }
            order.sort { weight[$0] != weight[$1] ? weight[$0] < weight[$1] : $0 < $1 }
        }
        var best: (count: Int, key: UInt64)?
        for bucket in order {
            let count = key.spreadAttribute == nil ? 0 : counts[bucketValues[bucket], default: 0]
            if let found = best, count > found.count { break }
            guard
                let candidate = buckets[bucket].first(
                    atLeast: lowerBound, cpu: request.cpu, memory: request.memory, where: accept)
            else { continue }
            if best == nil || candidate < (best?.key ?? .max) { best = (count, candidate) }
        }
        return best.map { Int($0.key & Self.ordinalMask) }
    }
}
