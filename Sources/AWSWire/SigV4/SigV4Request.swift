import Crypto
import Foundation
import HTTPTypes

/// What the SigV4 verifier needs to know about a request, exactly as it arrived.
public struct SigV4Request: Sendable {
    /// The HTTP method, for example `POST`.
    public var method: String
    /// The path as received, still percent-encoded and without the query, for example `/`.
    public var path: String
    /// The raw query string without the leading `?`; empty when there is none.
    public var query: String
    /// Every header field in arrival order, repeated names included. It must contain the
    /// `Host` header (or the HTTP/2 `:authority`, under the name `host`).
    public var headers: [(name: String, value: String)]
    /// The lowercase hex SHA-256 of the body.
    public var payloadSHA256Hex: String

    /// Creates a request and hashes its body.
    public init(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)],
        body: some Collection<UInt8>
    ) {
        self.init(
            method: method, path: path, query: query, headers: headers,
            payloadSHA256Hex: SigV4Request.sha256Hex(body))
    }

    /// Creates a request whose body the caller has already hashed (for example while streaming it).
    public init(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)],
        payloadSHA256Hex: String
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.payloadSHA256Hex = payloadSHA256Hex.lowercased()
    }

    /// Creates a request from a swift-http-types request and its body.
    ///
    /// HTTP servers built on swift-http-types (Hummingbird among them) move the `Host`
    /// header into ``HTTPRequest/authority``; it is put back here as `host`, because SigV4
    /// always signs it.
    public init(_ request: HTTPRequest, body: some Collection<UInt8>) {
        let target = request.path ?? "/"
        let path: Substring
        let query: Substring
        if let mark = target.firstIndex(of: "?") {
            path = target[..<mark]
            query = target[target.index(after: mark)...]
        } else {
            path = target[...]
            query = ""
        }
        var headers = request.headerFields.map { (name: $0.name.canonicalName, value: $0.value) }
        if let authority = request.authority, !headers.contains(where: { $0.name == "host" }) {
            headers.insert((name: "host", value: authority), at: 0)
        }
        self.init(
            method: request.method.rawValue, path: String(path), query: String(query), headers: headers,
            body: body)
    }

    /// The first value of a header, by case-insensitive name; `name` is lowercase.
    func firstValue(of name: String) -> String? {
        headers.first { SigV4Canonical.isLowercaseName($0.name, name) }?.value
    }

    /// The lowercase hex SHA-256 of some bytes.
    static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        let digest =
            bytes.withContiguousStorageIfAvailable { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            ?? SHA256.hash(data: Array(bytes))
        return Hex.encode(digest)
    }
}
