import NIOCore
import NIOHTTP1

/// The last handler of a client connection: routes each request by the listener's rules
/// and either answers it (fixed response, redirect, error) or forwards it to a target over
/// a pooled connection on the same event loop, streaming both bodies.
///
/// Everything here runs on the connection's event loop, as do the target connections it
/// uses; there is no hop to async/await on the request path.
final class FrontendHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    enum State {
        /// Waiting for a request head.
        case idle
        /// The response was written by the load balancer (or the target finished early);
        /// the rest of the request body is read and dropped.
        case discarding
        /// A request is being forwarded to ``endpoint``.
        case forwarding
        case closed
    }

    let listener: ListenerRuntime
    let loop: LoopContext
    var context: ChannelHandlerContext?
    var state: State = .idle

    // Connection.
    var remoteAddress: SocketAddress?
    var clientIP = ""
    var counters: LoadBalancerCounters?
    var lastActivity = NIODeadline.now()
    var idleTimer: Scheduled<Void>?
    var idleTimeout: TimeAmount = .seconds(60)
    var listenerClosing = false
    var readsPaused = false
    var readPending = false

    // The current exchange.
    var keepAlive = true
    var clientVersion = HTTPVersion.http1_1
    var requestEnded = false
    var responseStarted = false
    var endWritten: EventLoopFuture<Void>?
    var exchangeID: UInt64 = 0
    var table: RoutingTable?
    var group: TargetGroupRuntime?
    var endpoint: TargetEndpoint?
    var upstream: UpstreamConnection?
    var upstreamHead: HTTPRequestHead?
    var pendingParts: [HTTPClientRequestPart] = []
    var bodySentUpstream = false
    var requestHasBody = false
    var requestIsHead = false
    var upstreamReusable = false
    var retried = false
    var sentAt = NIODeadline.uptimeNanoseconds(0)
    var upstreamActivity = NIODeadline.uptimeNanoseconds(0)
    var upstreamTimer: Scheduled<Void>?
    var responseCookies: [String] = []

    init(listener: ListenerRuntime, loop: LoopContext) {
        self.listener = listener
        self.loop = loop
    }

    var clientIsWritable: Bool { context?.channel.isWritable ?? false }

    // MARK: - Connection lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress
        clientIP = remoteAddress?.ipAddress ?? ""
        let table = listener.currentTable()
        counters = table?.loadBalancer.counters
        counters?.activeClientConnections.add()
        counters?.newClientConnections.add()
        listener.register(context.channel)
        if let table {
            idleTimeout = table.idleTimeout
        } else {
            listenerClosing = true
        }
        lastActivity = .now()
        scheduleIdleCheck(at: lastActivity + idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let wasForwarding = state == .forwarding
        state = .closed
        idleTimer?.cancel()
        idleTimer = nil
        if wasForwarding {
            abandonUpstream()
            finishOutstanding()
        }
        counters?.activeClientConnections.subtract()
        counters = nil
        listener.unregister(context.channel)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ListenerRuntime.Closing {
            listenerClosing = true
            if state == .idle { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if error is HTTPParserError {
            // Malformed or oversized request: ALB answers 400 and closes.
            keepAlive = false
            if state == .forwarding {
                abandonUpstream()
                finishOutstanding()
            }
            if state != .closed, !responseStarted {
                respondFromLoadBalancer(.badRequest)
            }
            closeAfterWrites()
            return
        }
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { upstream?.resumeReads() }
        context.fireChannelWritabilityChanged()
    }

    // MARK: - Backpressure on the client's reads

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            readPending = true
        } else {
            context.read()
        }
    }

    func pauseReads() {
        readsPaused = true
    }

    func resumeReads() {
        guard readsPaused else { return }
        readsPaused = false
        if readPending, let context {
            readPending = false
            context.read()
        }
    }

    // MARK: - Idle timeout

    private func scheduleIdleCheck(at deadline: NIODeadline) {
        guard let context else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.idleTimer = nil
            self.idleCheck()
        }
    }

    private func idleCheck() {
        guard state != .closed, let context else { return }
        if let table = listener.currentTable() { idleTimeout = table.idleTimeout }
        let now = NIODeadline.now()
        if state == .idle {
            if now >= lastActivity + idleTimeout {
                context.close(promise: nil)
                return
            }
            scheduleIdleCheck(at: lastActivity + idleTimeout)
        } else {
            // A request in progress is bounded by the target-side timeout instead.
            scheduleIdleCheck(at: now + idleTimeout)
        }
    }

    // MARK: - Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        switch unwrapInboundIn(data) {
        case .head(let head):
            receiveHead(head)
        case .body(let buffer):
            receiveBody(buffer)
        case .end(let trailers):
            receiveEnd(trailers)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if state == .forwarding { upstream?.flush() }
        context.fireChannelReadComplete()
    }

    private func receiveHead(_ head: HTTPRequestHead) {
        guard state == .idle else { return }
        exchangeID &+= 1
        requestEnded = false
        responseStarted = false
        endWritten = nil
        keepAlive = head.isKeepAlive && !listenerClosing
        clientVersion = head.version
        requestIsHead = head.method == .HEAD
        guard let table = listener.currentTable() else {
            keepAlive = false
            respondFromLoadBalancer(.serviceUnavailable)
            return
        }
        self.table = table
        idleTimeout = table.idleTimeout
        let lbCounters = table.loadBalancer.counters
        lbCounters.requests.requests.add()
        let facts = RequestFacts(head: head, sourceAddress: remoteAddress)
        switch table.action(for: facts) {
        case .fixed(let response):
            lbCounters.recordELBStatus(Int(response.status.code))
            respond(response)
        case .redirect(let builder):
            let parts = RedirectBuilder.RequestParts(
                protocol: "http", host: facts.host.map(String.init) ?? listener.address, port: table.port,
                path: String(facts.path.dropFirst()), query: facts.query.map(String.init) ?? "")
            let response = LocalResponse.redirect(to: builder.location(for: parts), status: builder.action.statusCode)
            lbCounters.recordELBStatus(Int(response.status.code))
            respond(response)
        case .forward(let plan):
            forward(head, plan: plan, table: table)
        }
    }

    private func receiveBody(_ buffer: ByteBuffer) {
        guard state == .forwarding else { return }
        let part = HTTPClientRequestPart.body(.byteBuffer(buffer))
        if let upstream {
            upstream.write(part)
            bodySentUpstream = true
            upstreamActivity = lastActivity
            if !upstream.isWritable { pauseReads() }
        } else {
            pendingParts.append(part)
        }
    }

    private func receiveEnd(_ trailers: HTTPHeaders?) {
        requestEnded = true
        switch state {
        case .discarding:
            finishExchange()
        case .forwarding:
            if let upstream {
                upstream.write(.end(trailers))
                upstream.flush()
            } else {
                pendingParts.append(.end(trailers))
            }
        case .idle, .closed:
            break
        }
    }

    // MARK: - Answers from the load balancer

    /// Writes an ALB error page, counting it as an ELB response.
    func respondFromLoadBalancer(_ status: HTTPResponseStatus) {
        let counters = table?.loadBalancer.counters ?? self.counters
        counters?.recordELBStatus(Int(status.code))
        let page: LocalResponse =
            switch status {
            case .badRequest: .badRequest
            case .badGateway: .badGateway
            case .serviceUnavailable: .serviceUnavailable
            case .gatewayTimeout: .gatewayTimeout
            default: .errorPage(status)
            }
        respond(page)
    }

    /// Writes a complete response; the exchange ends when the request has been read too.
    func respond(_ response: LocalResponse) {
        guard let context, state != .closed, !responseStarted else { return }
        responseStarted = true
        var headers = response.headers
        applyConnectionHeader(to: &headers, hasLength: true)
        let head = HTTPResponseHead(version: responseVersion, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = response.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        writeEnd(nil)
        if requestEnded {
            finishExchange()
        } else {
            state = .discarding
            resumeReads()
        }
    }

    var responseVersion: HTTPVersion { clientVersion.major == 1 && clientVersion.minor == 0 ? .http1_0 : .http1_1 }

    /// Sets `Connection` for the client: `close` when this is the last response, and
    /// `keep-alive` for HTTP/1.0 clients that asked for it (which needs a known length).
    func applyConnectionHeader(to headers: inout HTTPHeaders, hasLength: Bool) {
        if clientVersion.minor == 0, keepAlive, !hasLength { keepAlive = false }
        if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        } else if clientVersion.minor == 0 {
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
    }

    /// Writes the response's end, keeping its future when the connection may close after it.
    func writeEnd(_ trailers: HTTPHeaders?) {
        guard let context else { return }
        if !keepAlive || !requestEnded || listenerClosing {
            let promise = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: promise)
            endWritten = promise.futureResult
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
        }
    }

    /// Both the request and the response are complete.
    func finishExchange() {
        guard state != .closed else { return }
        state = .idle
        table = nil
        group = nil
        endpoint = nil
        upstreamHead = nil
        pendingParts.removeAll(keepingCapacity: true)
        responseCookies.removeAll()
        if !keepAlive || listenerClosing {
            closeAfterWrites()
        } else {
            resumeReads()
        }
    }

    /// Closes once the last response has been written.
    func closeAfterWrites() {
        guard let context else { return }
        if let endWritten {
            endWritten.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }
}
