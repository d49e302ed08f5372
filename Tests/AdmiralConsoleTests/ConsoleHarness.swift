import AdmiralConsole
import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// The console alone over a fresh SQLite store, driven in-process like a browser: it
/// keeps the cookies the console sets and sends them back.
struct ConsoleHarness {
    static let user = ConsoleUser(
        name: "tester", accessKeyId: "AKIATESTTESTTESTTEST", secretAccessKey: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2Vj")

    let folder: URL
    let store: SQLiteStore
    let controlPlane: ControlPlane

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("admiral.sqlite").path)
        controlPlane = ControlPlane(store: store)
    }

    func cleanup() {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// What the domain calls made by the tests themselves say about who made them.
    var context: AdmiralControlPlane.RequestContext {
        AdmiralControlPlane.RequestContext(
            names: controlPlane.settings.services.names, principalARN: "arn:aws:iam::000000000000:user/setup")
    }

    func run(_ body: @escaping @Sendable (Browser) async throws -> Void) async throws {
        let console = Console(controlPlane: controlPlane, users: [Self.user])
        let app = Application(responder: ConsoleResponder(console: console))
        try await app.test(.router) { client in
            try await body(Browser(client: client))
        }
    }
}

struct ConsoleResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let console: Console

    func respond(to request: Request, context: Context) async throws -> Response {
        await console.respond(to: request)
    }
}

/// A response as the tests look at it.
struct Page {
    var status: Int
    var headers: HTTPFields
    var body: String

    /// The value of the hidden anti-CSRF field of the page's forms.
    var csrfToken: String? {
        guard let range = body.range(of: "name=\"csrfToken\" value=\"") else { return nil }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }

    var setCookies: [String] { headers[values: .setCookie] }
}

/// A client that keeps cookies, like a browser.
final class Browser: @unchecked Sendable {
    // Only one test task uses a browser at a time.
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]

    init(client: any TestClientProtocol) { self.client = client }

    func get(_ uri: String, headers extra: [(HTTPField.Name, String)] = []) async throws -> Page {
        try await send(.get, uri, body: nil, extra: extra)
    }

    func post(_ uri: String, form: [(String, String)]) async throws -> Page {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.post, uri, body: body, extra: [(.contentType, "application/x-www-form-urlencoded")])
    }

    /// Signs in with the given keys (GETting the form first for its token).
    func signIn(accessKeyId: String, secretAccessKey: String) async throws -> Page {
        let form = try await get("/console/sign-in")
        return try await post(
            "/console/sign-in",
            form: [
                ("csrfToken", form.csrfToken ?? ""), ("accessKeyId", accessKeyId),
                ("secretAccessKey", secretAccessKey),
            ])
    }

    func signIn() async throws -> Page {
        try await signIn(
            accessKeyId: ConsoleHarness.user.accessKeyId, secretAccessKey: ConsoleHarness.user.secretAccessKey)
    }

    private func send(_ method: HTTPRequest.Method, _ uri: String, body: String?, extra: [(HTTPField.Name, String)])
        async throws -> Page
    {
        var headers = HTTPFields()
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        for (name, value) in extra { headers[name] = value }
        let page = try await client.execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            Page(
                status: Int(response.status.code), headers: response.headers,
                body: String(buffer: response.body))
        }
        for cookie in page.setCookies {
            let pair = cookie.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            if cookie.contains("Max-Age=0") || value.isEmpty { cookies[name] = nil } else { cookies[name] = value }
        }
        return page
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
