import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import AdmiralLoadBalancer

/// Collects health changes from the data plane's stream.
final class HealthLog: Sendable {
    private let changes = Mutex<[TargetHealthChange]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ dataPlane: LoadBalancerDataPlane) {
        let stream = dataPlane.healthChanges()
        let task = Task { [weak self] in
            for await change in stream { self?.changes.withLock { $0.append(change) } }
        }
        self.task.withLock { $0 = task }
    }

    var all: [TargetHealthChange] { changes.withLock { $0 } }
    func states(of id: String) -> [TargetHealthState?] { all.filter { $0.target.id == id }.map { $0.current?.state } }
    func stop() { task.withLock { $0?.cancel() } }
}

@Suite("Health checks")
struct HealthCheckTests {
    @Test("a new target goes initial, then healthy after the threshold, and the change is announced")
    func becomesHealthy() async throws {
        let backend = try await TestBackend.start(name: "h")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        let log = HealthLog(dataPlane)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)]))
        let first = try #require(dataPlane.targetHealth(targetGroupID: IDs.group("web"))?.first)
        #expect(first.health.state == .initial)
        #expect(first.healthCheckPort == backend.port)
        #expect(await dataPlane.waitUntil(group: IDs.group("web"), all: .healthy))
        #expect(backend.healthChecks.count >= 2)
        let check = try #require(backend.healthChecks.first)
        #expect(check.method == "GET")
        #expect(check.headers.contains { $0.0 == "User-Agent" && $0.1 == "ELB-HealthChecker/2.0" })
        #expect(await eventually { log.states(of: "h").last == .healthy })
        let states = log.states(of: "h")
        #expect(states.first == .initial)
        #expect(!states.contains(.unhealthy))
        let metrics = try #require(dataPlane.metrics().targetGroups[IDs.group("web")])
        #expect(metrics.healthyHostCount == 1)
        #expect(metrics.loadBalancerIDs == [IDs.loadBalancer])
        log.stop()
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("a target registered between two rounds of checks is still checked an interval apart")
    func checksAnIntervalApart() async throws {
        let good = try await TestBackend.start(name: "good")
        let bad = try await TestBackend.start(name: "bad")
        bad.setHealthStatus(500)
        var check = fastHealthCheck
        check.interval = .seconds(1)
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(good)], healthCheck: check))
        // The group's checks are under way; the new target arrives in the middle of an interval.
        try await Task.sleep(for: .milliseconds(700))
        let registered = ContinuousClock.now
        try await dataPlane.apply(simpleConfiguration(targets: [target(good), target(bad)], healthCheck: check))
        #expect(await eventually(timeout: .seconds(20)) { dataPlane.health(of: bad)?.state == .unhealthy })
        // Two failed checks (the unhealthy threshold) take at least one interval, as on ALB.
        #expect(ContinuousClock.now - registered >= .milliseconds(950))
        await dataPlane.shutdown()
        await good.stop()
        await bad.stop()
    }

    @Test("an unhealthy target gets no requests while another is healthy, with ALB's reason codes")
    func unhealthyGetsNoTraffic() async throws {
        let good = try await TestBackend.start(name: "good")
        let bad = try await TestBackend.start(name: "bad")
        bad.setHealthStatus(500)
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(good), target(bad)]))
        #expect(
            await eventually {
                dataPlane.health(of: bad)?.state == .unhealthy && dataPlane.health(of: good)?.state == .healthy
            })
        let health = try #require(dataPlane.health(of: bad))
        #expect(health.reason == .responseCodeMismatch)
        #expect(health.description == "Health checks failed with these codes: [500]")
        #expect(dataPlane.metrics().targetGroups[IDs.group("web")]?.unHealthyHostCount == 1)
        let connection = try await TestConnection.connect(port: dataPlane.port())
        for _ in 0..<6 { #expect(try await connection.request(.GET, "/").text == "good") }
        // It recovers once its checks pass again.
        bad.setHealthStatus(200)
        #expect(await dataPlane.waitUntil(group: IDs.group("web"), all: .healthy))
        var served = Set<String>()
        for _ in 0..<4 { served.insert(try await connection.request(.GET, "/").text) }
        #expect(served == ["good", "bad"])
        await connection.close()
        await dataPlane.shutdown()
        await good.stop()
        await bad.stop()
    }

    @Test("with every target unhealthy the group fails open to all of them")
    func failOpen() async throws {
        let a = try await TestBackend.start(name: "a")
        let b = try await TestBackend.start(name: "b")
        a.setHealthStatus(404)
        b.setHealthStatus(404)
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(a), target(b)]))
        #expect(await dataPlane.waitUntil(group: IDs.group("web"), all: .unhealthy))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        var served = Set<String>()
        for _ in 0..<4 { served.insert(try await connection.request(.GET, "/").text) }
        #expect(served == ["a", "b"])
        await connection.close()
        await dataPlane.shutdown()
        await a.stop()
        await b.stop()
    }

    @Test(
        "a target that does not answer is unhealthy with Target.Timeout; a closed port with Target.FailedHealthChecks")
    func timeoutAndFailure() async throws {
        let hanging = try await TestBackend.start(name: "hang")
        let gone = try await TestBackend.start(name: "gone")
        let gonePort = gone.port
        await gone.stop()
        var check = fastHealthCheck
        check.path = "/hang"
        check.timeout = .milliseconds(300)
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(
            simpleConfiguration(
                targets: [target(hanging), TargetConfiguration(id: "gone", host: "127.0.0.1", port: gonePort)],
                healthCheck: check))
        #expect(await dataPlane.waitUntil(group: IDs.group("web"), all: .unhealthy))
        let health = try #require(dataPlane.targetHealth(targetGroupID: IDs.group("web")))
        #expect(health.first { $0.target.id == "hang" }?.health == .timedOut)
        #expect(health.first { $0.target.id == "gone" }?.health == .failed)
        await dataPlane.shutdown()
        await hanging.stop()
    }

    @Test("a group no listener forwards to is unused (Target.NotInUse) and not checked")
    func unused() async throws {
        let backend = try await TestBackend.start(name: "u")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        var configuration = simpleConfiguration(
            targets: [],
            extraGroups: [
                TargetGroupConfiguration(
                    id: IDs.group("spare"), port: 80, healthCheck: fastHealthCheck, targets: [target(backend)])
            ])
        try await dataPlane.apply(configuration)
        let health = try #require(dataPlane.targetHealth(targetGroupID: IDs.group("spare"))?.first?.health)
        #expect(health.state == .unused)
        #expect(health.reason == .notInUse)
        try await Task.sleep(for: .milliseconds(300))
        #expect(backend.healthChecks.isEmpty)
        // Attached to the listener, it is checked and becomes healthy.
        configuration.listeners[0].defaultAction = .forward(to: IDs.group("spare"))
        try await dataPlane.apply(configuration)
        #expect(await dataPlane.waitUntil(group: IDs.group("spare"), all: .healthy))
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("with health checks disabled targets are unavailable and still get requests")
    func disabled() async throws {
        let backend = try await TestBackend.start(name: "d")
        var check = fastHealthCheck
        check.enabled = false
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)], healthCheck: check))
        #expect(dataPlane.health(of: backend) == .healthCheckDisabled)
        let connection = try await TestConnection.connect(port: dataPlane.port())
        #expect(try await connection.request(.GET, "/").text == "d")
        #expect(backend.healthChecks.isEmpty)
        await connection.close()
        await dataPlane.shutdown()
        await backend.stop()
    }
}
