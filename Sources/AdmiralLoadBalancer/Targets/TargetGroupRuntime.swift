import NIOCore
import Synchronization

/// A target group at run time: its ``TargetGroupState`` behind a lock, its counters, and
/// the effects of its decisions (health events, closing connections, drain expiry).
final class TargetGroupRuntime: Sendable {
    /// What a request needs from the group.
    struct Selection {
        let endpoint: TargetEndpoint
        /// The `AWSALB` cookie lifetime when stickiness is on.
        let stickiness: Duration?
    }

    let id: String
    /// The `AWSALBTG` cookie value naming this group.
    let stickyToken: String
    let counters = RequestCounters()
    private let core: DataPlaneCore

    private struct Locked {
        var machine: TargetGroupState
        var loadBalancerIDs: [String]
        var scheduledExpiry: NIODeadline?
        var removed = false
    }

    private let state: Mutex<Locked>

    init(configuration: TargetGroupConfiguration, loadBalancerIDs: [String], core: DataPlaneCore) {
        self.id = configuration.id
        self.stickyToken = TargetEndpoint.token(
            groupID: configuration.id, target: TargetConfiguration(id: "", host: "", port: 0))
        self.core = core
        self.state = Mutex(
            Locked(
                machine: TargetGroupState(
                    configuration: TargetGroupConfiguration(
                        id: configuration.id, port: configuration.port, healthCheck: configuration.healthCheck,
                        attributes: configuration.attributes),
                    inUse: !loadBalancerIDs.isEmpty, now: .now()),
                loadBalancerIDs: loadBalancerIDs))
        apply(configuration, loadBalancerIDs: loadBalancerIDs)
    }

    /// Applies the group's configuration and whether listeners use it.
    func apply(_ configuration: TargetGroupConfiguration, loadBalancerIDs: [String]) {
        let now = NIODeadline.now()
        state.withLock { locked in
            locked.loadBalancerIDs = loadBalancerIDs
            let result = locked.machine.apply(configuration, inUse: !loadBalancerIDs.isEmpty, now: now)
            perform(result, locked: &locked)
        }
    }

    /// The group left the configuration: every target goes at once.
    func remove() {
        state.withLock { locked in
            locked.removed = true
            perform(locked.machine.removeAll(), locked: &locked)
        }
    }

    /// Runs the effects of a decision. Called with the lock held so that health events
    /// leave in the order the state changed.
    private func perform(_ result: TargetGroupState.Reconciliation, locked: inout Locked) {
        core.events.publish(result.changes)
        if !result.drainingEndpoints.isEmpty { core.closeConnections(to: result.drainingEndpoints, forget: false) }
        if !result.retiredEndpoints.isEmpty { core.closeConnections(to: result.retiredEndpoints, forget: true) }
        if let deadline = result.nextDrainDeadline, !locked.removed,
            locked.scheduledExpiry.map({ deadline < $0 }) ?? true
        {
            locked.scheduledExpiry = deadline
            core.schedule(at: deadline) { [weak self] in self?.expireDrains() }
        }
    }

    /// Removes draining targets whose delay has passed.
    func expireDrains() {
        let now = NIODeadline.now()
        state.withLock { locked in
            locked.scheduledExpiry = nil
            perform(locked.machine.expireDrains(now: now), locked: &locked)
        }
    }

    /// Chooses a target for a request with these headers (whose `AWSALB` cookie counts
    /// when stickiness is on), or `nil` when no target is registered.
    @inline(__always)
    func select(request: HTTPHead) -> Selection? {
        state.withLock { locked in
            let attributes = locked.machine.configuration.attributes
            let now: NIODeadline = attributes.slowStartDuration > .zero ? .now() : .uptimeNanoseconds(0)
            let token =
                attributes.stickinessDuration == nil
                ? nil : request.cookie(named: StickyCookie.targetCookie).map(String.init)
            guard let endpoint = locked.machine.select(stickyToken: token, now: now) else { return nil }
            return Selection(endpoint: endpoint, stickiness: attributes.stickinessDuration)
        }
    }

    /// Records a health check outcome.
    func record(_ outcome: HealthCheckOutcome, for endpoint: TargetEndpoint) {
        let now = NIODeadline.now()
        state.withLock { locked in
            if let change = locked.machine.record(outcome, for: endpoint, now: now) {
                core.events.publish([change])
            }
        }
    }

    /// What the health checker should do now.
    func healthCheckPlan() -> (settings: HealthCheckSettings, targets: [(TargetEndpoint, port: Int)]) {
        state.withLock { locked in
            let machine = locked.machine
            return (
                machine.configuration.healthCheck,
                machine.targetsToCheck().map { ($0, machine.healthCheckPort(for: $0.target)) }
            )
        }
    }

    func descriptions() -> [TargetHealthDescription] {
        state.withLock { $0.machine.descriptions() }
    }

    func metrics() -> TargetGroupMetrics {
        let (ids, healthy, unhealthy) = state.withLock {
            ($0.loadBalancerIDs, $0.machine.healthyCount, $0.machine.unhealthyCount)
        }
        return TargetGroupMetrics(
            loadBalancerIDs: ids,
            requestCount: counters.requests.current,
            httpCodeTarget2XXCount: counters.target2xx.current,
            httpCodeTarget3XXCount: counters.target3xx.current,
            httpCodeTarget4XXCount: counters.target4xx.current,
            httpCodeTarget5XXCount: counters.target5xx.current,
            targetResponseTime: counters.targetResponseTime.snapshot(),
            targetConnectionErrorCount: counters.targetConnectionErrors.current,
            healthyHostCount: healthy,
            unHealthyHostCount: unhealthy)
    }
}
