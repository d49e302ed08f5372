/// Places tasks on container instances as ECS does: a pipeline of feasibility filters
/// (agent and status, required attributes, constraints, resources and ports), then the
/// request's strategies in order, each narrowing the ties of the one before, and finally
/// the earlier instance in the snapshot.
///
/// The engine is a value over a snapshot. The control plane builds one from the store in
/// the transaction that creates the tasks, calls `place(_:)`, and writes back the plan;
/// because the engine reserves each placement in its snapshot, the tasks of one request
/// (and of later requests given to the same engine) never oversubscribe an instance.
/// Common strategy shapes (an optional spread over an attribute, then binpack or spread
/// over instances) are served by incremental indexes kept across requests, which choose
/// exactly what the linear reference pass would; `random` first draws candidates at
/// random; any other shape takes the reference pass. The indexes follow only the
/// engine's own placements: when the cluster changes otherwise (an instance registers or
/// drains, a task stops), build a new engine from a new snapshot.
public struct PlacementEngine: Sendable {
    /// The most placements a plan reserves room for up front; a larger count grows the
    /// plan as tasks are actually placed.
    static let maximumReservedPlacements = 1_024

    /// The cluster as it stands after every placement made so far.
    public private(set) var snapshot: ClusterSnapshot
    /// When true, every request takes the linear reference pass (for tests and comparisons).
    public var alwaysUseReferencePass = false
    private var indexes: [PlacementIndex] = []
    private var indexPositions: [PlacementIndex.Key: Int] = [:]
    private var spreadTables: [SpreadTable] = []
    private var spreadPositions: [SpreadTable.Key: Int] = [:]
    private var candidateLists: [String: [Int]] = [:]

    /// Tasks of one group per value of one attribute, over every instance of the cluster.
    private struct SpreadTable: Sendable {
        struct Key: Hashable, Sendable {
            var attribute: String
            var group: String
        }
        var key: Key
        var counts: [String?: Int]
    }

    /// Creates an engine over a snapshot.
    public init(snapshot: ClusterSnapshot) {
        self.snapshot = snapshot
    }

    /// Places a request on a snapshot without keeping the engine.
    public static func plan(_ request: PlacementRequest, in snapshot: ClusterSnapshot) -> PlacementPlan {
        var engine = PlacementEngine(snapshot: snapshot)
        return engine.place(request)
    }

    /// Places as many of the request's tasks as fit, reserving their resources in the
    /// snapshot; the rest come back as failures with ECS's reasons.
    public mutating func place(_ request: PlacementRequest) -> PlacementPlan {
        guard request.count > 0 else { return PlacementPlan() }
        guard !snapshot.instances.isEmpty else {
            return PlacementPlan(
                unplacedCount: request.count, failures: [PlacementFailure(instanceId: nil, reason: .noInstances)])
        }
        let prepared = PreparedRequest(request)
        var plan = PlacementPlan()
        // Room for what the instances can hold at most, not for whatever count was asked.
        plan.placements.reserveCapacity(min(request.count, Self.maximumReservedPlacements))
        let indexPosition =
            alwaysUseReferencePass
            ? nil
            : PlacementIndex.key(for: request.strategies, signature: prepared.staticSignature, group: request.group)
                .map { prepareIndex($0, prepared) }
        let sampleRandomly = !alwaysUseReferencePass && request.strategies.first == .random
        let candidates = indexPosition == nil ? staticCandidates(prepared) : []
        for step in 0..<request.count {
            let chosen: Int?
            if let indexPosition {
                chosen = pickIndexed(indexPosition, prepared)
            } else if sampleRandomly {
                chosen = pickRandom(prepared, candidates: candidates, step: step)
            } else {
                chosen = pickReference(prepared, candidates: candidates, step: step)
            }
            guard let ordinal = chosen else {
                plan.unplacedCount = request.count - step
                plan.failures = diagnose(prepared)
                break
            }
            commit(request, at: ordinal)
            plan.placements.append(snapshot.instances[ordinal].id)
        }
        return plan
    }

    // MARK: - Shared steps

    /// Reserves a task and brings every index and spread count up to date.
    private mutating func commit(_ request: PlacementRequest, at ordinal: Int) {
        snapshot.reserve(request, at: ordinal)
        let instance = snapshot.instances[ordinal]
        for position in indexes.indices {
            indexes[position].update(ordinal: ordinal, instance: instance)
        }
        for position in spreadTables.indices where spreadTables[position].key.group == request.group {
            spreadTables[position].counts[instance.attribute(spreadTables[position].key.attribute), default: 0] += 1
        }
    }

    /// Tasks of a group per value of an attribute, over every instance of the cluster.
    mutating func counts(attribute: String, group: String) -> [String?: Int] {
        spreadTables[spreadTable(attribute: attribute, group: group)].counts
    }

    /// The position of the spread table for an attribute and group, built on first use.
    private mutating func spreadTable(attribute: String, group: String) -> Int {
        let key = SpreadTable.Key(attribute: attribute, group: group)
        if let known = spreadPositions[key] { return known }
        var counts: [String?: Int] = [:]
        for instance in snapshot.instances {
            counts[instance.attribute(attribute), default: 0] += instance.taskGroups[group, default: 0]
        }
        spreadTables.append(SpreadTable(key: key, counts: counts))
        spreadPositions[key] = spreadTables.count - 1
        return spreadTables.count - 1
    }

    /// The instances that pass the static filters, in snapshot order, computed once per
    /// set of static filters.
    mutating func staticCandidates(_ prepared: PreparedRequest) -> [Int] {
        let signature = prepared.staticSignature
        if let known = candidateLists[signature] { return known }
        let candidates = snapshot.instances.indices.filter { prepared.staticReason(snapshot.instances[$0]) == nil }
        candidateLists[signature] = candidates
        return candidates
    }

    /// Every instance's first failed filter, for a task that could go nowhere.
    private func diagnose(_ prepared: PreparedRequest) -> [PlacementFailure] {
        snapshot.instances.compactMap { instance in
            prepared.reason(instance).map { PlacementFailure(instanceId: instance.id, reason: $0) }
        }
    }

    // MARK: - Indexed pass

    /// Builds (once) the index and spread table a request needs; returns the index's position.
    private mutating func prepareIndex(_ key: PlacementIndex.Key, _ prepared: PreparedRequest) -> Int {
        if let attribute = key.spreadAttribute {
            _ = spreadTable(attribute: attribute, group: prepared.request.group)
        }
        if let known = indexPositions[key] { return known }
        indexes.append(
            PlacementIndex(key: key, instances: snapshot.instances) { prepared.staticReason($0) == nil })
        indexPositions[key] = indexes.count - 1
        return indexes.count - 1
    }

    private func pickIndexed(_ position: Int, _ prepared: PreparedRequest) -> Int? {
        let index = indexes[position]
        var counts: [String?: Int] = [:]
        if let attribute = index.key.spreadAttribute,
            let table = spreadPositions[SpreadTable.Key(attribute: attribute, group: prepared.request.group)]
        {
            counts = spreadTables[table].counts
        }
        let instances = snapshot.instances
        return index.best(request: prepared.request, counts: counts) { ordinal in
            prepared.dynamicReason(instances[ordinal]) == nil
        }
    }
}
