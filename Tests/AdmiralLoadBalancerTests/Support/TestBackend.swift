import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on 127.0.0.1 standing in for a task behind the load balancer. It
/// answers by path:
///
/// - `/health`: the status set with ``setHealthStatus(_:)`` (200 at first);
/// - `/headers`: the request's headers, one `name: value` per line;
/// - `/echo`: the request body, streamed back;
/// - `/slow?ms=N`: its name after N milliseconds;
/// - `/big?bytes=N`: N bytes of a repeating pattern, in 64 KiB pieces;
/// - `/hang`: nothing, ever;
/// - `/invalid`: bytes that are not HTTP;
/// - `/die`: a head promising 1000 bytes, 10 of them, then a closed connection;
/// - anything else: its name.
final class TestBackend: Sendable {
    struct Recorded: Sendable {
        let method: String
        let uri: String
        let headers: [(String, String)]
    }

    let name: String
    private let channel: any Channel
    private let healthStatus = Mutex(200)
    private let recorded = Mutex<[Recorded]>([])
    let inFlight = Atomic<Int>(0)

    var port: Int { channel.localAddress?.port ?? 0 }

    private init(name: String, channel: any Channel) {
        self.name = name
        self.channel = channel
    }

    static func start(name: String, port: Int = 0) async throws -> TestBackend {
        let box = Mutex<TestBackend?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let raw = RawWriter()
                    try channel.pipeline.syncOperations.addHandler(raw)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    guard let backend = box.withLock({ $0 }) else { throw ChannelError.ioOnClosedChannel }
                    try channel.pipeline.syncOperations.addHandler(BackendHandler(backend: backend, raw: raw))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        let backend = TestBackend(name: name, channel: channel)
        box.withLock { $0 = backend }
        return backend
    }

    func stop() async {
        try? await channel.close()
    }

    func setHealthStatus(_ status: Int) { healthStatus.withLock { $0 = status } }
    var currentHealthStatus: Int { healthStatus.withLock { $0 } }

    func record(_ head: HTTPRequestHead) {
        recorded.withLock {
            $0.append(
                Recorded(method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) })
            )
        }
    }

    /// Requests received, health checks excluded.
    var requests: [Recorded] { recorded.withLock { $0.filter { $0.uri != "/health" } } }
    var healthChecks: [Recorded] { recorded.withLock { $0.filter { $0.uri == "/health" } } }
}

/// Sits next to the socket so that a test backend can write bytes the HTTP encoder would refuse.
private final class RawWriter: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    var context: ChannelHandlerContext?
    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
}

private final class BackendHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let backend: TestBackend
    let raw: RawWriter
    var head: HTTPRequestHead?
    var echoing = false
    /// Health checks are not counted in flight.
    var counted = false

    init(backend: TestBackend, raw: RawWriter) {
        self.backend = backend
        self.raw = raw
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            backend.record(head)
            counted = head.uri != "/health"
            if counted { backend.inFlight.wrappingAdd(1, ordering: .relaxed) }
            if head.uri == "/echo" {
                echoing = true
                var headers = HTTPHeaders()
                headers.add(name: "Transfer-Encoding", value: "chunked")
                context.writeAndFlush(
                    wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                    promise: nil)
            }
        case .body(let buffer):
            if echoing { context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
        case .end:
            guard let head else { return }
            self.head = nil
            if echoing {
                echoing = false
                finish(context)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            answer(head, context: context)
        }
    }

    private func finish(_ context: ChannelHandlerContext) {
        if counted { backend.inFlight.wrappingSubtract(1, ordering: .relaxed) }
        counted = false
    }

    private func send(_ status: HTTPResponseStatus, _ body: String, _ context: ChannelHandlerContext) {
        finish(context)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "X-Backend", value: backend.name)
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let query = head.uri.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        func parameter(_ name: String) -> Int {
            for pair in query.split(separator: "&") where pair.hasPrefix("\(name)=") {
                return Int(pair.dropFirst(name.count + 1)) ?? 0
            }
            return 0
        }
        switch path {
        case "/health":
            send(HTTPResponseStatus(statusCode: backend.currentHealthStatus), "health", context)
        case "/headers":
            send(.ok, head.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n"), context)
        case "/slow":
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(parameter("ms")))) {
                let (handler, context) = loopBound.value
                handler.send(.ok, handler.backend.name, context)
            }
        case "/big":
            finish(context)
            let total = parameter("bytes")
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(total))
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil
            )
            // Bytes 0, 1, ... 250, 0, 1, ... in pieces of 251 × 261 bytes.
            let pattern = (0..<251).map { UInt8($0) }
            var block = context.channel.allocator.buffer(capacity: 251 * 261)
            for _ in 0..<261 { block.writeBytes(pattern) }
            var sent = 0
            while sent < total {
                let count = min(block.readableBytes, total - sent)
                context.write(wrapOutboundOut(.body(.byteBuffer(block.getSlice(at: 0, length: count)!))), promise: nil)
                sent += count
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case "/hang":
            break
        case "/invalid":
            raw.context?.writeAndFlush(NIOAny(ByteBuffer(string: "this is not HTTP at all\r\n\r\n")), promise: nil)
            context.close(promise: nil)
        case "/die":
            raw.context?.writeAndFlush(
                NIOAny(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")), promise: nil)
            let channel = context.channel
            context.eventLoop.scheduleTask(in: .milliseconds(50)) { channel.close(promise: nil) }
        default:
            send(.ok, backend.name, context)
        }
    }
}
