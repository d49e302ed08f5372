import Crypto
import Foundation

/// The SigV4 algorithm proper, shared by the verifier and the signer: canonical request,
/// string to sign, signing key and signature, with the rules of the non-S3 services.
enum SigV4Canonical {
    /// The only algorithm supported.
    static let algorithm = "AWS4-HMAC-SHA256"
    /// The last element of every credential scope.
    static let terminator = "aws4_request"

    /// The canonical URI of a raw (still percent-encoded) path: dot segments and empty
    /// segments removed, a trailing slash kept, then every byte but the unreserved ones and
    /// `/` percent-encoded again. Encoding the already-encoded path is SigV4's "double
    /// encoding" for services other than S3; botocore does the same.
    static func canonicalURI(_ rawPath: String) -> String {
        PercentEncoding.encode(normalizedPath(rawPath).utf8, keepSlash: true)
    }

    /// The path with `.` and `..` segments resolved and repeated slashes collapsed.
    static func normalizedPath(_ rawPath: String) -> String {
        guard !rawPath.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in rawPath.split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        let leading = rawPath.hasPrefix("/") ? "/" : ""
        let trailing = rawPath.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return leading + segments.joined(separator: "/") + trailing
    }

    /// The canonical query string: each name and value decoded then re-encoded with
    /// `UriEncode`, sorted by name then value, joined with `&`. Parameters named in
    /// `excluding` (compared after decoding) are left out.
    static func canonicalQuery(_ rawQuery: String, excluding: Set<String> = []) -> String {
        var pairs: [(name: String, value: String)] = []
        for pair in PercentEncoding.formPairs(rawQuery, plusAsSpace: false) {
            if !excluding.isEmpty, excluding.contains(String(decoding: pair.name, as: UTF8.self)) { continue }
            pairs.append(
                (
                    PercentEncoding.encode(pair.name, keepSlash: false),
                    PercentEncoding.encode(pair.value, keepSlash: false)
                )
            )
        }
        pairs.sort { lhs, rhs in
            lhs.name == rhs.name
                ? lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
                : lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
        }
        return pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The canonical headers block for the signed header names (lowercase, sorted): one
    /// `name:value\n` line each, values trimmed with inner whitespace runs collapsed to one
    /// space, repeated headers joined with `,` in arrival order.
    static func canonicalHeaders(_ headers: [(name: String, value: String)], signedHeaders: [String]) -> String {
        var valuesByName: [String: [String]] = [:]
        let wanted = Set(signedHeaders)
        for header in headers {
            let name = header.name.lowercased()
            guard wanted.contains(name) else { continue }
            valuesByName[name, default: []].append(canonicalValue(header.value))
        }
        var block = ""
        for name in signedHeaders {
            block += name + ":" + (valuesByName[name] ?? []).joined(separator: ",") + "\n"
        }
        return block
    }

    /// A header value trimmed, with runs of inner whitespace collapsed to one space.
    static func canonicalValue(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })
            .joined(separator: " ")
    }

    /// The canonical request.
    static func canonicalRequest(
        method: String, path: String, query: String, headers: [(name: String, value: String)],
        signedHeaders: [String], payloadSHA256Hex: String, excludingQuery: Set<String> = []
    ) -> String {
        [
            method.uppercased(),
            canonicalURI(path),
            canonicalQuery(query, excluding: excludingQuery),
            canonicalHeaders(headers, signedHeaders: signedHeaders),
            signedHeaders.joined(separator: ";"),
            payloadSHA256Hex,
        ].joined(separator: "\n")
    }

    /// The credential scope `20150830/us-east-1/service/aws4_request`.
    static func scope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/\(terminator)"
    }

    /// The string to sign for a canonical request.
    static func stringToSign(timestamp: String, scope: String, canonicalRequest: String) -> String {
        [
            algorithm, timestamp, scope, Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
    }

    /// The signing key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [date, region, service, terminator] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// The hex signature of a string to sign.
    static func signature(signingKey: SymmetricKey, stringToSign: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey))
    }

    /// The hex form of a key, for tests and diagnostics.
    static func hex(_ key: SymmetricKey) -> String {
        key.withUnsafeBytes { Hex.encode($0) }
    }
}
