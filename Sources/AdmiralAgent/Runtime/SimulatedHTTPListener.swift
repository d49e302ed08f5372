import NIOCore
import NIOHTTP1
import NIOPosix

/// What a simulated container with `--simulated-http` listens with on each of its TCP host
/// ports: an HTTP/1.1 server that answers every request `200 OK` with the container's id,
/// so that load balancers, their health checks and the traffic of reliability runs have
/// something to reach without real containers. Still a simulation: nothing of the task's
/// image runs.
enum SimulatedHTTPListener {
    /// Listens on `host`:`port` (0: any free port); the channel's local port is the one bound.
    static func bind(host: String, port: Int, body: String) async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(Responder(body: body))
                }
            }
            .bind(host: host, port: port).get()
    }

    /// Answers each request once it has been read whole.
    final class Responder: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let body: String
        var keepAlive = true

        init(body: String) { self.body = body }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                keepAlive = head.isKeepAlive
            case .body:
                break
            case .end:
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "text/plain")
                headers.add(name: "Content-Length", value: String(body.utf8.count))
                if !keepAlive { headers.add(name: "Connection", value: "close") }
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
                if !keepAlive {
                    let channel = context.channel
                    written.whenComplete { _ in channel.close(promise: nil) }
                }
            }
        }
    }
}
