import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import AdmiralLoadBalancer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Forwarding over real sockets")
struct ForwardingTests {
    /// A data plane with one listener in front of `backends`, their health checks passed.
    static func start(
        _ backends: [TestBackend],
        attributes: TargetGroupAttributes = TargetGroupAttributes(deregistrationDelay: .seconds(1)),
        idleTimeout: Duration = .seconds(60), rules: [ListenerRule] = [], waitHealthy: Bool = true
    ) async throws -> LoadBalancerDataPlane {
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(
            simpleConfiguration(
                targets: backends.map(target), attributes: attributes, idleTimeout: idleTimeout, rules: rules))
        if waitHealthy, !backends.isEmpty {
            #expect(await dataPlane.waitUntil(group: IDs.group("web"), all: .healthy))
        }
        return dataPlane
    }

    @Test("requests on one keep-alive connection are forwarded with X-Forwarded-* and a trace id")
    func keepAliveAndHeaders() async throws {
        let backend = try await TestBackend.start(name: "one")
        let dataPlane = try await Self.start([backend])
        let connection = try await TestConnection.connect(port: dataPlane.port())
        for _ in 0..<3 {
            let response = try await connection.request(.GET, "/anything")
            #expect(response.status == 200)
            #expect(response.text == "one")
            #expect(response.header("X-Backend") == "one")
        }
        let echoed = try await connection.request(
            .GET, "/headers",
            headers: [("X-Forwarded-For", "203.0.113.7"), ("Connection", "keep-alive, X-Hop"), ("X-Hop", "1")])
        let lines = Set(echoed.text.split(separator: "\n").map(String.init))
        #expect(lines.contains("X-Forwarded-For: 203.0.113.7, 127.0.0.1"))
        #expect(lines.contains("X-Forwarded-Proto: http"))
        #expect(lines.contains("X-Forwarded-Port: \(dataPlane.port())"))
        #expect(!lines.contains { $0.hasPrefix("X-Hop") })
        let trace = try #require(lines.first { $0.hasPrefix("X-Amzn-Trace-Id: ") })
        #expect(trace.wholeMatch(of: /X-Amzn-Trace-Id: Root=1-[0-9a-f]{8}-[0-9a-f]{24}/) != nil)
        let kept = try await connection.request(
            .GET, "/headers", headers: [("X-Amzn-Trace-Id", "Root=1-5f84c7a1-000000000000000000000001")])
        #expect(kept.text.contains("X-Amzn-Trace-Id: Root=1-5f84c7a1-000000000000000000000001"))
        #expect(connection.isActive)
        // All of it over one pooled connection to the target.
        let metrics = dataPlane.metrics()
        #expect(metrics.loadBalancers[IDs.loadBalancer]?.newClientConnectionCount == 1)
        await connection.close()
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("request and response bodies stream through both ways intact")
    func streaming() async throws {
        let backend = try await TestBackend.start(name: "stream")
        let dataPlane = try await Self.start([backend])
        let connection = try await TestConnection.connect(port: dataPlane.port())
        // Far more than the socket buffers hold, so backpressure has to work both ways.
        let pattern = (0..<251).map { UInt8($0) }
        var body = ByteBuffer()
        for _ in 0..<(2 * 1024 * 1024 / 251) { body.writeBytes(pattern) }
        let echoed = try await connection.request(.POST, "/echo", body: body, timeout: .seconds(20))
        #expect(echoed.status == 200)
        #expect(echoed.body == body)
        // A chunked request body is followed through its framing and relayed as is.
        let chunked = try await connection.request(
            .POST, "/echo", headers: [("Transfer-Encoding", "chunked")], body: body, timeout: .seconds(20))
        #expect(chunked.body == body)
        let big = try await connection.request(.GET, "/big?bytes=2000000", timeout: .seconds(20))
        var expected = ByteBuffer()
        while expected.readableBytes < 2_000_000 {
            expected.writeBytes(pattern.prefix(2_000_000 - expected.readableBytes))
        }
        #expect(big.body == expected)
        await connection.close()
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("round robin spreads requests over the healthy targets")
    func roundRobin() async throws {
        let backends = [try await TestBackend.start(name: "a"), try await TestBackend.start(name: "b")]
        let dataPlane = try await Self.start(backends)
        let connection = try await TestConnection.connect(port: dataPlane.port())
        var served: [String: Int] = [:]
        for _ in 0..<10 { served[try await connection.request(.GET, "/").text, default: 0] += 1 }
        #expect(served == ["a": 5, "b": 5])
        await connection.close()
        await dataPlane.shutdown()
        for backend in backends { await backend.stop() }
    }

    @Test("least outstanding requests sends new requests away from a busy target")
    func leastOutstanding() async throws {
        let backends = [try await TestBackend.start(name: "a"), try await TestBackend.start(name: "b")]
        let dataPlane = try await Self.start(
            backends, attributes: TargetGroupAttributes(algorithm: .leastOutstandingRequests))
        let port = dataPlane.port()
        // Two slow requests occupy both targets... then finish one of them quickly.
        let slow = try await TestConnection.connect(port: port)
        let slowTask = Task { try await slow.request(.GET, "/slow?ms=5000") }
        #expect(await eventually { backends.contains { $0.inFlight.load(ordering: .relaxed) == 1 } })
        let busy = backends.first { $0.inFlight.load(ordering: .relaxed) == 1 }!
        let connection = try await TestConnection.connect(port: port)
        var whileBusy = 0
        for _ in 0..<4 {
            let served = try await connection.request(.GET, "/").text
            // Only a request answered while the slow one was still in flight says anything
            // (on a busy machine the slow one may end first).
            guard busy.inFlight.load(ordering: .relaxed) == 1 else { continue }
            whileBusy += 1
            #expect(served != busy.name)
        }
        #expect(whileBusy > 0)
        _ = try await slowTask.value
        await slow.close()
        await connection.close()
        await dataPlane.shutdown()
        for backend in backends { await backend.stop() }
    }

    @Test("sticky sessions: the AWSALB cookie names the target and carries the configured lifetime")
    func stickySessions() async throws {
        let backends = [try await TestBackend.start(name: "a"), try await TestBackend.start(name: "b")]
        let dataPlane = try await Self.start(
            backends, attributes: TargetGroupAttributes(stickinessDuration: .seconds(3600)))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        let first = try await connection.request(.GET, "/")
        let setCookie = try #require(first.header("Set-Cookie"))
        #expect(setCookie.hasPrefix("AWSALB="))
        #expect(setCookie.contains("; Path=/"))
        let expires = try #require(setCookie.firstMatch(of: /Expires=([^;]+)/)?.1)
        let now = Int(time(nil))
        // The cookie expires an hour from now (give or take the seconds this test took).
        let plausible = (-10...10).map { StickyCookie.httpDate(epochSeconds: now + 3600 + $0) }
        #expect(plausible.contains(String(expires)))
        let cookie = String(setCookie.split(separator: ";")[0])
        for _ in 0..<6 {
            #expect(
                try await connection.request(.GET, "/", headers: [("Cookie", "other=1; \(cookie)")]).text == first.text)
        }
        // Without the cookie, round robin resumes.
        var served = Set<String>()
        for _ in 0..<4 { served.insert(try await connection.request(.GET, "/").text) }
        #expect(served == ["a", "b"])
        await connection.close()
        await dataPlane.shutdown()
        for backend in backends { await backend.stop() }
    }

    @Test("weighted forwarding splits requests between target groups by weight")
    func weightedForward() async throws {
        let blue = try await TestBackend.start(name: "blue")
        let green = try await TestBackend.start(name: "green")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        var configuration = simpleConfiguration(
            targets: [target(blue)],
            defaultAction: .forward(
                ForwardAction(targetGroups: [
                    WeightedTargetGroup(id: IDs.group("web"), weight: 3),
                    WeightedTargetGroup(id: IDs.group("green"), weight: 1),
                ])))
        configuration.targetGroups.append(
            TargetGroupConfiguration(
                id: IDs.group("green"), port: 80, healthCheck: fastHealthCheck, targets: [target(green)]))
        try await dataPlane.apply(configuration)
        let connection = try await TestConnection.connect(port: dataPlane.port())
        var served: [String: Int] = [:]
        for _ in 0..<40 { served[try await connection.request(.GET, "/").text, default: 0] += 1 }
        #expect(served == ["blue": 30, "green": 10])
        // With target-group stickiness the AWSALBTG cookie keeps a client on its group.
        configuration.listeners[0].defaultAction = .forward(
            ForwardAction(
                targetGroups: [
                    WeightedTargetGroup(id: IDs.group("web"), weight: 1),
                    WeightedTargetGroup(id: IDs.group("green"), weight: 1),
                ], stickinessDuration: .seconds(60)))
        try await dataPlane.apply(configuration)
        let first = try await connection.request(.GET, "/")
        let groupCookie = try #require(first.headers["Set-Cookie"].first { $0.hasPrefix("AWSALBTG=") })
        let cookie = String(groupCookie.split(separator: ";")[0])
        for _ in 0..<6 {
            #expect(try await connection.request(.GET, "/", headers: [("Cookie", cookie)]).text == first.text)
        }
        await connection.close()
        await dataPlane.shutdown()
        await blue.stop()
        await green.stop()
    }

    @Test("rules route by priority to fixed responses, redirects and groups; the default takes the rest")
    func rules() async throws {
        let backend = try await TestBackend.start(name: "web")
        let rules = [
            ListenerRule(
                id: "r-fixed", priority: 5, conditions: [.pathPattern(["/teapot"])],
                action: .fixedResponse(
                    FixedResponseAction(statusCode: 418, contentType: "application/json", messageBody: "{\"tea\":true}")
                )),
            ListenerRule(
                id: "r-redirect", priority: 10, conditions: [.hostHeader(["old.example.com"])],
                action: .redirect(
                    RedirectAction(host: "new.example.com", path: "/moved/#{path}", statusCode: .permanent))),
            ListenerRule(
                id: "r-api", priority: 20, conditions: [.pathPattern(["/api/*"]), .httpRequestMethod(["GET"])],
                action: .forward(to: IDs.group("web"))),
        ]
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(
            simpleConfiguration(
                targets: [target(backend)], rules: rules,
                defaultAction: .fixedResponse(
                    FixedResponseAction(statusCode: 404, contentType: "text/plain", messageBody: "no route"))))
        #expect(await dataPlane.waitUntil(group: IDs.group("web"), all: .healthy))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        let teapot = try await connection.request(.GET, "/teapot")
        #expect(teapot.status == 418)
        #expect(teapot.header("Content-Type") == "application/json")
        #expect(teapot.header("Server") == "awselb/2.0")
        #expect(teapot.text == "{\"tea\":true}")
        let moved = try await connection.request(.GET, "/a/b?q=1", headers: [("Host", "old.example.com")])
        #expect(moved.status == 301)
        #expect(moved.header("Location") == "http://new.example.com:\(dataPlane.port())/moved/a/b?q=1")
        #expect(try await connection.request(.GET, "/api/x").text == "web")
        let notGet = try await connection.request(.DELETE, "/api/x")
        #expect(notGet.status == 404)
        #expect(notGet.text == "no route")
        let metrics = try #require(dataPlane.metrics().loadBalancers[IDs.loadBalancer])
        #expect(metrics.requestCount == 4)
        #expect(metrics.httpCodeELB3XXCount == 1)
        #expect(metrics.httpCodeELB4XXCount == 2)
        #expect(metrics.httpCodeTarget2XXCount == 1)
        await connection.close()
        await dataPlane.shutdown()
        await backend.stop()
    }
}
