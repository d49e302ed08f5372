import NIOCore
import NIOHTTP1

/// Forwarding a request to a target and relaying its response.
extension FrontendHandler {
    /// Chooses the group and target, rewrites the head, and sends it over a pooled
    /// connection (or a new one).
    func forward(_ head: HTTPRequestHead, plan: ForwardPlan, table: RoutingTable) {
        guard let (group, _) = plan.chooseGroup(headers: head.headers),
            let selection = group.select(headers: head.headers)
        else {
            // ALB: 503 when the target group has no registered targets.
            respondFromLoadBalancer(.serviceUnavailable)
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
        if let stickiness = selection.stickiness {
            responseCookies.append(
                StickyCookie.setCookie(name: StickyCookie.targetCookie, value: endpoint.stickyToken, lifetime: stickiness))
        }
        if let stickiness = plan.stickiness {
            responseCookies.append(
                StickyCookie.setCookie(name: StickyCookie.targetGroupCookie, value: group.stickyToken, lifetime: stickiness))
        }
        let headers = head.headers
        requestHasBody =
            headers.contains(name: "transfer-encoding")
            || (headers.first(name: "content-length").flatMap { Int($0) } ?? 0) > 0
        upstreamHead = HTTPRequestHead(
            version: .http1_1, method: head.method, uri: head.uri,
            headers: forwardedHeaders(headers, port: table.portString))
        connectUpstream(fresh: false)
    }

    /// The request headers for the target: hop-by-hop headers removed, and ALB's
    /// `X-Forwarded-For` (appended), `X-Forwarded-Proto`, `X-Forwarded-Port` and
    /// `X-Amzn-Trace-Id` (kept when the client sent one).
    func forwardedHeaders(_ original: HTTPHeaders, port: String) -> HTTPHeaders {
        var headers = original
        Self.removeHopByHop(&headers)
        if headers.contains(name: "x-forwarded-for") {
            let previous = headers["x-forwarded-for"].joined(separator: ", ")
            headers.replaceOrAdd(name: "X-Forwarded-For", value: previous + ", " + clientIP)
        } else {
            headers.add(name: "X-Forwarded-For", value: clientIP)
        }
        headers.replaceOrAdd(name: "X-Forwarded-Proto", value: "http")
        headers.replaceOrAdd(name: "X-Forwarded-Port", value: port)
        if !headers.contains(name: "x-amzn-trace-id") {
            headers.add(name: "X-Amzn-Trace-Id", value: loop.newTraceID())
        }
        return headers
    }

    /// Removes the headers that describe one connection, not the message (RFC 9110 7.6.1),
    /// including those the `Connection` header names.
    static func removeHopByHop(_ headers: inout HTTPHeaders) {
        if headers.contains(name: "connection") {
            for value in headers["connection"] {
                for token in value.split(separator: ",") {
                    let name = token.trimmingSpaces
                    if !name.isEmpty { headers.remove(name: String(name)) }
                }
            }
            headers.remove(name: "connection")
        }
        for name in ["keep-alive", "proxy-connection", "upgrade", "te"] where headers.contains(name: name) {
            headers.remove(name: name)
        }
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
                    self.respondFromLoadBalancer(.gatewayTimeout)
                } else {
                    // ALB: 502 when the target refuses or resets the connection.
                    self.respondFromLoadBalancer(.badGateway)
                }
            }
        }
    }

    private func attach(_ connection: UpstreamConnection) {
        guard let head = upstreamHead else { return }
        upstream = connection
        connection.owner = self
        connection.requestsCarried += 1
        connection.write(.head(head))
        for part in pendingParts {
            if case .body = part { bodySentUpstream = true }
            connection.write(part)
        }
        pendingParts.removeAll(keepingCapacity: true)
        connection.flush()
        sentAt = .now()
        upstreamActivity = sentAt
        armUpstreamTimer(at: sentAt + idleTimeout)
        if connection.isWritable { resumeReads() } else { pauseReads() }
    }

    // MARK: - The target's side

    func upstreamRead(_ connection: UpstreamConnection, _ part: HTTPClientResponsePart) {
        guard connection === upstream, state == .forwarding, let context else { return }
        upstreamActivity = .now()
        switch part {
        case .head(let response):
            let code = Int(response.status.code)
            if code < 200 {
                // 100 Continue and other informational answers go straight through.
                let head = HTTPResponseHead(version: responseVersion, status: response.status, headers: response.headers)
                context.write(wrapOutboundOut(.head(head)), promise: nil)
                return
            }
            responseStarted = true
            let microseconds = Int((upstreamActivity - sentAt).nanoseconds / 1000)
            if let lb = table?.loadBalancer.counters.requests {
                lb.recordTargetStatus(code)
                lb.targetResponseTime.record(microseconds: microseconds)
            }
            if let tg = group?.counters {
                tg.recordTargetStatus(code)
                tg.targetResponseTime.record(microseconds: microseconds)
            }
            upstreamReusable = response.isKeepAlive
            var headers = response.headers
            Self.removeHopByHop(&headers)
            if clientVersion.minor == 0 { headers.remove(name: "transfer-encoding") }
            for cookie in responseCookies { headers.add(name: "Set-Cookie", value: cookie) }
            let hasLength =
                requestIsHead || code == 204 || code == 304 || headers.contains(name: "content-length")
                || clientVersion.minor != 0
            applyConnectionHeader(to: &headers, hasLength: hasLength)
            let head = HTTPResponseHead(version: responseVersion, status: response.status, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
        case .body(let buffer):
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        case .end(let trailers):
            upstreamTimer?.cancel()
            upstreamTimer = nil
            detachUpstream(reuse: upstreamReusable && requestEnded)
            finishOutstanding()
            writeEnd(trailers)
            if requestEnded {
                finishExchange()
            } else {
                // The target answered before the whole request arrived: drop the rest.
                state = .discarding
                resumeReads()
            }
        }
    }

    func upstreamReadComplete() {
        if state == .forwarding { context?.flush() }
    }

    func upstreamBecameWritable() {
        if state == .forwarding, upstream != nil { resumeReads() }
    }

    /// The target's connection closed while it carried our request.
    func upstreamClosed(_ connection: UpstreamConnection) {
        guard connection === upstream, state == .forwarding else { return }
        upstream = nil
        upstreamTimer?.cancel()
        upstreamTimer = nil
        if !responseStarted {
            // A pooled connection the target closed just before we used it: try once more
            // on a new one when nothing of a body was sent.
            if connection.requestsCarried > 1, !retried, !bodySentUpstream, !requestHasBody {
                retried = true
                if requestEnded { pendingParts = [.end(nil)] }
                connectUpstream(fresh: true)
                return
            }
            finishOutstanding()
            respondFromLoadBalancer(.badGateway)
        } else {
            // The response was cut short: all the client can be told is a closed connection.
            finishOutstanding()
            context?.close(promise: nil)
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
        upstreamTimer?.cancel()
        upstreamTimer = nil
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

    private func armUpstreamTimer(at deadline: NIODeadline) {
        guard let context else { return }
        let id = exchangeID
        upstreamTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.upstreamTimerFired(id)
        }
    }

    private func upstreamTimerFired(_ id: UInt64) {
        upstreamTimer = nil
        guard state == .forwarding, exchangeID == id, upstream != nil else { return }
        let deadline = upstreamActivity + idleTimeout
        if NIODeadline.now() < deadline {
            armUpstreamTimer(at: deadline)
            return
        }
        abandonUpstream()
        finishOutstanding()
        if !responseStarted {
            // ALB: 504 when the target does not answer within the idle timeout.
            respondFromLoadBalancer(.gatewayTimeout)
        } else {
            context?.close(promise: nil)
        }
    }
}
