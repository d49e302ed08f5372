import NIOCore

/// Forwarding a request to a target and relaying its response.
extension FrontendHandler {
    /// Responses whose body is at most this large, and already here with the head, are
    /// copied behind the head so that the client gets them in one write.
    static let coalescedBodyLimit = 16 * 1024

    /// Chooses the group and target, rewrites the head, and sends it over a pooled
    /// connection (or a new one).
    func forward(_ head: HTTPHead, plan: ForwardPlan, table: RoutingTable) {
        guard let context else { return }
        guard let group = plan.chooseGroup(request: head), let selection = group.select(request: head) else {
            // ALB: 503 when the target group has no registered targets.
            respondFromLoadBalancer(LocalResponse.serviceUnavailable)
            return
        }
        let endpoint = selection.endpoint
        endpoint.outstanding.add()
        group.counters.requests.add()
        self.group = group
        self.endpoint = endpoint
        state = .forwarding
        retried = false
        bodySentUpstream = false
        upstreamReusable = false
        responseFraming = .none
        responseScanOffset = 0
        if let stickiness = selection.stickiness {
            responseCookies.append(
                StickyCookie.setCookie(
                    name: StickyCookie.targetCookie, value: endpoint.stickyToken, lifetime: stickiness))
        }
        if let stickiness = plan.stickiness {
            responseCookies.append(
                StickyCookie.setCookie(
                    name: StickyCookie.targetGroupCookie, value: group.stickyToken, lifetime: stickiness))
        }
        requestHasBody = head.declaresBody
        let loop = self.loop
        var out = requestHeadSpare ?? context.channel.allocator.buffer(capacity: 512)
        requestHeadSpare = nil
        HeadWriter.forwardedRequest(
            head, clientIP: clientIP, listenerPort: table.portString, traceID: { loop.newTraceID() }, into: &out)
        upstreamHead = out
        connectUpstream(fresh: false)
    }

    /// Sends the request over an idle pooled connection, or opens one (always a new one
    /// with `fresh`, for the one retry after a pooled connection closed under us).
    func connectUpstream(fresh: Bool) {
        guard let endpoint, let table else { return }
        let pool = loop.pool(for: endpoint)
        if !fresh, let connection = pool.takeIdle() {
            attach(connection)
            return
        }
        pauseReads()
        let id = exchangeID
        let counters = table.loadBalancer.counters
        pool.connect(counters: counters) { [self] result in
            switch result {
            case .success(let connection):
                guard self.state == .forwarding, self.exchangeID == id, self.upstream == nil else {
                    pool.release(connection, idleTimeout: self.idleTimeout)
                    return
                }
                self.attach(connection)
            case .failure(let error):
                guard self.state == .forwarding, self.exchangeID == id else { return }
                counters.requests.targetConnectionErrors.add()
                self.group?.counters.targetConnectionErrors.add()
                self.finishOutstanding()
                if let channelError = error as? ChannelError, case .connectTimeout = channelError {
                    // ALB: 504 when a connection to the target is not established in 10 seconds.
                    self.respondFromLoadBalancer(LocalResponse.gatewayTimeout)
                } else {
                    // ALB: 502 when the target refuses or resets the connection.
                    self.respondFromLoadBalancer(LocalResponse.badGateway)
                }
            }
        }
    }

    private func attach(_ connection: UpstreamConnection) {
        guard let head = upstreamHead else { return }
        upstream = connection
        connection.owner = self
        connection.requestsCarried += 1
        if pendingBody.isEmpty {
            connection.writeAndFlush(head)
        } else {
            connection.write(head)
            for part in pendingBody {
                bodySentUpstream = true
                connection.write(part)
            }
            pendingBody.removeAll(keepingCapacity: true)
            connection.flush()
        }
        upstreamUnflushed = false
        sentAt = .now()
        upstreamActivity = sentAt
        armWatchdog(at: sentAt + idleTimeout)
        if connection.writable { resumeReads() } else { pauseReads() }
        if inbound != nil { processInbound() }
    }

    // MARK: - The target's side

    func upstreamRead(_ connection: UpstreamConnection, _ received: ByteBuffer) {
        guard connection === upstream, state == .forwarding, let context else { return }
        upstreamActivity = .now()
        var buffer = received
        if !responseStarted {
            if var partial = responseBuffer {
                partial.writeImmutableBuffer(buffer)
                buffer = partial
                responseBuffer = nil
            }
            while !responseStarted {
                let head: HTTPHead
                do {
                    guard
                        let length = try HTTPHeadParser.headLength(
                            in: buffer, scanFrom: &responseScanOffset, allowBareLF: true),
                        let bytes = buffer.readSlice(length: length)
                    else {
                        responseBuffer = buffer
                        return
                    }
                    head = try HTTPHeadParser.parseResponse(bytes)
                    responseScanOffset = 0
                } catch {
                    // ALB: 502 when the target's response is malformed.
                    failBeforeResponse()
                    return
                }
                if head.status < 200 {
                    guard head.status != 101 else {
                        failBeforeResponse()
                        return
                    }
                    // 100 Continue and other informational answers go straight through.
                    context.write(wrapOutboundOut(head.bytes), promise: nil)
                    clientUnflushed = true
                    if buffer.readableBytes == 0 { return }
                    continue
                }
                startResponse(head, following: &buffer, context: context)
            }
        }
        relayResponseBody(&buffer, context: context)
    }

