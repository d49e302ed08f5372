import NIOCore
import Synchronization

/// Health checks one target group's targets every interval, on one event loop, and feeds
/// the outcomes to the group.
final class HealthChecker: Sendable {
    let group: TargetGroupRuntime
    private let eventLoop: any EventLoop

    private struct Locked {
        var task: RepeatedTask?
        var settings: HealthCheckSettings?
        var matcher: HealthCodeMatcher?
        /// Endpoints with a check in flight.
        var probing: Set<ObjectIdentifier> = []
        /// Endpoints checked at least once.
        var seen: Set<ObjectIdentifier> = []
    }

    private let state = Mutex(Locked())

    init(group: TargetGroupRuntime, eventLoop: any EventLoop) {
        self.group = group
        self.eventLoop = eventLoop
    }

    /// Starts checking with `settings`, or restarts when they changed; also checks at once
    /// the targets that were never checked (new registrations).
    func start(settings: HealthCheckSettings) throws {
        let matcher = try HealthCodeMatcher(settings.matcher)
        let restart = state.withLock { locked -> Bool in
            let changed = locked.settings != settings
            locked.settings = settings
            locked.matcher = matcher
            if changed {
                locked.task?.cancel()
                locked.task = nil
            }
            return changed || locked.task == nil
        }
        if restart {
            let task = eventLoop.scheduleRepeatedTask(
                initialDelay: TimeAmount(settings.interval), delay: TimeAmount(settings.interval)
            ) { [weak self] _ in
                self?.checkAll(onlyNew: false)
            }
            state.withLock { $0.task = task }
        }
        eventLoop.execute { [weak self] in self?.checkAll(onlyNew: !restart) }
    }

    func stop() {
        state.withLock { locked in
            locked.task?.cancel()
            locked.task = nil
            locked.settings = nil
            locked.seen = []
        }
    }

    private func checkAll(onlyNew: Bool) {
        let plan = group.healthCheckPlan()
        let settings = plan.settings
        let due: [(TargetEndpoint, Int)]
        let matcher: HealthCodeMatcher?
        (due, matcher) = state.withLock { locked in
            guard locked.settings != nil else { return ([], nil) }
            if !onlyNew {
                // Forget endpoints that left the group (and whose identifiers may be reused).
                let current = Set(plan.targets.map { ObjectIdentifier($0.0) })
                locked.seen.formIntersection(current)
            }
            var due: [(TargetEndpoint, Int)] = []
            for (endpoint, port) in plan.targets {
                let id = ObjectIdentifier(endpoint)
                if onlyNew, locked.seen.contains(id) { continue }
                guard !locked.probing.contains(id) else { continue }
                locked.probing.insert(id)
                locked.seen.insert(id)
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
