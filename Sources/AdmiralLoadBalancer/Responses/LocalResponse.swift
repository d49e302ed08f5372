import NIOCore
import NIOHTTP1

/// A response the load balancer writes itself: a fixed response, a redirect, or one of
/// ALB's error pages.
struct LocalResponse: Sendable {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: ByteBuffer?

    /// ALB's `Server` header on the answers it generates.
    static let serverHeader = "awselb/2.0"

    init(status: HTTPResponseStatus, contentType: String?, body: String?, extraHeaders: [(String, String)] = []) {
        self.status = status
        var headers = HTTPHeaders()
        headers.add(name: "Server", value: Self.serverHeader)
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let bytes = body.map { ByteBuffer(string: $0) }
        headers.add(name: "Content-Length", value: String(bytes?.readableBytes ?? 0))
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        self.headers = headers
        self.body = bytes.flatMap { $0.readableBytes > 0 ? $0 : nil }
    }

    /// A small HTML page like ALB's own for `status`.
    static func errorPage(_ status: HTTPResponseStatus) -> LocalResponse {
        let title = "\(status.code) \(status.reasonPhrase)"
        let html = """
            <html>
            <head><title>\(title)</title></head>
            <body>
            <center><h1>\(title)</h1></center>
            </body>
            </html>

            """
        return LocalResponse(status: status, contentType: "text/html", body: html)
    }

    static let badRequest = errorPage(.badRequest)
    static let badGateway = errorPage(.badGateway)
    static let serviceUnavailable = errorPage(.serviceUnavailable)
    static let gatewayTimeout = errorPage(.gatewayTimeout)
    static let internalServerError = errorPage(.internalServerError)

    /// A configured fixed response.
    init(fixed: FixedResponseAction) {
        self.init(
            status: HTTPResponseStatus(statusCode: fixed.statusCode), contentType: fixed.contentType,
            body: fixed.messageBody)
    }

    /// A redirect to `location`.
    static func redirect(to location: String, status: RedirectAction.StatusCode) -> LocalResponse {
        let code: HTTPResponseStatus = status == .permanent ? .movedPermanently : .found
        let page = errorPage(code)
        var headers = page.headers
        headers.add(name: "Location", value: location)
        return LocalResponse(status: code, headers: headers, body: page.body)
    }

    private init(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer?) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
