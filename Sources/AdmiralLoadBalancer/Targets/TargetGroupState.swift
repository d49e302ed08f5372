import NIOCore

/// Everything a target group decides, as a pure state machine over explicit instants:
/// registrations and draining, health from check outcomes, which targets get requests
/// (healthy ones, or all when none is healthy), slow start and the choice of a target.
///
/// ``TargetGroupRuntime`` keeps one behind a lock and performs what it returns.
struct TargetGroupState {
    struct Member {
        let endpoint: TargetEndpoint
        var tracker = TargetHealthTracker()
        /// When the target entered slow start, if it did.
        var slowStartSince: NIODeadline?
        /// When a draining target leaves the group; `nil` while registered.
        var drainDeadline: NIODeadline?

        var isDraining: Bool { drainDeadline != nil }
    }

    /// What applying a configuration changed.
    struct Reconciliation {
        var changes: [TargetHealthChange] = []
        /// Registrations that started draining (their idle connections can be closed).
        var drainingEndpoints: [TargetEndpoint] = []
        /// Registrations gone for good (every connection to them can be closed).
        var retiredEndpoints: [TargetEndpoint] = []
        /// The earliest drain deadline now pending, to schedule an expiry.
        var nextDrainDeadline: NIODeadline?
    }

    private(set) var configuration: TargetGroupConfiguration
    private(set) var inUse: Bool
    private var members: [TargetConfiguration: Member] = [:]
    /// Registration order, for reporting and a stable round robin.
    private var order: [TargetConfiguration] = []

    // The routing view, recomputed when membership or health changes.
    private var routable: [TargetEndpoint] = []
    private var routableSlowStart: [NIODeadline?] = []
    private var tokenIndex: [String: Int] = [:]
    private var cursor = 0
    private var smoothWeights: [Int] = []

    init(configuration: TargetGroupConfiguration, inUse: Bool, now: NIODeadline) {
        self.configuration = TargetGroupConfiguration(
            id: configuration.id, port: configuration.port, healthCheck: configuration.healthCheck,
            attributes: configuration.attributes, targets: [])
        self.inUse = inUse
        _ = apply(configuration, inUse: inUse, now: now)
    }

    // MARK: - Reporting

    /// The health `DescribeTargetHealth` reports for a member.
    func reportedHealth(of member: Member) -> TargetHealth {
        if member.isDraining { return .draining }
        if !inUse { return .notInUse }
        if !configuration.healthCheck.enabled { return .healthCheckDisabled }
        return member.tracker.health
    }

    func healthCheckPort(for target: TargetConfiguration) -> Int {
        switch configuration.healthCheck.port {
        case .trafficPort: target.port
        case .port(let port): port
        }
    }

    /// Every registered and draining target with its health, in registration order.
    func descriptions() -> [TargetHealthDescription] {
        order.compactMap { target in
            members[target].map {
                TargetHealthDescription(
                    target: target, healthCheckPort: healthCheckPort(for: target), health: reportedHealth(of: $0))
            }
        }
    }

    var healthyCount: Int { members.values.count { reportedHealth(of: $0).state == .healthy } }
    var unhealthyCount: Int { members.values.count { reportedHealth(of: $0).state == .unhealthy } }

    /// Whether any target is registered (not draining): without one, requests get a 503.
    var hasRegisteredTargets: Bool { !routable.isEmpty }

    /// The targets to health check now: registered ones, when the group is in use and checks are on.
    func targetsToCheck() -> [TargetEndpoint] {
        guard inUse, configuration.healthCheck.enabled else { return [] }
        return order.compactMap { members[$0] }.filter { !$0.isDraining }.map(\.endpoint)
    }

    private func healthMap() -> [TargetConfiguration: TargetHealth] {
        members.mapValues { reportedHealth(of: $0) }
    }

    private func diff(
        _ before: [TargetConfiguration: TargetHealth], _ after: [TargetConfiguration: TargetHealth],
        order: [TargetConfiguration]
    ) -> [TargetHealthChange] {
        var changes: [TargetHealthChange] = []
        var seen = Set<TargetConfiguration>()
        for target in order + before.keys.sorted(by: { $0.description < $1.description }) {
            guard seen.insert(target).inserted else { continue }
            let previous = before[target]
            let current = after[target]
            if previous != current {
                changes.append(
                    TargetHealthChange(
                        targetGroupID: configuration.id, target: target, previous: previous, current: current))
            }
        }
        return changes
    }

    // MARK: - Configuration

