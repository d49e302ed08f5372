import NIOCore
import NIOPosix
import Testing

@testable import AdmiralLoadBalancer

@Suite("Client connections that stall: the header and idle timeouts")
struct ClientTimeoutTests {
    @Test("a client that sends half a request head is closed after the idle timeout")
    func halfSentHead() async throws {
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        try await dataPlane.apply(simpleConfiguration(targets: [], idleTimeout: .seconds(4)))
        // The bound only ends a wait that would otherwise never end.
        let (answer, closed) = try await rawExchange(
            port: dataPlane.port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Half", timeout: .seconds(20))
        #expect(closed)
        #expect(answer.isEmpty)
        await dataPlane.shutdown()
    }

    @Test("a client that trickles a request head a line at a time is closed after the header timeout")
    func trickledHead() async throws {
        let dataPlane = LoadBalancerDataPlane(logger: quietLogger)
        // Header timeout = min(idle timeout, 60 s) = 4 s; each line comes well within the
        // idle timeout, so only the header timeout can end this connection. (With 2 s, a
        // parallel run on two busy cores once stalled the test longer than that between
        // its connect and its first line.)
        try await dataPlane.apply(simpleConfiguration(targets: [], idleTimeout: .seconds(4)))
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: dataPlane.port()).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET / HTTP/1.1\r\n"))
        let started = ContinuousClock.now
        var line = 0
        while channel.isActive, ContinuousClock.now < started + .seconds(20) {
            try? await Task.sleep(for: .milliseconds(250))
            line += 1
            try? await channel.writeAndFlush(ByteBuffer(string: "X-Line-\(line): x\r\n"))
        }
        #expect(!channel.isActive, "the load balancer kept a connection whose head never ended")
        #expect(ContinuousClock.now - started < .seconds(15))
        try? await channel.close()
        await dataPlane.shutdown()
    }
}
