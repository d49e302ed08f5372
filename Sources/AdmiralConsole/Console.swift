import AdmiralControlPlane
import AdmiralModel
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The web console: HTML pages rendered on the server over the control plane's own
/// operations, under `/console/` on the API's port. Every page and action needs a
/// session (signed in with one of the server's key pairs); every action is a form POST
/// carrying the session's anti-CSRF token.
public struct Console: Sendable {
    /// Where the console lives on the server's port.
    public static let pathPrefix = "/console"
    /// The session cookie's name.
    static let cookieName = "admiral_console"
    /// The cookie that carries the sign-in form's anti-CSRF token before there is a session.
    static let signInCookieName = "admiral_console_signin"
    /// The hidden field that carries the anti-CSRF token in every form.
    static let csrfField = "csrfToken"
    /// Forms are small: a desired count, a reason, a task definition's JSON.
    static let maxFormBytes = 256 * 1024

    let controlPlane: ControlPlane
    let users: [String: ConsoleUser]
    let sessions: SessionStore
    let names: ECSNames
    /// How often a live page is re-rendered when no change was announced (some changes,
    /// a deployment completing on a timer, are not announced on the change feed).
    let liveInterval: Duration
    /// The live sections of the pages open in browsers, rendered once for all who watch.
    let livePages = LivePages()

    /// Creates the console over a control plane, for these users.
    public init(
        controlPlane: ControlPlane, users: [ConsoleUser], sessions: SessionStore = SessionStore(),
        liveInterval: Duration = .milliseconds(500)
    ) {
        self.controlPlane = controlPlane
        self.users = Dictionary(users.map { ($0.accessKeyId, $0) }, uniquingKeysWith: { first, _ in first })
        self.sessions = sessions
        self.names = controlPlane.settings.services.names
        self.liveInterval = liveInterval
    }

    /// Whether a request's path is the console's.
    public static func handles(path: String) -> Bool {
        path == pathPrefix || path.hasPrefix(pathPrefix + "/")
    }

    /// Answers one request under `/console`.
    public func respond(to request: Request) async -> Response {
        let path = request.uri.path
        if path == Self.pathPrefix { return Self.redirect(to: Paths.home) }
        let route = path.dropFirst(Self.pathPrefix.count).split(separator: "/").map {
            String($0).removingPercentEncoding ?? String($0)
        }
        if route.first == "assets", request.method == .get || request.method == .head {
            return Self.asset(
                route.dropFirst().joined(separator: "/"), version: FormData(urlEncoded: request.uri.query ?? "")["v"])
        }
        if route == ["sign-in"] {
            switch request.method {
            case .get, .head: return signInPage(request: request, error: nil, status: .ok)
            case .post: return await signIn(request)
            default: return Self.plain(.methodNotAllowed, "Sign in with GET and POST.")
            }
        }
        guard let session = session(of: request) else {
            if request.method == .get || request.method == .head {
                if Self.wantsEventStream(request) { return Self.plain(.forbidden, "Sign in to the console first.") }
                return Self.redirect(to: Paths.signIn)
            }
            return Self.plain(.forbidden, "Sign in to the console first: this action needs a session.")
        }
        switch request.method {
        case .post:
            var request = request
            guard let body = try? await request.collectBody(upTo: Self.maxFormBytes) else {
                return Self.plain(.contentTooLarge, "The form is larger than the console takes.")
            }
            let form = FormData(urlEncoded: String(buffer: body))
            guard let token = form[Self.csrfField], constantTimeEquals(token, session.csrfToken) else {
                return Self.plain(
                    .forbidden, "The form's anti-CSRF token is missing or wrong: reload the page and try again.")
            }
            return await withTaskExecutorPreference(RenderExecutor.shared) {
                await act(route: route, form: form, session: session)
            }
        case .get, .head:
            var view = ViewContext(
                session: session, query: FormData(urlEncoded: request.uri.query ?? ""), errors: [:])
            view.rawQuery = request.uri.query ?? ""
            if Self.wantsEventStream(request) { return live(route: route, view: view) }
            return await withTaskExecutorPreference(RenderExecutor.shared) { await page(route: route, view: view) }
        default:
            return Self.plain(.methodNotAllowed, "The console takes GET for pages and POST for actions.")
        }
    }

    // MARK: Sessions

    func session(of request: Request) -> SessionStore.Session? {
        guard let id = request.cookies[Self.cookieName]?.value, !id.isEmpty else { return nil }
        return sessions.session(id)
    }

