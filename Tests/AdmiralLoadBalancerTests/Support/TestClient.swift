import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A response as the test client received it.
struct TestResponse: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: ByteBuffer

    var text: String { String(buffer: body) }
    func header(_ name: String) -> String? { headers.first(name: name) }
}

enum TestClientError: Error {
    case connectionClosed
    case timedOut
}

/// One keep-alive HTTP/1.1 client connection to 127.0.0.1 (NIO's HTTP codec, so it checks
/// the load balancer's framing), sending requests one after the other.
final class TestConnection: Sendable {
    let channel: any Channel
    private let collector: NIOLoopBound<ResponseCollector>

    private init(channel: any Channel, collector: NIOLoopBound<ResponseCollector>) {
        self.channel = channel
        self.collector = collector
    }

    static func connect(port: Int, host: String = "127.0.0.1") async throws -> TestConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector())
                }
            }
            .connect(host: host, port: port).get()
        let collector = try await channel.eventLoop.submit {
            NIOLoopBound(
                try channel.pipeline.syncOperations.handler(type: ResponseCollector.self), eventLoop: channel.eventLoop)
        }.get()
        return TestConnection(channel: channel, collector: collector)
    }

    /// Sends a request and waits (at most `timeout`) for its whole response.
    func request(
        _ method: HTTPMethod = .GET, _ uri: String, headers: [(String, String)] = [], body: ByteBuffer? = nil,
        timeout: TimeAmount = .seconds(10)
    ) async throws -> TestResponse {
        let channel = self.channel
        let collector = self.collector
        let promise = channel.eventLoop.makePromise(of: TestResponse.self)
        channel.eventLoop.execute {
            collector.value.waiting.append(promise)
            var fields = HTTPHeaders(headers)
            if !fields.contains(name: "host") { fields.add(name: "Host", value: "127.0.0.1") }
            if let body, !fields.contains(name: "content-length"), !fields.contains(name: "transfer-encoding") {
                fields.add(name: "Content-Length", value: String(body.readableBytes))
            }
            channel.write(
                HTTPClientRequestPart.head(
                    HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: fields)), promise: nil)
            if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
        let timer = channel.eventLoop.scheduleTask(in: timeout) { promise.fail(TestClientError.timedOut) }
        defer { timer.cancel() }
        return try await promise.futureResult.get()
    }

    var isActive: Bool { channel.isActive }

    func close() async {
        try? await channel.close()
    }
}

private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    var waiting: [EventLoopPromise<TestResponse>] = []
    private var head: HTTPResponseHead?
    private var body = ByteBuffer()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var buffer):
            body.writeBuffer(&buffer)
        case .end:
            guard let head, !waiting.isEmpty else { return }
            self.head = nil
            waiting.removeFirst().succeed(
                TestResponse(status: Int(head.status.code), headers: head.headers, body: body))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(TestClientError.connectionClosed)
    }

    private func fail(_ error: any Error) {
        let waiting = self.waiting
        self.waiting = []
        for promise in waiting { promise.fail(error) }
    }
}

/// Sends raw bytes on a new connection and returns everything received until the server
/// closes the connection (or `timeout`).
func rawExchange(port: Int, _ bytes: String, timeout: TimeAmount = .seconds(5)) async throws -> (String, closed: Bool) {
    let received = ReceivedBytes()
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(RawCollector(received: received))
            }
        }
        .connect(host: "127.0.0.1", port: port).get()
    do {
        try await channel.writeAndFlush(ByteBuffer(string: bytes))
    } catch ChannelError.ioOnClosedChannel {
        // The server closed the connection before the bytes went out: what it answered
        // (nothing) and that it closed are the result.
    }
    // Close our side after `timeout` unless the server closed first.
    let timedOut = received.timedOut
    let timer = channel.eventLoop.scheduleTask(in: timeout) {
        timedOut.withLock { $0 = true }
        channel.close(promise: nil)
    }
    try? await channel.closeFuture.get()
    timer.cancel()
    return (received.bytes.withLock { String(buffer: $0) }, closed: !timedOut.withLock { $0 })
}

private final class ReceivedBytes: Sendable {
    let bytes = Mutex(ByteBuffer())
    let timedOut = Flag()
}

private final class Flag: Sendable {
    private let value = Mutex(false)
    func withLock<T>(_ body: (inout Bool) -> T) -> T { value.withLock { body(&$0) } }
}

private final class RawCollector: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let received: ReceivedBytes
    init(received: ReceivedBytes) { self.received = received }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received.bytes.withLock { _ = $0.writeBuffer(&buffer) }
    }
}

/// Waits until `condition` holds, checking every 20 ms, for at most `timeout`; returns
/// whether it held. Tests assert behaviour with it, never durations.
func eventually(
    timeout: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