    private func startResponse(_ head: HTTPHead, following buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        responseStarted = true
        let microseconds = Int((upstreamActivity - sentAt).nanoseconds / 1000)
        if let lb = table?.loadBalancer.counters.requests {
            lb.recordTargetStatus(head.status)
            lb.targetResponseTime.record(microseconds: microseconds)
        }
        if let tg = group?.counters {
            tg.recordTargetStatus(head.status)
            tg.targetResponseTime.record(microseconds: microseconds)
        }
        responseFraming = .response(head, requestWasHead: requestIsHead)
        if case .untilClose = responseFraming {
            // The body ends when the target closes: so must the client's connection.
            keepAlive = false
            upstreamReusable = false
        } else {
            upstreamReusable = head.isKeepAlive
        }
        var reserve = 0
        if case .length(let length) = responseFraming, length <= Self.coalescedBodyLimit,
            buffer.readableBytes >= length
        {
            reserve = length
        }
        var out = responseHeadSpare ?? context.channel.allocator.buffer(capacity: 512)
        responseHeadSpare = nil
        HeadWriter.clientResponse(
            head, cookies: responseCookies, connection: connectionField(), reserve: reserve, into: &out)
        if reserve > 0, var body = buffer.readSlice(length: reserve) {
            out.writeBuffer(&body)
            responseFraming = .none
        }
        if responseFraming.isComplete {
            // The whole response is in this buffer: one trip through the pipeline.
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
            clientUnflushed = false
        } else {
            context.write(wrapOutboundOut(out), promise: nil)
            clientUnflushed = true
        }
        responseHeadSpare = out
    }

    private func relayResponseBody(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        while !responseFraming.isComplete, buffer.readableBytes > 0 {
            do {
                let (bytes, _) = try responseFraming.take(from: &buffer)
                if let bytes {
                    context.write(wrapOutboundOut(bytes), promise: nil)
                    clientUnflushed = true
                }
            } catch {
                // Broken chunked framing from the target mid-response: cut the client off.
                abandonUpstream()
                finishOutstanding()
                context.close(promise: nil)
                return
            }
        }
        if responseFraming.isComplete {
            if buffer.readableBytes > 0 { upstreamReusable = false }
            responseComplete(context: context)
        }
    }

    private func responseComplete(context: ChannelHandlerContext) {
        detachUpstream(reuse: upstreamReusable && requestEnded)
        finishOutstanding()
        if clientUnflushed {
            clientUnflushed = false
            context.flush()
        }
        if requestEnded {
            finishExchange()
        } else {
            // The target answered before the whole request arrived: drop the rest.
            state = .discarding
            resumeReads()
            if inbound != nil { processInbound() }
        }
    }

    func upstreamReadComplete() {
        if clientUnflushed {
            clientUnflushed = false
            context?.flush()
        }
    }

    func upstreamBecameWritable() {
        if state == .forwarding, upstream != nil { resumeReads() }
    }

    /// No usable response came: ALB's 502.
    private func failBeforeResponse() {
        abandonUpstream()
        finishOutstanding()
        respondFromLoadBalancer(LocalResponse.badGateway)
    }

    /// The target's connection closed while it carried our request.
    func upstreamClosed(_ connection: UpstreamConnection) {
        guard connection === upstream, state == .forwarding, let context else { return }
        upstream = nil
        if !responseStarted {
            // A pooled connection the target closed just before we used it: try once more
            // on a new one when the request has no body.
            if connection.requestsCarried > 1, !retried, !bodySentUpstream, !requestHasBody, responseBuffer == nil {
                retried = true
                connectUpstream(fresh: true)
                return
            }
            finishOutstanding()
            respondFromLoadBalancer(LocalResponse.badGateway)
        } else if case .untilClose = responseFraming {
            responseComplete(context: context)
        } else {
            // The response was cut short: all the client can be told is a closed connection.
            finishOutstanding()
            context.close(promise: nil)
        }
    }

    /// Hands the connection back to its pool, or closes it.
    func detachUpstream(reuse: Bool) {
        guard let connection = upstream else { return }
        upstream = nil
        connection.owner = nil
        if reuse, let pool = connection.pool {
            pool.release(connection, idleTimeout: idleTimeout)
        } else {
            connection.close()
        }
    }

    /// Closes the target connection without waiting for the exchange to end.
    func abandonUpstream() {
        detachUpstream(reuse: false)
    }

    /// The request no longer counts as outstanding on its target.
    func finishOutstanding() {
        if let endpoint {
            endpoint.outstanding.subtract()
            self.endpoint = nil
        }
    }

    // MARK: - The target-side idle timeout

    /// The target sent nothing for the idle timeout.
    func targetTimedOut() {
        abandonUpstream()
        finishOutstanding()
        if !responseStarted {
            // ALB: 504 when the target does not answer within the idle timeout.
            respondFromLoadBalancer(LocalResponse.gatewayTimeout)
        } else {
            context?.close(promise: nil)
        }
    }
}