    /// Applies a new configuration of the group: new targets are registered (`initial`),
    /// targets that left start draining (or leave at once when no listener used the group),
    /// a target registered again while draining starts over.
    mutating func apply(_ new: TargetGroupConfiguration, inUse newInUse: Bool, now: NIODeadline) -> Reconciliation {
        let before = healthMap()
        let previousOrder = order
        var result = Reconciliation()
        let old = configuration
        let wasInUse = inUse
        let resetHealth =
            newInUse != inUse || new.healthCheck.enabled != old.healthCheck.enabled
        configuration = TargetGroupConfiguration(
            id: new.id, port: new.port, healthCheck: new.healthCheck, attributes: new.attributes, targets: [])
        inUse = newInUse

        var wanted: [TargetConfiguration] = []
        var wantedSet = Set<TargetConfiguration>()
        for target in new.targets where wantedSet.insert(target).inserted {
            wanted.append(target)
        }

        // Targets that left: start draining; in a group no listener used, there is
        // nothing to drain, so they leave at once.
        for target in order {
            guard var member = members[target], !member.isDraining, !wantedSet.contains(target) else { continue }
            member.drainDeadline = wasInUse ? now + TimeAmount(new.attributes.deregistrationDelay) : now
            member.slowStartSince = nil
            member.endpoint.markDraining()
            members[target] = member
            result.drainingEndpoints.append(member.endpoint)
        }
        // New targets, and targets registered again while draining.
        for target in wanted {
            if let member = members[target], !member.isDraining {
                continue
            }
            if let old = members[target] {
                old.endpoint.markRetired()
                result.retiredEndpoints.append(old.endpoint)
                order.removeAll { $0 == target }
            }
            members[target] = Member(endpoint: TargetEndpoint(target: target, groupID: new.id))
            order.append(target)
        }
        if resetHealth {
            for target in order where members[target]?.isDraining == false {
                members[target]?.tracker.reset()
                members[target]?.slowStartSince = nil
            }
        }
        if new.attributes.slowStartDuration <= .zero {
            for target in order { members[target]?.slowStartSince = nil }
        }
        let expired = expireDrains(now: now, collectInto: &result)
        _ = expired
        recomputeRouting()
        result.changes = diff(before, healthMap(), order: previousOrder + order)
        result.nextDrainDeadline = nextDrainDeadline
        return result
    }

    /// Removes every target: the group left the configuration.
    mutating func removeAll() -> Reconciliation {
        let before = healthMap()
        var result = Reconciliation()
        for target in order {
            if let member = members[target] {
                member.endpoint.markRetired()
                result.retiredEndpoints.append(member.endpoint)
            }
        }
        let previousOrder = order
        members = [:]
        order = []
        recomputeRouting()
        result.changes = diff(before, [:], order: previousOrder)
        return result
    }

    var nextDrainDeadline: NIODeadline? {
        members.values.compactMap(\.drainDeadline).min()
    }

    /// Removes draining targets whose deregistration delay has passed.
    mutating func expireDrains(now: NIODeadline) -> Reconciliation {
        let before = healthMap()
        let previousOrder = order
        var result = Reconciliation()
        if expireDrains(now: now, collectInto: &result) {
            recomputeRouting()
        }
        result.changes = diff(before, healthMap(), order: previousOrder)
        result.nextDrainDeadline = nextDrainDeadline
        return result
    }

    private mutating func expireDrains(now: NIODeadline, collectInto result: inout Reconciliation) -> Bool {
        var removed = false
        for target in order {
            guard let member = members[target], let deadline = member.drainDeadline, deadline <= now else { continue }
            member.endpoint.markRetired()
            result.retiredEndpoints.append(member.endpoint)
            members[target] = nil
            removed = true
        }
        if removed { order.removeAll { members[$0] == nil } }
        return removed
    }

    // MARK: - Health

    /// Records a health check outcome for `endpoint`; returns the change it caused, if any.
    mutating func record(_ outcome: HealthCheckOutcome, for endpoint: TargetEndpoint, now: NIODeadline)
        -> TargetHealthChange?
    {
        let target = endpoint.target
        guard inUse, configuration.healthCheck.enabled, var member = members[target],
            member.endpoint === endpoint, !member.isDraining
        else { return nil }
        let previous = reportedHealth(of: member)
        let wasHealthy = member.tracker.isHealthy
        let changed = member.tracker.record(
            outcome, healthyThreshold: configuration.healthCheck.healthyThreshold,
            unhealthyThreshold: configuration.healthCheck.unhealthyThreshold)
        guard changed else {
            members[target] = member
            return nil
        }
        let isHealthy = member.tracker.isHealthy
        if isHealthy, !wasHealthy {
            member.slowStartSince = entersSlowStart(now: now, excluding: target) ? now : nil
        } else if !isHealthy {
            member.slowStartSince = nil
        }
        members[target] = member
        if isHealthy != wasHealthy { recomputeRouting() }
        return TargetHealthChange(
            targetGroupID: configuration.id, target: target, previous: previous, current: reportedHealth(of: member))
    }

