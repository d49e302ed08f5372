import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Ends a connection whose response says `Connection: close` while its request is still
/// arriving (a body over the size limit, refused with 413 before it was read) the way
/// nginx's lingering close does: the response is flushed and the output shut (the client
/// reads the answer, then end of stream), and whatever the client still sends is read and
/// dropped until it stops or closes. Closing at once instead would leave the unread body
/// in the socket, and the kernel would answer it with a reset that can destroy the 413
/// before the client reads it; not reading at all would leave the client blocked sending
/// and the connection open.
final class LingeringCloseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Close when the client sends nothing for this long (nginx's `lingering_timeout`).
    static let lingerTimeout = TimeAmount.seconds(5)
    /// Close this long after the response at the latest, however fast the client sends
    /// (nginx's `lingering_time`).
    static let lingerTime = TimeAmount.seconds(30)

    private var requestInProgress = false
    private var responseCloses = false
    private var lingering = false
    private var lastRead = NIODeadline.now()
    private var lingerEnds = NIODeadline.now()
    private var timer: Scheduled<Void>?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if lingering {
            lastRead = .now()
            return
        }
        switch unwrapInboundIn(data) {
        case .head:
            requestInProgress = true
        case .end:
            requestInProgress = false
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if lingering {
            // Nobody above reads any more: keep the socket drained ourselves.
            context.read()
            return
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !lingering else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(let response):
            responseCloses = response.headerFields[.connection]?.lowercased() == "close"
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guard responseCloses, requestInProgress else {
                context.write(data, promise: promise)
                return
            }
            // Shut the output once the response has gone out, not before.
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.cascade(to: promise)
            context.writeAndFlush(data, promise: written)
            startLingering(context, after: written.futureResult)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if lingering, let event = event as? ChannelEvent, case .inputClosed = event {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func startLingering(_ context: ChannelHandlerContext, after written: EventLoopFuture<Void>) {
        lingering = true
        written.assumeIsolated().whenComplete { _ in context.close(mode: .output, promise: nil) }
        let now = NIODeadline.now()
        lastRead = now
        lingerEnds = now + Self.lingerTime
        schedule(context, at: now + Self.lingerTimeout)
        context.read()
    }

    private func schedule(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.timer = nil
            let now = NIODeadline.now()
            let next = min(self.lastRead + Self.lingerTimeout, self.lingerEnds)
            if now >= next {
                context.close(promise: nil)
            } else {
                self.schedule(context, at: next)
            }
        }
    }
}
