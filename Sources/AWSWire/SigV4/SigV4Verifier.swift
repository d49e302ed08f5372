import Foundation

/// Verifies AWS Signature Version 4 on incoming requests, as an AWS endpoint does.
///
/// Both forms are accepted: the `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
/// Signature=…` header, and presigned URLs (`X-Amz-Algorithm`, `X-Amz-Credential`,
/// `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Signature` in the query);
/// the header wins when both are present. The rules are those of the non-S3 services.
///
/// Failures are thrown in awsJson form (HTTP 400); use
/// ``AWSWireError/queryProtocolEquivalent`` for Query-protocol services:
///
/// - no signature at all → `MissingAuthenticationTokenException`
/// - a malformed or incomplete one, an unsigned `host`, no `X-Amz-Date`/`Date` →
///   `IncompleteSignatureException`
/// - an unknown access key id → `UnrecognizedClientException`
/// - signed more than `maxClockSkew` before or after now, a presigned URL past its
///   `X-Amz-Expires`, a scope date that is not the request's date, or a wrong signature →
///   `InvalidSignatureException`
/// - an `x-amz-content-sha256` header that is not the body's SHA-256 →
///   `XAmzContentSHA256Mismatch` (S3's code; the header is optional for these services, and
///   `UNSIGNED-PAYLOAD` is not accepted)
public final class SigV4Verifier: Sendable {
    private let credentials: @Sendable (String) -> SigV4Credential?
    /// The largest accepted difference between the signing time and now, in seconds.
    public let maxClockSkew: TimeInterval
    let cache: SigningKeyCache

    /// Creates a verifier that looks secrets up by access key id.
    public convenience init(secrets: @escaping @Sendable (String) -> String?, maxClockSkew: TimeInterval = 900) {
        self.init(
            credentials: { accessKeyId in secrets(accessKeyId).map { SigV4Credential(secretAccessKey: $0) } },
            maxClockSkew: maxClockSkew)
    }

    /// Creates a verifier that looks credentials (secret and principal) up by access key id.
    public init(
        credentials: @escaping @Sendable (String) -> SigV4Credential?, maxClockSkew: TimeInterval = 900,
        signingKeyCacheCapacity: Int = 1024
    ) {
        self.credentials = credentials
        self.maxClockSkew = maxClockSkew
        self.cache = SigningKeyCache(capacity: signingKeyCacheCapacity)
    }

    /// Verifies a request's signature and returns who signed it.
    public func verify(_ request: SigV4Request, now: Date = Date()) throws(AWSWireError) -> SigV4Identity {
        let authorization = try SigV4Authorization.parse(request)
        guard let credential = credentials(authorization.accessKeyId) else {
            throw .unrecognizedClient()
        }
        try checkTime(authorization, now: now)
        if let declared = request.firstValue(of: "x-amz-content-sha256"),
            declared.trimmingSpaces().lowercased() != request.payloadSHA256Hex
        {
            throw .contentSHA256Mismatch()
        }
        let canonicalRequest = SigV4Canonical.canonicalRequestBytes(
            method: request.method, path: request.path, query: request.query, headers: request.headers,
            signedHeaders: authorization.signedHeaders, payloadSHA256Hex: request.payloadSHA256Hex,
            excludingQuery: authorization.fromQuery ? [SigV4Authorization.presignedSignatureParameter] : [])
        let scope = SigV4Canonical.scope(
            date: authorization.scopeDate, region: authorization.region, service: authorization.service)
        let stringToSign = SigV4Canonical.stringToSign(
            timestamp: authorization.timestamp, scope: scope, canonicalRequest: canonicalRequest)
        let key = cache.signingKey(
            secret: credential.secretAccessKey, date: authorization.scopeDate, region: authorization.region,
            service: authorization.service)
        let expected = SigV4Canonical.signature(signingKey: key, stringToSign: stringToSign)
        guard Hex.constantTimeEquals(expected, authorization.signature.lowercased()) else {
            throw .invalidSignature()
        }
        return SigV4Identity(
            accessKeyId: authorization.accessKeyId, region: authorization.region, service: authorization.service,
            principal: credential.principal, requestDate: authorization.date)
    }

    private func checkTime(_ authorization: SigV4Authorization, now: Date) throws(AWSWireError) {
        let skew = authorization.date.timeIntervalSince(now)
        // A presigned URL may be used until it expires, however long ago it was signed;
        // it must not be signed in the future either way.
        if skew > maxClockSkew || (authorization.expires == nil && -skew > maxClockSkew) {
            throw .signatureExpired(signedAt: authorization.date, now: now, maxClockSkew: maxClockSkew)
        }
        if let expires = authorization.expires {
            let expiry = authorization.date.addingTimeInterval(TimeInterval(expires))
            if now > expiry {
                throw .invalidSignature(
                    "Signature expired: \(AWSTimestamp.basicISO8601(expiry)) is now earlier than "
                        + "\(AWSTimestamp.basicISO8601(now)) (\(authorization.timestamp) + \(expires) sec.)")
            }
        }
    }
}
