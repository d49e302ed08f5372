import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A response the load balancer writes itself: a fixed response, a redirect, or one of
/// ALB's error pages.
struct LocalResponse: Sendable {
    let status: Int
    let reason: String
    let headers: [(String, String)]
    let body: ByteBuffer?

    /// ALB's `Server` header on the answers it generates.
    static let serverHeader = "awselb/2.0"

    init(status: Int, contentType: String?, body: String?, extraHeaders: [(String, String)] = []) {
        self.status = status
        self.reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        var headers: [(String, String)] = [("Server", Self.serverHeader)]
        if let contentType { headers.append(("Content-Type", contentType)) }
        let bytes = body.map { ByteBuffer(string: $0) }
        headers.append(("Content-Length", String(bytes?.readableBytes ?? 0)))
        headers.append(contentsOf: extraHeaders)
        self.headers = headers
        self.body = bytes.flatMap { $0.readableBytes > 0 ? $0 : nil }
    }

    /// A small HTML page like ALB's own for `status`.
    static func errorPage(_ status: Int, extraHeaders: [(String, String)] = []) -> LocalResponse {
        let title = "\(status) \(HTTPResponseStatus(statusCode: status).reasonPhrase)"
        let html = """
            <html>
            <head><title>\(title)</title></head>
            <body>
            <center><h1>\(title)</h1></center>
            </body>
            </html>

            """
        return LocalResponse(status: status, contentType: "text/html", body: html, extraHeaders: extraHeaders)
    }

    static let badRequest = errorPage(400)
    static let badGateway = errorPage(502)
    static let serviceUnavailable = errorPage(503)
    static let gatewayTimeout = errorPage(504)

    /// A configured fixed response.
    init(fixed: FixedResponseAction) {
        self.init(status: fixed.statusCode, contentType: fixed.contentType, body: fixed.messageBody)
    }

    /// A redirect to `location`.
    static func redirect(to location: String, status: RedirectAction.StatusCode) -> LocalResponse {
        errorPage(status == .permanent ? 301 : 302, extraHeaders: [("Location", location)])
    }

    /// The response as bytes, for a client speaking HTTP/1.`versionMinor`.
    func serialized(
        versionMinor: Int, connection: HeadWriter.ConnectionField, allocator: ByteBufferAllocator
    ) -> ByteBuffer {
        var out = allocator.buffer(capacity: 256 + (body?.readableBytes ?? 0))
        out.writeStaticString(versionMinor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        out.writeString(String(status))
        out.writeStaticString(" ")
        out.writeString(reason)
        out.writeStaticString("\r\nDate: ")
        out.writeString(StickyCookie.httpDate(epochSeconds: Int(time(nil))))
        out.writeStaticString("\r\n")
        for (name, value) in headers {
            out.writeString(name)
            out.writeStaticString(": ")
            out.writeString(value)
            out.writeStaticString("\r\n")
        }
        HeadWriter.writeConnection(connection, into: &out)
        out.writeStaticString("\r\n")
        if let body { out.writeImmutableBuffer(body) }
        return out
    }
}