    /// ALB: a newly healthy target enters slow start only when slow start is on (round
    /// robin only) and another healthy target is not itself in slow start.
    private func entersSlowStart(now: NIODeadline, excluding target: TargetConfiguration) -> Bool {
        let duration = configuration.attributes.slowStartDuration
        guard duration > .zero, configuration.attributes.algorithm == .roundRobin else { return false }
        return members.contains { key, member in
            key != target && !member.isDraining && member.tracker.isHealthy
                && !isInSlowStart(member.slowStartSince, now: now)
        }
    }

    private func isInSlowStart(_ since: NIODeadline?, now: NIODeadline) -> Bool {
        guard let since else { return false }
        return now < since + TimeAmount(configuration.attributes.slowStartDuration)
    }

    // MARK: - Routing

    private mutating func recomputeRouting() {
        let registered = order.compactMap { members[$0] }.filter { !$0.isDraining }
        var chosen = registered
        if inUse, configuration.healthCheck.enabled {
            let healthy = registered.filter { $0.tracker.isHealthy }
            // ALB fails open: with no healthy target, every registered target gets requests.
            if !healthy.isEmpty { chosen = healthy }
        }
        routable = chosen.map(\.endpoint)
        routableSlowStart = chosen.map(\.slowStartSince)
        tokenIndex = [:]
        for (index, endpoint) in routable.enumerated() { tokenIndex[endpoint.stickyToken] = index }
        smoothWeights = Array(repeating: 0, count: routable.count)
        if cursor >= routable.count { cursor = 0 }
    }

    /// Chooses the target for a request: the one the sticky cookie names when it may get
    /// requests, else by the group's algorithm. `nil` when no target is registered.
    mutating func select(stickyToken: String?, now: NIODeadline) -> TargetEndpoint? {
        let count = routable.count
        guard count > 0 else { return nil }
        if let stickyToken, let index = tokenIndex[stickyToken] {
            return routable[index]
        }
        if count == 1 { return routable[0] }
        switch configuration.attributes.algorithm {
        case .leastOutstandingRequests:
            let start = cursor
            cursor = (cursor + 1) % count
            var best = start
            var bestLoad = routable[start].outstanding.current
            for step in 1..<count {
                let index = (start + step) % count
                let load = routable[index].outstanding.current
                if load < bestLoad {
                    best = index
                    bestLoad = load
                }
            }
            return routable[best]
        case .roundRobin:
            if let index = slowStartPick(now: now) { return routable[index] }
            let index = cursor
            cursor = (cursor + 1) % count
            return routable[index]
        }
    }

    /// Smooth weighted round robin while a target is in slow start: its weight grows
    /// linearly from almost nothing to a full share over the slow start duration.
    private mutating func slowStartPick(now: NIODeadline) -> Int? {
        let duration = configuration.attributes.slowStartDuration
        guard duration > .zero else { return nil }
        let durationNanos = TimeAmount(duration).nanoseconds
        var anyRamping = false
        var weights = [Int](repeating: Self.fullWeight, count: routable.count)
        for (index, since) in routableSlowStart.enumerated() {
            guard let since, now < since + .nanoseconds(durationNanos) else { continue }
            anyRamping = true
            let elapsed = (now - since).nanoseconds
            weights[index] = max(1, Int(Int64(Self.fullWeight) * max(elapsed, 0) / max(durationNanos, 1)))
        }
        guard anyRamping else { return nil }
        var total = 0
        var best = 0
        for index in weights.indices {
            smoothWeights[index] += weights[index]
            total += weights[index]
            if smoothWeights[index] > smoothWeights[best] { best = index }
        }
        smoothWeights[best] -= total
        return best
    }

    private static let fullWeight = 1000

    /// The weight (0...1) of a target's share now; 1 outside slow start. For tests and reporting.
    func slowStartShare(of target: TargetConfiguration, now: NIODeadline) -> Double {
        guard let since = members[target]?.slowStartSince, isInSlowStart(since, now: now) else { return 1 }
        let duration = TimeAmount(configuration.attributes.slowStartDuration).nanoseconds
        return Double((now - since).nanoseconds) / Double(duration)
    }

    /// The endpoint registered for `target`, draining or not.
    func endpoint(for target: TargetConfiguration) -> TargetEndpoint? { members[target]?.endpoint }
}
