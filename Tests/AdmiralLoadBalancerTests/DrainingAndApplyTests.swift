import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization
import Testing

@testable import AdmiralLoadBalancer

@Suite("Deregistration, draining and applying configuration")
struct DrainingAndApplyTests {
    @Test("a deregistered target finishes its in-flight request, gets no new ones, and leaves after the delay")
    func drains() async throws {
        let staying = try await TestBackend.start(name: "stay")
        let leaving = try await TestBackend.start(name: "leave")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        let attributes = TargetGroupAttributes(deregistrationDelay: .seconds(1))
        try await dataPlane.apply(
            simpleConfiguration(targets: [target(staying), target(leaving)], attributes: attributes))
        #expect(await dataPlane.waitUntil(group: IDs.group("web"), all: .healthy))
        let log = HealthLog(dataPlane)
        // Put a slow request on `leaving` (round robin: try until it lands there).
        let slow = try await TestConnection.connect(port: dataPlane.port())
        var inFlight: Task<TestResponse, any Error>?
        for _ in 0..<4 where inFlight == nil {
            let task = Task { try await slow.request(.GET, "/slow?ms=600") }
            if await eventually(
                timeout: .seconds(2),
                { leaving.inFlight.load(ordering: .relaxed) == 1 || staying.inFlight.load(ordering: .relaxed) == 1 }),
                leaving.inFlight.load(ordering: .relaxed) == 1
            {
                inFlight = task
            } else {
                _ = try await task.value
            }
        }
        let request = try #require(inFlight)
        try await dataPlane.apply(simpleConfiguration(targets: [target(staying)], attributes: attributes))
        #expect(dataPlane.health(of: leaving) == .draining)
        let connection = try await TestConnection.connect(port: dataPlane.port())
        for _ in 0..<4 { #expect(try await connection.request(.GET, "/").text == "stay") }
        let finished = try await request.value
        #expect(finished.status == 200)
        #expect(finished.text == "leave")
        #expect(await eventually { dataPlane.health(of: leaving) == nil })
        #expect(log.states(of: "leave") == [.draining, nil])
        await slow.close()
        await connection.close()
        await dataPlane.shutdown()
        await staying.stop()
        await leaving.stop()
    }

    @Test("a request still in flight when the deregistration delay ends is cut off with a 502")
    func drainDeadline() async throws {
        let backend = try await TestBackend.start(name: "slowpoke")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        let attributes = TargetGroupAttributes(deregistrationDelay: .milliseconds(300))
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)], attributes: attributes))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        let request = Task { try await connection.request(.GET, "/slow?ms=5000") }
        #expect(await eventually { backend.inFlight.load(ordering: .relaxed) == 1 })
        try await dataPlane.apply(simpleConfiguration(targets: [], attributes: attributes))
        #expect(dataPlane.health(of: backend) == .draining)
        let response = try await request.value
        #expect(response.status == 502)
        #expect(dataPlane.health(of: backend) == nil)
        await connection.close()
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("run() serves until graceful shutdown, then closes the listeners")
    func serviceLifecycle() async throws {
        let backend = try await TestBackend.start(name: "svc")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)]))
        let port = dataPlane.port()
        let group = ServiceGroup(services: [dataPlane], logger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let connection = try await TestConnection.connect(port: port)
            #expect(try await connection.request(.GET, "/").text == "svc")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(await eventually { !connection.isActive })
        }
        await #expect(throws: (any Error).self) { try await TestConnection.connect(port: port) }
        await #expect(throws: LoadBalancerError.self) { try await dataPlane.apply(simpleConfiguration(targets: [])) }
        await backend.stop()
    }

    @Test("apply is idempotent and swaps rules for the next request on an open connection")
    func swapsRules() async throws {
        let backend = try await TestBackend.start(name: "w")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        var configuration = simpleConfiguration(targets: [target(backend)])
        try await dataPlane.apply(configuration)
        let port = dataPlane.port()
        try await dataPlane.apply(configuration)
        #expect(dataPlane.port() == port)
        let connection = try await TestConnection.connect(port: port)
        #expect(try await connection.request(.GET, "/x").text == "w")
        configuration.listeners[0].rules = [
            ListenerRule(
                id: "maintenance", priority: 1, conditions: [.pathPattern(["*"])],
                action: .fixedResponse(
                    FixedResponseAction(statusCode: 503, contentType: "text/plain", messageBody: "maintenance")))
        ]
        try await dataPlane.apply(configuration)
        #expect(try await connection.request(.GET, "/x").text == "maintenance")
        #expect(dataPlane.targetHealth(targetGroupID: IDs.group("web"))?.count == 1)
        await connection.close()
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("listeners that are new are bound and those that are gone are closed")
    func listenersComeAndGo() async throws {
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        var configuration = simpleConfiguration(targets: [])
        let second = ListenerConfiguration(
            id: IDs.listener + "-2", loadBalancerID: IDs.loadBalancer, address: "127.0.0.1", port: 0,
            defaultAction: .fixedResponse(FixedResponseAction(statusCode: 200, messageBody: "second")))
        configuration.listeners.append(second)
        try await dataPlane.apply(configuration)
        let secondPort = dataPlane.port(of: second.id)
        let connection = try await TestConnection.connect(port: secondPort)
        #expect(try await connection.request(.GET, "/").text == "second")
        configuration.listeners.removeLast()
        try await dataPlane.apply(configuration)
        #expect(dataPlane.localAddress(ofListener: second.id) == nil)
        #expect(await eventually { !connection.isActive })
        // The port is free again: it can be bound. (Connecting to it to see a refusal
        // races other tests for it, and can even connect the probe to itself.)
        #expect(await eventually { ReservedPort(port: secondPort) != nil })
        await dataPlane.shutdown()
    }

    @Test("a port that cannot be bound is an error naming address and port, and changes nothing")
    func bindFailure() async throws {
        let squatter = try await TestBackend.start(name: "squatter")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        let good = simpleConfiguration(targets: [])
        try await dataPlane.apply(good)
        let port = dataPlane.port()
        var bad = good
        bad.listeners.append(
            ListenerConfiguration(
                id: "taken", loadBalancerID: IDs.loadBalancer, address: "127.0.0.1", port: squatter.port,
                defaultAction: .forward(to: IDs.group("web"))))
        bad.targetGroups[0].targets = [TargetConfiguration(id: "new", host: "127.0.0.1", port: 9)]
        do {
            try await dataPlane.apply(bad)
            Issue.record("apply should have failed")
        } catch let error as LoadBalancerError {
            #expect(error.code == .listenerBindFailed)
            #expect(error.message.contains("127.0.0.1:\(squatter.port)"))
            #expect(error.message.contains("taken"))
        }
        #expect(dataPlane.port() == port)
        #expect(dataPlane.localAddress(ofListener: "taken") == nil)
        #expect(dataPlane.targetHealth(targetGroupID: IDs.group("web"))?.isEmpty == true)
        await dataPlane.shutdown()
        await squatter.stop()
    }

    @Test(
        "invalid configurations are refused with a code and a message",
        arguments: [
            (LoadBalancerError.Code.unknownReference, "which is not in the configuration"),
            (.invalidConfiguration, "is not a CIDR block"),
            (.duplicate, "two rules with priority 7"),
            (.invalidConfiguration, "is not valid; use codes between 200 and 499"),
        ])
    func invalid(_ code: LoadBalancerError.Code, _ message: String) async throws {
        var configuration = simpleConfiguration(targets: [])
        switch code {
        case .unknownReference:
            configuration.listeners[0].defaultAction = .forward(to: "missing")
        case .duplicate:
            let rule = ListenerRule(id: "r", priority: 7, conditions: [], action: .forward(to: IDs.group("web")))
            configuration.listeners[0].rules = [rule, rule]
        default:
            if message.contains("CIDR") {
                configuration.listeners[0].rules = [
                    ListenerRule(
                        id: "r", priority: 1, conditions: [.sourceIP(["10.0.0.0"])],
                        action: .forward(to: IDs.group("web")))
                ]
            } else {
                configuration.targetGroups[0].healthCheck.matcher = "600"
            }
        }
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        await #expect {
            try await dataPlane.apply(configuration)
        } throws: { error in
            guard let error = error as? LoadBalancerError else { return false }
            return error.code == code && error.message.contains(message)
        }
        #expect(dataPlane.localAddress(ofListener: IDs.listener) == nil)
        await dataPlane.shutdown()
    }

    @Test("counters count requests, target codes and response times per load balancer and target group")
    func counters() async throws {
        let backend = try await TestBackend.start(name: "c")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)]))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        for _ in 0..<5 { _ = try await connection.request(.GET, "/") }
        let before = dataPlane.metrics()
        let lb = try #require(before.loadBalancers[IDs.loadBalancer])
        let tg = try #require(before.targetGroups[IDs.group("web")])
        #expect(lb.requestCount == 5)
        #expect(lb.httpCodeTarget2XXCount == 5)
        #expect(tg.requestCount == 5)
        #expect(tg.httpCodeTarget2XXCount == 5)
        #expect(tg.targetResponseTime.count == 5)
        #expect(tg.targetResponseTime.sum > 0)
        #expect(tg.targetResponseTime.buckets.reduce(0) { $0 + $1.count } == 5)
        #expect(lb.activeClientConnectionCount == 1)
        #expect(lb.activeConnectionCount >= 2)
        #expect(lb.newConnectionCount >= 2)
        _ = try await connection.request(.GET, "/")
        #expect(dataPlane.metrics().loadBalancers[IDs.loadBalancer]!.requestCount == 6)
        await connection.close()
        #expect(
            await eventually { dataPlane.metrics().loadBalancers[IDs.loadBalancer]?.activeClientConnectionCount == 0 })
        await dataPlane.shutdown()
        await backend.stop()
    }
}
