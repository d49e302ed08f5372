import NIOCore

/// Writes the heads the proxy sends: the request for the target (the client's head with
/// hop-by-hop fields removed and ALB's forwarding fields added) and the response for the
/// client (the target's head with its connection fields replaced by ours).
enum HeadWriter {
    enum ConnectionField {
        /// Nothing: the version's default applies.
        case none
        case keepAlive
        case close
    }

    private static let crlf: StaticString = "\r\n"

    /// Writes the request head for the target into `out` (cleared first).
    static func forwardedRequest(
        _ head: HTTPHead, clientIP: String, listenerPort: String, traceID: () -> String, into out: inout ByteBuffer
    ) {
        out.clear(minimumCapacity: head.bytes.readableBytes + 160)
        var hasTraceID = false
        var hasForwardedFor = false
        head.bytes.withUnsafeReadableBytes { raw in
            out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[0..<(head.startLineEnd + 2)]))
            for field in head.fields {
                switch field.kind {
                case .connection, .keepAlive, .proxyConnection, .te, .upgrade, .listedInConnection,
                    .xForwardedProto, .xForwardedPort, .xForwardedFor:
                    if field.kind == .xForwardedFor { hasForwardedFor = true }
                    continue
                case .traceID:
                    hasTraceID = true
                default:
                    break
                }
                out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[field.lineStart..<(field.lineEnd + 2)]))
            }
            // ALB appends the client's address to X-Forwarded-For.
            out.writeStaticString("X-Forwarded-For: ")
            if hasForwardedFor {
                for field in head.fields where field.kind == .xForwardedFor {
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[field.valueStart..<field.valueEnd]))
                    out.writeStaticString(", ")
                }
            }
        }
        out.writeString(clientIP)
        out.writeStaticString("\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Port: ")
        out.writeString(listenerPort)
        out.writeStaticString(crlf)
        if !hasTraceID {
            out.writeStaticString("X-Amzn-Trace-Id: ")
            out.writeString(traceID())
            out.writeStaticString(crlf)
        }
        if head.versionMinor == 0 {
            // Keep the pooled connection open after an HTTP/1.0 request.
            out.writeStaticString("Connection: keep-alive\r\n")
        }
        out.writeStaticString(crlf)
    }

    /// Writes the response head for the client into `out` (cleared first), with room for
    /// `reserve` more bytes (a small body copied in to save a write).
    static func clientResponse(
        _ head: HTTPHead, cookies: [String], connection: ConnectionField, reserve: Int, into out: inout ByteBuffer
    ) {
        out.clear(minimumCapacity: head.bytes.readableBytes + 64 + reserve + cookies.count * 96)
        // Each line is copied without its end and given CRLF: a target may end lines
        // with a bare LF, and the client gets CRLF whatever the target sent.
        head.bytes.withUnsafeReadableBytes { raw in
            out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[0..<head.startLineEnd]))
            out.writeStaticString(crlf)
            for field in head.fields {
                switch field.kind {
                case .connection, .keepAlive, .proxyConnection, .te, .upgrade, .listedInConnection:
                    continue
                default:
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: raw[field.lineStart..<field.lineEnd]))
                    out.writeStaticString(crlf)
                }
            }
        }
        for cookie in cookies {
            out.writeStaticString("Set-Cookie: ")
            out.writeString(cookie)
            out.writeStaticString(crlf)
        }
        writeConnection(connection, into: &out)
        out.writeStaticString(crlf)
    }

    static func writeConnection(_ connection: ConnectionField, into out: inout ByteBuffer) {
        switch connection {
        case .none: break
        case .keepAlive: out.writeStaticString("Connection: keep-alive\r\n")
        case .close: out.writeStaticString("Connection: close\r\n")
        }
    }
}
