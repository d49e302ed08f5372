import NIOCore

/// The only handler of a client connection: parses HTTP/1.x requests from the bytes as
/// they arrive, routes each by the listener's rules, and either answers it (fixed
/// response, redirect, error) or forwards it to a target over a pooled connection on the
/// same event loop, passing bodies through as slices of the received buffers.
///
/// Everything here runs on the connection's event loop, as do the target connections it
/// uses: there is no hop to async/await on the request path, no per-request task, and no
/// HTTP object model beyond the offsets of the head.
final class FrontendHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        /// Waiting for a request head.
        case idle
        /// The response was written by the load balancer (or the target finished before
        /// the request did): the rest of the request body is read and dropped.
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
    /// One timer per connection for both timeouts, re-armed lazily: the client idle
    /// timeout between requests, the target's silence while a request is forwarded.
    var watchdog: Scheduled<Void>?
    var clientWritable = true
    var idleTimeout: TimeAmount = .seconds(60)
    /// When the first bytes of the request head being read arrived; `nil` between heads.
    var headStartedAt: NIODeadline?
    var listenerClosing = false
    var readsPaused = false
    var readPending = false
    var inbound: ByteBuffer?
    var headScanOffset = 0
    var processing = false

    // The current exchange.
    var keepAlive = true
    var versionMinor = 1
    var requestIsHead = false
    var requestFraming = MessageFraming.none
    var requestEnded = true
    var responseStarted = false
    var exchangeID: UInt64 = 0
    var table: RoutingTable?
    var group: TargetGroupRuntime?
    var endpoint: TargetEndpoint?
    var upstream: UpstreamConnection?
    var upstreamHead: ByteBuffer?
    var pendingBody: [ByteBuffer] = []
    var bodySentUpstream = false
    var requestHasBody = false
    var upstreamReusable = false
    var retried = false
    var sentAt = NIODeadline.uptimeNanoseconds(0)
    var upstreamActivity = NIODeadline.uptimeNanoseconds(0)
    var responseCookies: [String] = []
    var responseBuffer: ByteBuffer?
    var responseScanOffset = 0
    var responseFraming = MessageFraming.none
    /// Bytes written to the target (or the client) since the last flush: a flush with
    /// nothing to send still costs a trip through the pipeline.
    var upstreamUnflushed = false
    /// Head buffers kept between requests: when the socket has sent the last one, its
    /// storage is ours alone again and is reused instead of allocated.
    var requestHeadSpare: ByteBuffer?
    var responseHeadSpare: ByteBuffer?
    var clientUnflushed = false

    init(listener: ListenerRuntime, loop: LoopContext) {
        self.listener = listener
        self.loop = loop
    }

    var clientIsWritable: Bool { clientWritable }

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
        armWatchdog(at: lastActivity + idleTimeout)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let wasForwarding = state == .forwarding
        state = .closed
        inbound = nil
        watchdog?.cancel()
        watchdog = nil
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
            if state == .idle { closeAfterWrites() }
            return
        }
        if let event = event as? ChannelEvent, case .inputClosed = event {
            // The client half-closed: finish what is in progress, then close.
            keepAlive = false
            if state == .idle { closeAfterWrites() }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        clientWritable = context.channel.isWritable
        if clientWritable { upstream?.resumeReads() }
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

    // MARK: - Timeouts

    /// The longest a client may take to send a request head, counted from its first byte
    /// (nginx's `client_header_timeout` default): a client that sends a head a byte at a
    /// time cannot hold a connection for ever by never going idle.
    static let maximumHeaderTimeout = TimeAmount.seconds(60)

    /// The time a request head may take: the idle timeout, at most 60 seconds.
    var headerTimeout: TimeAmount { min(idleTimeout, Self.maximumHeaderTimeout) }

    /// The head being read started arriving: its deadline may be sooner than the one the
    /// watchdog is armed for (with an idle timeout over 60 s), so the watchdog is re-armed.
    private func headStarted() {
        let now = NIODeadline.now()
        headStartedAt = now
        if headerTimeout < idleTimeout {
            watchdog?.cancel()
            watchdog = nil
        }
        armWatchdog(at: min(lastActivity + idleTimeout, now + headerTimeout))
    }

    /// Arms the watchdog unless it is already armed: it is never later than the deadline
    /// it guards, since deadlines only move forward, and it re-arms itself when it fires early.
    func armWatchdog(at deadline: NIODeadline) {
        guard watchdog == nil, let context else { return }
        watchdog = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.watchdog = nil
            self.watchdogFired()
        }
    }

    private func watchdogFired() {
        guard state != .closed, let context else { return }
        if state == .idle, let table = listener.currentTable() { idleTimeout = table.idleTimeout }
        let now = NIODeadline.now()
        switch state {
        case .idle:
            // ALB closes a client connection that sent nothing for the idle timeout, and
            // one that has not completed its request head within the header timeout.
            var deadline = lastActivity + idleTimeout
            if let headStartedAt { deadline = min(deadline, headStartedAt + headerTimeout) }
            if now >= deadline {
                context.close(promise: nil)
                return
            }
            armWatchdog(at: deadline)
        case .forwarding where upstream != nil:
            let deadline = upstreamActivity + idleTimeout
            if now >= deadline {
                targetTimedOut()
                if state != .closed { armWatchdog(at: now + idleTimeout) }
                return
            }
            armWatchdog(at: deadline)
        case .forwarding, .discarding, .closed:
            // Connecting (bounded by the connect timeout) or draining a request body.
            armWatchdog(at: now + idleTimeout)
        }
    }

    // MARK: - Reading requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .closed else { return }
        lastActivity = .now()
        let buffer = unwrapInboundIn(data)
        if var pending = inbound, pending.readableBytes > 0 {
            pending.writeImmutableBuffer(buffer)
            inbound = pending
        } else {
            inbound = buffer
        }
        processInbound()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if upstreamUnflushed {
            upstreamUnflushed = false
            upstream?.flush()
        }
        context.fireChannelReadComplete()
    }

    /// Parses and routes what has arrived, as far as the current exchange allows.
    func processInbound() {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        while var buffer = inbound, buffer.readableBytes > 0 {
            switch state {
            case .closed:
                inbound = nil
                return
            case .idle:
                let head: HTTPHead
                do {
                    guard let length = try HTTPHeadParser.headLength(in: buffer, scanFrom: &headScanOffset),
                        let bytes = buffer.readSlice(length: length)
                    else {
                        if headStartedAt == nil { headStarted() }
                        return
                    }
                    inbound = buffer.readableBytes > 0 ? buffer : nil
                    headScanOffset = 0
                    headStartedAt = nil
                    head = try HTTPHeadParser.parseRequest(bytes)
                } catch {
                    rejectMalformedRequest()
                    return
                }
                startExchange(head)
            case .forwarding, .discarding:
                guard !requestEnded else {
                    // A pipelined request: it waits until this response is complete.
                    pauseReads()
                    return
                }
                do {
                    let (bytes, done) = try requestFraming.take(from: &buffer)
                    inbound = buffer.readableBytes > 0 ? buffer : nil
                    if let bytes, state == .forwarding { sendBody(bytes) }
                    if done { requestBodyEnded() }
                } catch {
                    // A broken chunked body: nothing sensible can follow on this connection.
                    if state == .forwarding, !responseStarted {
                        abandonUpstream()
                        finishOutstanding()
                    }
                    rejectMalformedRequest()
                    return
                }
            }
        }
    }

    /// ALB answers a malformed request (or an oversized head) with 400 and closes.
    private func rejectMalformedRequest() {
        inbound = nil
        keepAlive = false
        if !responseStarted {
            respondFromLoadBalancer(LocalResponse.badRequest)
        }
        closeAfterWrites()
        state = .closed
    }

    private func startExchange(_ head: HTTPHead) {
        exchangeID &+= 1
        responseStarted = false
        keepAlive = head.isKeepAlive && !listenerClosing
        versionMinor = head.versionMinor
        requestIsHead = head.methodIs("HEAD")
        requestFraming = .request(head)
        requestEnded = requestFraming.isComplete
        guard let table = listener.currentTable() else {
            keepAlive = false
            respondFromLoadBalancer(LocalResponse.serviceUnavailable)
            return
        }
        self.table = table
        idleTimeout = table.idleTimeout
        let lbCounters = table.loadBalancer.counters
        lbCounters.requests.requests.add()
        if table.rules.isEmpty, case .forward(let plan) = table.defaultAction {
            forward(head, plan: plan, table: table)
            return
        }
        let facts = RequestFacts(head: head, sourceAddress: remoteAddress)
        switch table.action(for: facts) {
        case .fixed(let response):
            lbCounters.recordELBStatus(response.status)
            respond(response)
        case .redirect(let builder):
            let parts = RedirectBuilder.RequestParts(
                protocol: "http", host: facts.host.map(String.init) ?? listener.address, port: table.port,
                path: String(facts.path.dropFirst()), query: facts.query.map(String.init) ?? "")
            let response = LocalResponse.redirect(to: builder.location(for: parts), status: builder.action.statusCode)
            lbCounters.recordELBStatus(response.status)
            respond(response)
        case .forward(let plan):
            forward(head, plan: plan, table: table)
        }
    }

    private func sendBody(_ bytes: ByteBuffer) {
        if let upstream {
            upstream.write(bytes)
            upstreamUnflushed = true
            bodySentUpstream = true
            upstreamActivity = lastActivity
            if !upstream.writable { pauseReads() }
        } else {
            pendingBody.append(bytes)
        }
    }

    private func requestBodyEnded() {
        requestEnded = true
        switch state {
        case .discarding:
            finishExchange()
        case .forwarding:
            if upstreamUnflushed {
                upstreamUnflushed = false
                upstream?.flush()
            }
        case .idle, .closed:
            break
        }
    }

    // MARK: - Answers from the load balancer

    /// Writes an ALB error page, counting it as an ELB response.
    func respondFromLoadBalancer(_ page: LocalResponse) {
        (table?.loadBalancer.counters ?? counters)?.recordELBStatus(page.status)
        respond(page)
    }

    /// Writes a complete response; the exchange ends when the request has been read too.
    func respond(_ response: LocalResponse) {
        guard let context, state != .closed, !responseStarted else { return }
        responseStarted = true
        let bytes = response.serialized(
            versionMinor: versionMinor, connection: connectionField(), allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        if requestEnded {
            finishExchange()
        } else {
            state = .discarding
            resumeReads()
        }
    }

    /// The `Connection` field for the client: `close` on the last response, `keep-alive`
    /// for an HTTP/1.0 client that asked for it.
    func connectionField() -> HeadWriter.ConnectionField {
        if !keepAlive || listenerClosing { return .close }
        return versionMinor == 0 ? .keepAlive : .none
    }

    /// Both the request and the response are complete.
    func finishExchange() {
        guard state != .closed else { return }
        state = .idle
        table = nil
        group = nil
        endpoint = nil
        if let upstreamHead { requestHeadSpare = upstreamHead }
        upstreamHead = nil
        responseBuffer = nil
        pendingBody.removeAll(keepingCapacity: true)
        responseCookies.removeAll()
        if !keepAlive || listenerClosing {
            inbound = nil
            closeAfterWrites()
            state = .closed
            return
        }
        resumeReads()
        if inbound != nil { processInbound() }
    }

    /// Closes once everything written so far has gone out.
    func closeAfterWrites() {
        guard let context else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
