import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP health check: connect, `GET path`, read the status line, hang up.
enum HealthProbe {
    /// ALB's health checker identifies itself so.
    static let userAgent = "ELB-HealthChecker/2.0"

    /// Runs one check of `host:port` on `eventLoop`, within `timeout`.
    static func run(
        on eventLoop: any EventLoop, host: String, port: Int, path: String, timeout: TimeAmount,
        matcher: HealthCodeMatcher
    ) -> EventLoopFuture<HealthCheckOutcome> {
        let promise = eventLoop.makePromise(of: HealthCheckOutcome.self)
        let deadline = NIODeadline.now() + timeout
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(HTTPRequestEncoder())
                    try sync.addHandler(ByteToMessageHandler(HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes)))
                    try sync.addHandler(HealthProbeHandler(promise: promise, matcher: matcher))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let connected: EventLoopFuture<any Channel>
        if let address = try? SocketAddress(ipAddress: host, port: port) {
            connected = bootstrap.connect(to: address)
        } else {
            connected = bootstrap.connect(host: host, port: port)
        }
        connected.whenComplete { result in
            switch result {
            case .success(let channel):
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
                headers.add(name: "User-Agent", value: userAgent)
                headers.add(name: "Connection", value: "close")
                let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
                channel.write(HTTPClientRequestPart.head(head), promise: nil)
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
                    promise.succeed(.timeout)
                    channel.close(promise: nil)
                }
                promise.futureResult.whenComplete { _ in
                    timer.cancel()
                    channel.close(promise: nil)
                }
            case .failure(let error):
                if let channelError = error as? ChannelError, case .connectTimeout = channelError {
                    promise.succeed(.timeout)
                } else {
                    promise.succeed(.failed)
                }
            }
        }
        return promise.futureResult
    }
}

/// Turns the first response head into an outcome; a close or error before it is a failure.
private final class HealthProbeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<HealthCheckOutcome>
    private let matcher: HealthCodeMatcher

    init(promise: EventLoopPromise<HealthCheckOutcome>, matcher: HealthCodeMatcher) {
        self.promise = promise
        self.matcher = matcher
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            let status = Int(head.status.code)
            promise.succeed(matcher.accepts(status) ? .success : .responseCodeMismatch(status))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.succeed(.failed)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.succeed(.failed)
    }
}
