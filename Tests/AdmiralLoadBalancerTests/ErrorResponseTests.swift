import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

@testable import AdmiralLoadBalancer

@Suite("Answers when forwarding cannot work, and bad input")
struct ErrorResponseTests {
    @Test("503 when the target group has no registered targets")
    func noTargets() async throws {
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: []))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        let response = try await connection.request(.GET, "/")
        #expect(response.status == 503)
        #expect(response.header("Server") == "awselb/2.0")
        #expect(
            response.text.contains("503 Service Temporarily Unavailable")
                || response.text.contains("503 Service Unavailable"))
        #expect(connection.isActive)
        #expect(dataPlane.metrics().loadBalancers[IDs.loadBalancer]?.httpCodeELB503Count == 1)
        await connection.close()
        await dataPlane.shutdown()
    }

    @Test("502 when the target refuses the connection, with the connection error counted")
    func refused() async throws {
        // Nothing listens there, and nothing else can while the test runs.
        let reserved = try #require(ReservedPort())
        let port = reserved.port
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(
            simpleConfiguration(targets: [TargetConfiguration(id: "gone", host: "127.0.0.1", port: port)]))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        #expect(try await connection.request(.GET, "/").status == 502)
        #expect(try await connection.request(.GET, "/").status == 502)
        let metrics = try #require(dataPlane.metrics().loadBalancers[IDs.loadBalancer])
        #expect(metrics.httpCodeELB502Count == 2)
        #expect(metrics.targetConnectionErrorCount == 2)
        await connection.close()
        await dataPlane.shutdown()
        withExtendedLifetime(reserved) {}
    }

    @Test("502 when the target answers with something that is not HTTP")
    func invalidResponse() async throws {
        let backend = try await TestBackend.start(name: "bad")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)]))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        #expect(try await connection.request(.GET, "/invalid").status == 502)
        // The client connection survives, and the next request works.
        #expect(try await connection.request(.GET, "/").text == "bad")
        await connection.close()
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("504 when the target does not answer within the idle timeout")
    func gatewayTimeout() async throws {
        let backend = try await TestBackend.start(name: "slow")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        // The idle timeout also closes a client connection that sends nothing for that
        // long, so it leaves a busy machine time to send the request after connecting.
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)], idleTimeout: .seconds(2)))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        let response = try await connection.request(.GET, "/hang")
        #expect(response.status == 504)
        #expect(dataPlane.metrics().loadBalancers[IDs.loadBalancer]?.httpCodeELB504Count == 1)
        await connection.close()
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("a target that dies mid-response closes the client connection")
    func diesMidResponse() async throws {
        let backend = try await TestBackend.start(name: "dies")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)]))
        let connection = try await TestConnection.connect(port: dataPlane.port())
        // The client sees its connection end before the promised body.
        await #expect(throws: (any Error).self) { try await connection.request(.GET, "/die") }
        #expect(await eventually { !connection.isActive })
        // The load balancer itself is fine.
        let next = try await TestConnection.connect(port: dataPlane.port())
        #expect(try await next.request(.GET, "/").text == "dies")
        await next.close()
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test(
        "malformed requests get a 400 and a closed connection",
        arguments: [
            "NOT HTTP\r\n\r\n",
            "GET / HTTP/1.1\r\nHost x\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nnothex\r\n",
        ])
    func malformed(_ request: String) async throws {
        let backend = try await TestBackend.start(name: "ok")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)]))
        let (answer, closed) = try await rawExchange(port: dataPlane.port(), request)
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(answer.contains("Connection: close\r\n"))
        #expect(closed)
        #expect(dataPlane.metrics().loadBalancers[IDs.loadBalancer]?.httpCodeELB4XXCount == 1)
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("oversized headers get a 400")
    func oversizedHeaders() async throws {
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: []))
        let request = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"
        let (answer, closed) = try await rawExchange(port: dataPlane.port(), request)
        #expect(answer.hasPrefix("HTTP/1.1 400 "))
        #expect(closed)
        await dataPlane.shutdown()
    }

    @Test("HTTP/1.0 clients get keep-alive only when they ask for it; HEAD answers carry no body")
    func versionsAndHead() async throws {
        let backend = try await TestBackend.start(name: "v")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)]))
        let port = dataPlane.port()
        let (plain, plainClosed) = try await rawExchange(port: port, "GET / HTTP/1.0\r\n\r\n")
        #expect(plain.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(plain.contains("Connection: close\r\n"))
        #expect(plain.hasSuffix("\r\n\r\nv"))
        #expect(plainClosed)
        // A kept connection is closed by the client after the timeout, which must outlast
        // the answer's arrival on a busy machine.
        let (kept, keptClosed) = try await rawExchange(
            port: port, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", timeout: .seconds(2))
        #expect(kept.contains("Connection: keep-alive\r\n"))
        #expect(!keptClosed)
        // A HEAD answer has a length but no body; the next response follows it directly.
        let (answers, _) = try await rawExchange(
            port: port, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let parts = answers.split(separator: "HTTP/1.1 200 OK", omittingEmptySubsequences: true)
        #expect(parts.count == 2)
        #expect(parts.first?.hasSuffix("\r\n\r\n") == true)
        #expect(parts.last?.hasSuffix("\r\n\r\nv") == true)
        await dataPlane.shutdown()
        await backend.stop()
    }

    @Test("pipelined requests are answered in order")
    func pipelining() async throws {
        let backend = try await TestBackend.start(name: "p")
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [target(backend)]))
        let requests =
            "GET /slow?ms=100 HTTP/1.1\r\nHost: x\r\n\r\nGET /headers HTTP/1.1\r\nHost: x\r\nX-Second: yes\r\n\r\n"
            + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let (answer, closed) = try await rawExchange(port: dataPlane.port(), requests)
        #expect(closed)
        let statuses = answer.split(separator: "HTTP/1.1 200 OK", omittingEmptySubsequences: false).count - 1
        #expect(statuses == 3)
        let first = try #require(answer.firstRange(of: "\r\n\r\np"))
        let second = try #require(answer.firstRange(of: "X-Second: yes"))
        #expect(first.lowerBound < second.lowerBound)
        await dataPlane.shutdown()
        await backend.stop()
    }
}
