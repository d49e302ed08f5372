import Foundation

/// Signs requests with AWS Signature Version 4, for Admiral's own clients (tests, the
/// agent, load generators). It shares its canonicalisation with ``SigV4Verifier``.
public struct SigV4Signer: Sendable {
    /// Header names never signed, as botocore leaves them out: proxies and clients may
    /// change them in flight.
    static let unsignedHeaders: Set<String> = [
        "authorization", "expect", "transfer-encoding", "user-agent", "x-amzn-trace-id",
    ]

    /// The access key id.
    public var accessKeyId: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The region of the credential scope, for example `us-east-1`.
    public var region: String
    /// The service of the credential scope, for example `ecs`.
    public var service: String
    /// A session token, sent as `X-Amz-Security-Token` and signed, if any.
    public var sessionToken: String?

    /// Creates a signer.
    public init(
        accessKeyId: String, secretAccessKey: String, region: String, service: String, sessionToken: String? = nil
    ) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.region = region
        self.service = service
        self.sessionToken = sessionToken
    }

    /// Signs a request and returns the headers to add to it: `X-Amz-Date`, then
    /// `X-Amz-Content-SHA256` when `includeContentSHA256`, `X-Amz-Security-Token` when there
    /// is a session token, and `Authorization`.
    ///
    /// - Parameters:
    ///   - path: The path as it will be sent, already percent-encoded.
    ///   - query: The query as it will be sent, without `?`.
    ///   - headers: The headers that will be sent; they must include `Host`. All are signed
    ///     except `Authorization`, `Expect`, `Transfer-Encoding`, `User-Agent` and
    ///     `X-Amzn-Trace-Id`, and any `X-Amz-Date` given is replaced.
    public func sign(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)],
        body: some Collection<UInt8>, date: Date = Date(), includeContentSHA256: Bool = false
    ) -> [(name: String, value: String)] {
        let timestamp = AWSTimestamp.basicISO8601(date)
        let payloadHash = SigV4Request.sha256Hex(body)
        var added: [(name: String, value: String)] = [("X-Amz-Date", timestamp)]
        if includeContentSHA256 { added.append(("X-Amz-Content-SHA256", payloadHash)) }
        if let sessionToken { added.append(("X-Amz-Security-Token", sessionToken)) }
        let replaced = Set(added.map { $0.name.lowercased() })
        let signing =
            headers.filter { header in
                let name = header.name.lowercased()
                return !Self.unsignedHeaders.contains(name) && !replaced.contains(name)
            } + added
        let signedHeaders = Array(Set(signing.map { $0.name.lowercased() })).sorted()
        let canonicalRequest = SigV4Canonical.canonicalRequest(
            method: method, path: path, query: query, headers: signing, signedHeaders: signedHeaders,
            payloadSHA256Hex: payloadHash)
        let scopeDate = String(timestamp.prefix(8))
        let scope = SigV4Canonical.scope(date: scopeDate, region: region, service: service)
        let stringToSign = SigV4Canonical.stringToSign(
            timestamp: timestamp, scope: scope, canonicalRequest: canonicalRequest)
        let key = SigV4Canonical.signingKey(
            secret: secretAccessKey, date: scopeDate, region: region, service: service)
        let signature = SigV4Canonical.signature(signingKey: key, stringToSign: stringToSign)
        added.append(
            (
                "Authorization",
                "\(SigV4Canonical.algorithm) Credential=\(accessKeyId)/\(scope), "
                    + "SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
            ))
        return added
    }

    /// Signs a request to a URL: the path, query and `Host` come from the URL (the port
    /// included unless it is the scheme's default, as HTTP clients send it). The returned
    /// headers do not include `Host`, which the HTTP client sends itself.
    public func sign(
        method: String, url: URL, headers: [(name: String, value: String)], body: some Collection<UInt8>,
        date: Date = Date(), includeContentSHA256: Bool = false
    ) -> [(name: String, value: String)] {
        let parts = Self.urlParts(url)
        var all = headers
        if !all.contains(where: { $0.name.lowercased() == "host" }) {
            all.append(("Host", parts.host))
        }
        return sign(
            method: method, path: parts.path, query: parts.query, headers: all, body: body, date: date,
            includeContentSHA256: includeContentSHA256)
    }

    /// A presigned URL for a request with an empty body: the URL with the `X-Amz-*`
    /// authentication parameters appended to its query. Only `host` is signed.
    public func presign(method: String, url: URL, expires: Int, date: Date = Date()) -> URL? {
        let parts = Self.urlParts(url)
        let timestamp = AWSTimestamp.basicISO8601(date)
        let scopeDate = String(timestamp.prefix(8))
        let scope = SigV4Canonical.scope(date: scopeDate, region: region, service: service)
        var parameters: [(String, String)] = [
            ("X-Amz-Algorithm", SigV4Canonical.algorithm),
            ("X-Amz-Credential", "\(accessKeyId)/\(scope)"),
            ("X-Amz-Date", timestamp),
            ("X-Amz-Expires", String(expires)),
            ("X-Amz-SignedHeaders", "host"),
        ]
        if let sessionToken { parameters.append(("X-Amz-Security-Token", sessionToken)) }
        let encoded = parameters.map {
            PercentEncoding.encode($0.0.utf8, keepSlash: false) + "="
                + PercentEncoding.encode($0.1.utf8, keepSlash: false)
        }
        let query = ([parts.query].filter { !$0.isEmpty } + encoded).joined(separator: "&")
        let canonicalRequest = SigV4Canonical.canonicalRequest(
            method: method, path: parts.path, query: query, headers: [("host", parts.host)], signedHeaders: ["host"],
            payloadSHA256Hex: SigV4Request.sha256Hex([UInt8]()))
        let stringToSign = SigV4Canonical.stringToSign(
            timestamp: timestamp, scope: scope, canonicalRequest: canonicalRequest)
        let key = SigV4Canonical.signingKey(secret: secretAccessKey, date: scopeDate, region: region, service: service)
        let signature = SigV4Canonical.signature(signingKey: key, stringToSign: stringToSign)
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        components.percentEncodedQuery = query + "&X-Amz-Signature=" + signature
        return components.url
    }

    /// The percent-encoded path and query of a URL, and the `Host` header value for it.
    static func urlParts(_ url: URL) -> (path: String, query: String, host: String) {
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        let path = components?.percentEncodedPath ?? "/"
        let query = components?.percentEncodedQuery ?? ""
        var host = components?.percentEncodedHost ?? ""
        if let port = components?.port {
            let scheme = components?.scheme?.lowercased()
            let isDefault = (scheme == "http" && port == 80) || (scheme == "https" && port == 443)
            if !isDefault { host += ":\(port)" }
        }
        return (path.isEmpty ? "/" : path, query, host)
    }
}
