import NIOCore
import Synchronization

/// Health checks one target group's targets, each one an interval after its previous
/// check as ALB spaces them, on one event loop, and feeds the outcomes to the group.
///
/// A new target is checked at once; then a tick a fraction of the interval apart checks
/// the targets whose last check began an interval ago or more. (Checking every target on
/// one group-wide timer would give a target registered just before a tick its second
/// check almost at once, and make a slow-starting task unhealthy after two checks well
/// under an interval apart.)
final class HealthChecker: Sendable {
    let group: TargetGroupRuntime
    private let eventLoop: any EventLoop

    private struct Locked {
        var task: RepeatedTask?
        var settings: HealthCheckSettings?
        var matcher: HealthCodeMatcher?
        /// Endpoints with a check in flight.
        var probing: Set<ObjectIdentifier> = []
        /// When each endpoint's last check began.
        var lastStarted: [ObjectIdentifier: NIODeadline] = [:]
    }

    private let state = Mutex(Locked())

    /// The longest time between ticks: a check is at most this late.
    static let maximumTick = TimeAmount.seconds(1)
    /// Ticks per interval, when the interval is short.
    static let ticksPerInterval: Int64 = 5

    init(group: TargetGroupRuntime, eventLoop: any EventLoop) {
        self.group = group
        self.eventLoop = eventLoop
    }

    /// The time between ticks for a check interval.
    static func tick(for interval: TimeAmount) -> TimeAmount {
        let fraction = TimeAmount.nanoseconds(max(1, interval.nanoseconds / ticksPerInterval))
        return min(maximumTick, fraction)
    }

    /// Starts checking with `settings`, or restarts when they changed (every target is
    /// then checked at once); also checks at once the targets never checked (new
    /// registrations).
    func start(settings: HealthCheckSettings) throws {
        let matcher = try HealthCodeMatcher(settings.matcher)
        let restart = state.withLock { locked -> Bool in
            let changed = locked.settings != settings
            locked.settings = settings
            locked.matcher = matcher
            if changed {
                locked.task?.cancel()
                locked.task = nil
                locked.lastStarted = [:]
            }
            return changed || locked.task == nil
        }
        if restart {
            let tick = Self.tick(for: TimeAmount(settings.interval))
            let task = eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { [weak self] _ in
                self?.checkDue()
            }
            state.withLock { $0.task = task }
        }
        eventLoop.execute { [weak self] in self?.checkDue() }
    }

    func stop() {
        state.withLock { locked in
            locked.task?.cancel()
            locked.task = nil
            locked.settings = nil
            locked.lastStarted = [:]
        }
    }

    /// Checks the targets never checked, and those whose last check began an interval ago.
    private func checkDue() {
        let plan = group.healthCheckPlan()
        let settings = plan.settings
        let interval = TimeAmount(settings.interval)
        let now = NIODeadline.now()
        let due: [(TargetEndpoint, Int)]
        let matcher: HealthCodeMatcher?
        (due, matcher) = state.withLock { locked in
            guard locked.settings != nil else { return ([], nil) }
            // Forget endpoints that left the group (and whose identifiers may be reused).
            let current = Set(plan.targets.map { ObjectIdentifier($0.0) })
            locked.lastStarted = locked.lastStarted.filter { current.contains($0.key) }
            var due: [(TargetEndpoint, Int)] = []
            for (endpoint, port) in plan.targets {
                let id = ObjectIdentifier(endpoint)
                guard !locked.probing.contains(id) else { continue }
                if let last = locked.lastStarted[id], now - last < interval { continue }
                locked.probing.insert(id)
                locked.lastStarted[id] = now
                due.append((endpoint, port))
            }
            return (due, locked.matcher)
        }
        guard let matcher else { return }
        for (endpoint, port) in due {
            HealthProbe.run(
                on: eventLoop, host: endpoint.target.host, port: port, path: settings.path,
                timeout: TimeAmount(settings.timeout), matcher: matcher
            ).whenSuccess { [weak self] outcome in
                guard let self else { return }
                let stillChecking = self.state.withLock { locked -> Bool in
                    locked.probing.remove(ObjectIdentifier(endpoint))
                    return locked.settings != nil
                }
                if stillChecking { self.group.record(outcome, for: endpoint) }
            }
        }
    }
}