    func signInPage(request: Request, error: String?, status: HTTPResponse.Status) -> Response {
        // The sign-in form has no session to tie a token to, so its token is a random
        // value both in a cookie and in the form (a cross-site page can read neither).
        let token = request.cookies[Self.signInCookieName]?.value ?? SessionStore.randomToken()
        var response = Self.html(status, Layout.signIn(csrfToken: token, error: error))
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: Self.cookie(Self.signInCookieName, token, maxAge: 3600, path: Paths.signIn)))
        return response
    }

    func signIn(_ request: Request) async -> Response {
        var request = request
        guard let body = try? await request.collectBody(upTo: Self.maxFormBytes) else {
            return Self.plain(.contentTooLarge, "The form is larger than the console takes.")
        }
        let form = FormData(urlEncoded: String(buffer: body))
        guard let expected = request.cookies[Self.signInCookieName]?.value, let token = form[Self.csrfField],
            constantTimeEquals(token, expected)
        else {
            return Self.plain(.forbidden, "The sign-in form's anti-CSRF token is missing or wrong: reload the page.")
        }
        let keyId = (form["accessKeyId"] ?? "").trimmingCharacters(in: .whitespaces)
        let secret = (form["secretAccessKey"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let user = users[keyId], constantTimeEquals(secret, user.secretAccessKey) else {
            return signInPage(
                request: request,
                error: "The access key id or secret access key is wrong: use a key pair of the server's principals.",
                status: .unauthorized)
        }
        let session = sessions.start(for: user)
        var response = Self.redirect(to: Paths.home)
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: Self.cookie(
                    Self.cookieName, session.id, maxAge: Int(sessions.lifetime.components.seconds),
                    path: Self.pathPrefix)))
        response.headers.append(
            HTTPField(name: .setCookie, value: Self.cookie(Self.signInCookieName, "", maxAge: 0, path: Paths.signIn)))
        return response
    }

    func signOut(_ session: SessionStore.Session) -> Response {
        sessions.end(session.id)
        var response = Self.redirect(to: Paths.signIn)
        response.headers.append(
            HTTPField(name: .setCookie, value: Self.cookie(Self.cookieName, "", maxAge: 0, path: Self.pathPrefix)))
        return response
    }

    /// A session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's
    /// page sends it), expiring with the session.
    static func cookie(_ name: String, _ value: String, maxAge: Int, path: String) -> String {
        "\(name)=\(value); Path=\(path); Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
    }

    /// The domain's view of a console user: their principal's ARN, as the API would name it.
    func domainContext(_ session: SessionStore.Session) -> AdmiralControlPlane.RequestContext {
        AdmiralControlPlane.RequestContext(
            names: names, principalARN: "arn:aws:iam::\(names.accountId):user/\(session.user.name)")
    }

    static func wantsEventStream(_ request: Request) -> Bool {
        request.headers[.accept]?.contains("text/event-stream") ?? false
    }

    // MARK: Responses

    /// The headers every console response carries: nothing cached, no framing, scripts
    /// and styles only from the console itself.
    static func securityHeaders(contentType: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "same-origin"
        headers[.xFrameOptions] = "DENY"
        return headers
    }

    static func html(_ status: HTTPResponse.Status, _ document: HTML) -> Response {
        let body = ByteBuffer(string: document.markup)
        var headers = securityHeaders(contentType: "text/html; charset=utf-8")
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        let body = ByteBuffer(string: text + "\n")
        var headers = securityHeaders(contentType: "text/plain; charset=utf-8")
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// A 303 to a console path: after a POST the browser GETs the page it names.
    static func redirect(to location: String) -> Response {
        var headers = securityHeaders(contentType: "text/plain; charset=utf-8")
        headers[.location] = location
        headers[.contentLength] = "0"
        return Response(status: .seeOther, headers: headers, body: ResponseBody())
    }

    /// An asset; asked for by its current version it may be kept for a year (a new build
    /// names it by another version), otherwise the browser checks again each time.
    static func asset(_ name: String, version: String?) -> Response {
        guard let asset = Assets.named[name] else { return plain(.notFound, "No such asset.") }
        let body = ByteBuffer(string: asset.content)
        var headers = securityHeaders(contentType: asset.contentType)
        headers[.cacheControl] =
            version != nil && version == Assets.versions[name] ? "public, max-age=31536000, immutable" : "no-cache"
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

extension HTTPField.Name {
    static let xFrameOptions = fixed("X-Frame-Options")
    static let referrerPolicy = fixed("Referrer-Policy")

    private static func fixed(_ name: String) -> HTTPField.Name {
        guard let field = HTTPField.Name(name) else { preconditionFailure("'\(name)' is a valid header name") }
        return field
    }
}
