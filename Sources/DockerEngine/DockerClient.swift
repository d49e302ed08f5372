import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// A client for the Docker Engine API, speaking HTTP over the daemon's unix socket (or TCP).
///
/// One client per daemon; it is cheap to share. The API areas live in their own files:
/// system (`ping`, `version`, `info`), images, containers, events and logs. Every call that
/// is not a stream has a named timeout from ``DockerTimeouts``; every failure is a
/// ``DockerError``.
///
/// The client negotiates the API version on its first call: it uses the lowest version the
/// daemon accepts, but never below ``minimumAPIVersion`` (Debian bookworm's docker.io 20.10
/// speaks 1.41), so requests and answers keep the shapes this module was tested with.
public final class DockerClient: Sendable {
    /// The oldest Engine API version this client speaks.
    public static let minimumAPIVersion = "1.41"

    /// How the daemon is addressed: `http+unix://<percent-encoded socket path>` or `http://host:port`.
    let baseURL: String
    let httpClient: HTTPClient
    let logger: Logger
    private let negotiatedVersion: Mutex<String?>

    /// Creates a client for the daemon at `host`.
    ///
    /// - Parameters:
    ///   - host: `unix:///path/to/docker.sock`, a plain socket path, or `tcp://host:port`
    ///     (the forms of `DOCKER_HOST`).
    ///   - apiVersion: an API version such as `"1.41"` to use without negotiating.
    ///   - httpClient: the HTTP client to send requests with; the shared one by default.
    ///   - logger: where requests are logged at debug level.
    public init(
        host: String,
        apiVersion: String? = nil,
        httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "admiral.docker")
    ) throws(DockerError) {
        self.baseURL = try Self.baseURL(forHost: host)
        self.httpClient = httpClient
        self.logger = logger
        self.negotiatedVersion = Mutex(apiVersion)
    }

    /// The URL prefix for a `DOCKER_HOST` value.
    static func baseURL(forHost host: String) throws(DockerError) -> String {
        if host.hasPrefix("unix://") {
            return try unixBaseURL(String(host.dropFirst("unix://".count)))
        }
        if host.hasPrefix("/") {
            return try unixBaseURL(host)
        }
        if host.hasPrefix("tcp://") {
            return "http://" + host.dropFirst("tcp://".count)
        }
        if host.hasPrefix("http://") {
            return host
        }
        throw DockerError(
            .invalidArgument, "unsupported Docker host \(host); use unix:///path/to/docker.sock or tcp://host:port")
    }

    private static func unixBaseURL(_ path: String) throws(DockerError) -> String {
        guard !path.isEmpty else {
            throw DockerError(.invalidArgument, "the Docker host names no socket path")
        }
        let allowed = CharacterSet.urlHostAllowed.subtracting(CharacterSet(charactersIn: "/%:"))
        guard let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) else {
            throw DockerError(.invalidArgument, "the socket path \(path) cannot be percent-encoded")
        }
        return "http+unix://" + encoded
    }

    // MARK: Requests

    /// Sends a request and collects its whole answer; fails with the daemon's message on
    /// a status of 400 or more.
    func send(
        _ method: HTTPMethod,
        _ path: RequestPath,
        body: ByteBuffer? = nil,
        timeout: TimeAmount,
        versioned: Bool = true,
        maxBytes: Int = 16 * 1024 * 1024
    ) async throws -> (status: HTTPResponseStatus, body: ByteBuffer) {
        let deadline = NIODeadline.now() + timeout
        let response = try await stream(method, path, body: body, deadline: deadline, versioned: versioned)
        do {
            let bytes = try await response.body.collect(upTo: maxBytes)
            return (response.status, bytes)
        } catch {
            throw Self.translate(error, path: path.path)
        }
    }

    /// Sends a request and encodes `value` as its JSON body.
    func send(
        _ method: HTTPMethod,
        _ path: RequestPath,
        json value: some Encodable,
        timeout: TimeAmount
    ) async throws -> (status: HTTPResponseStatus, body: ByteBuffer) {
        let data: Data
        do {
            data = try JSONEncoder().encode(value)
        } catch {
            throw DockerError(.invalidArgument, "cannot encode the request body: \(error)")
        }
        return try await send(method, path, body: ByteBuffer(bytes: data), timeout: timeout)
    }

    /// Sends a request and returns the answer with its body still streaming; fails with
    /// the daemon's message on a status of 400 or more.
    func stream(
        _ method: HTTPMethod,
        _ path: RequestPath,
        body: ByteBuffer? = nil,
        deadline: NIODeadline,
        versioned: Bool = true,
        headers: [(String, String)] = []
    ) async throws -> HTTPClientResponse {
        let prefix = versioned ? "/v" + (try await apiVersion()) : ""
        var request = HTTPClientRequest(url: baseURL + prefix + path.encoded)
        request.method = method
        // Go's HTTP server rejects HTTP/1.1 requests without a Host header, and a unix
        // socket URL has no host to derive one from.
        request.headers.replaceOrAdd(name: "Host", value: "docker")
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        logger.debug(
            "docker request",
            metadata: ["docker.method": "\(method.rawValue)", "docker.path": "\(path.path)"]
        )
        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, deadline: deadline, logger: logger)
        } catch {
            throw Self.translate(error, path: path.path)
        }
        guard response.status.code < 400 else {
            let bytes = (try? await response.body.collect(upTo: 1024 * 1024)) ?? ByteBuffer()
            throw Self.error(status: response.status, body: bytes)
        }
        return response
    }

    /// Decodes a JSON answer, failing with ``DockerError/Code/invalidResponse``.
    func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws(DockerError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            let text = String(decoding: body.readableBytesView.prefix(512), as: UTF8.self)
            throw DockerError(.invalidResponse, "cannot decode \(T.self) from the daemon's answer \(text): \(error)")
        }
    }

    /// The error for an answer with a failing status, carrying the daemon's `message`.
    static func error(status: HTTPResponseStatus, body: ByteBuffer) -> DockerError {
        struct Message: Decodable { var message: String }
        let data = Data(body.readableBytesView)
        let message =
            (try? JSONDecoder().decode(Message.self, from: data))?.message
            ?? String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return DockerError(
            DockerError.code(for: status), message.isEmpty ? status.reasonPhrase : message, statusCode: Int(status.code)
        )
    }

    /// Maps transport failures to ``DockerError``; cancellation passes through unchanged.
    static func translate(_ error: any Error, path: String) -> any Error {
        if error is DockerError || error is CancellationError {
            return error
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return DockerError(.timeout, "the Docker daemon did not answer \(path) in time (\(error))")
            case .cancelled:
                return CancellationError()
            default:
                break
            }
        }
        return DockerError(.transport, "cannot reach the Docker daemon for \(path): \(error)")
    }

    // MARK: API version

    /// The negotiated API version, such as `1.41`.
    public func apiVersion() async throws -> String {
        if let version = negotiatedVersion.withLock({ $0 }) {
            return version
        }
        let (_, body) = try await send(.GET, RequestPath("/version"), timeout: DockerTimeouts.version, versioned: false)
        let info = try decode(VersionInfo.self, from: body)
        let version = try Self.negotiate(server: info.apiVersion, serverMinimum: info.minAPIVersion)
        negotiatedVersion.withLock { $0 = version }
        return version
    }

    /// The version to use with a daemon that speaks `server` and accepts down to `serverMinimum`.
    static func negotiate(server: String, serverMinimum: String?) throws(DockerError) -> String {
        guard let serverVersion = APIVersion(server), let ours = APIVersion(minimumAPIVersion) else {
            throw DockerError(.invalidResponse, "the daemon reports an unreadable API version \(server)")
        }
        guard serverVersion >= ours else {
            throw DockerError(
                .unsupportedVersion,
                "the Docker daemon speaks API \(server); Admiral needs \(minimumAPIVersion) or later (Docker 20.10+)"
            )
        }
        if let serverMinimum, let floor = APIVersion(serverMinimum), floor > ours {
            return serverMinimum
        }
        return minimumAPIVersion
    }
}

/// An Engine API version such as `1.41`, ordered numerically.
struct APIVersion: Comparable, Sendable {
    var major: Int
    var minor: Int

    init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.major = major
        self.minor = minor
    }

    static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}
