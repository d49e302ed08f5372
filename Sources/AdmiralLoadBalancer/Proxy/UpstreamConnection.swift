import NIOCore

/// The only handler of a connection to a target: relays the response bytes to the client
/// connection that currently owns it, and holds reads while that client cannot take more
/// (backpressure from the client's socket to the target's).
///
/// NIO handlers are confined to their channel's event loop; the client connection that
/// uses this one lives on the same loop, so they call each other directly.
final class UpstreamConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let endpoint: TargetEndpoint
    let counters: LoadBalancerCounters
    weak var pool: UpstreamPool?
    /// The client connection whose request this connection carries, if any.
    var owner: FrontendHandler?
    private var context: ChannelHandlerContext?
    private var readPending = false
    private var isOpen = true
    /// When this connection went back to the pool.
    var idleSince: NIODeadline?
    private var idleTimer: Scheduled<Void>?
    /// Requests carried so far; more than zero means a reused connection.
    var requestsCarried = 0

    init(endpoint: TargetEndpoint, counters: LoadBalancerCounters) {
        self.endpoint = endpoint
        self.counters = counters
    }

    var isActive: Bool { isOpen }
    /// Kept from writability events, so the request path does not ask the channel.
    private(set) var writable = true

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        counters.activeTargetConnections.add()
        counters.newTargetConnections.add()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if isOpen {
            isOpen = false
        }
        counters.activeTargetConnections.subtract()
        idleTimer?.cancel()
        idleTimer = nil
        pool?.remove(self)
        if let owner {
            self.owner = nil
            owner.upstreamClosed(self)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard let owner else {
            // A pooled connection must stay silent; anything it says makes it unusable.
            close()
            return
        }
        owner.upstreamRead(self, bytes)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        owner?.upstreamReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writable = context.channel.isWritable
        if writable { owner?.upstreamBecameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A malformed response or a reset: the connection is done; channelInactive tells
        // the owner, if one is still attached.
        close()
    }

    func read(context: ChannelHandlerContext) {
        if let owner, !owner.clientIsWritable {
            readPending = true
        } else {
            context.read()
        }
    }

    /// The client can take more: read from the target again.
    func resumeReads() {
        guard readPending, let context else { return }
        readPending = false
        context.read()
    }

    @inline(__always)
    func write(_ bytes: ByteBuffer) {
        context?.write(wrapOutboundOut(bytes), promise: nil)
    }

    @inline(__always)
    func writeAndFlush(_ bytes: ByteBuffer) {
        context?.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
    }

    @inline(__always)
    func flush() {
        context?.flush()
    }

    /// Closes the connection. An owner still attached hears of it from `channelInactive`;
    /// detach first (`owner = nil`) to close quietly.
    func close() {
        guard isOpen else { return }
        isOpen = false
        idleTimer?.cancel()
        idleTimer = nil
        pool?.remove(self)
        context?.close(promise: nil)
    }

    /// Closes the connection once it has been idle in the pool for `timeout`.
    func armIdleTimer(_ timeout: TimeAmount) {
        guard idleTimer == nil, let context else { return }
        let deadline = (idleSince ?? .now()) + timeout
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.idleTimer = nil
            guard self.owner == nil, let since = self.idleSince else { return }
            if NIODeadline.now() >= since + timeout {
                self.close()
            } else {
                self.armIdleTimer(timeout)
            }
        }
    }
}
