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
        var block: [UInt8] = []
        appendCanonicalHeaders(headers, signedHeaders: signedHeaders, to: &block)
        return String(decoding: block, as: UTF8.self)
    }

    /// Appends the canonical headers block, built on bytes: the signature check runs on
    /// every request, and String and Character operations were most of its cost.
    static func appendCanonicalHeaders(
        _ headers: [(name: String, value: String)], signedHeaders: [String], to block: inout [UInt8]
    ) {
        for name in signedHeaders {
            block.append(contentsOf: name.utf8)
            block.append(UInt8(ascii: ":"))
            var first = true
            for header in headers where isLowercaseName(header.name, name) {
                if !first { block.append(UInt8(ascii: ",")) }
                first = false
                appendCanonicalValue(header.value, to: &block)
            }
            block.append(UInt8(ascii: "\n"))
        }
    }

    /// Whether a header name equals `lowercase`, ignoring the case of ASCII letters.
    static func isLowercaseName(_ name: String, _ lowercase: String) -> Bool {
        var left = name.utf8.makeIterator()
        var right = lowercase.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let byte?, let wanted?):
                let folded = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                guard folded == wanted else { return false }
            default: return false
            }
        }
    }

    /// A header value trimmed, with runs of inner whitespace collapsed to one space.
    static func canonicalValue(_ value: String) -> String {
        var bytes: [UInt8] = []
        appendCanonicalValue(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendCanonicalValue(_ value: String, to block: inout [UInt8]) {
        var pendingSpace = false
        var wroteAny = false
        for byte in value.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                || byte == UInt8(ascii: "\n")
            {
                pendingSpace = wroteAny
                continue
            }
            if pendingSpace { block.append(UInt8(ascii: " ")) }
            pendingSpace = false
            wroteAny = true
            block.append(byte)
        }
    }

    /// The canonical request.
    static func canonicalRequest(
        method: String, path: String, query: String, headers: [(name: String, value: String)],
        signedHeaders: [String], payloadSHA256Hex: String, excludingQuery: Set<String> = []
    ) -> String {
        String(
            decoding: canonicalRequestBytes(
                method: method, path: path, query: query, headers: headers, signedHeaders: signedHeaders,
                payloadSHA256Hex: payloadSHA256Hex, excludingQuery: excludingQuery),
            as: UTF8.self)
    }

    /// The canonical request as the bytes that are hashed.
    static func canonicalRequestBytes(
        method: String, path: String, query: String, headers: [(name: String, value: String)],
        signedHeaders: [String], payloadSHA256Hex: String, excludingQuery: Set<String> = []
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        bytes.append(contentsOf: method.uppercased().utf8)
        bytes.append(UInt8(ascii: "\n"))
        // The path of every awsJson and Query request is `/`, already canonical.
        bytes.append(contentsOf: (path == "/" ? path : canonicalURI(path)).utf8)
        bytes.append(UInt8(ascii: "\n"))
        if !query.isEmpty { bytes.append(contentsOf: canonicalQuery(query, excluding: excludingQuery).utf8) }
        bytes.append(UInt8(ascii: "\n"))
        appendCanonicalHeaders(headers, signedHeaders: signedHeaders, to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        for (index, name) in signedHeaders.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ";")) }
            bytes.append(contentsOf: name.utf8)
        }
        bytes.append(UInt8(ascii: "\n"))
        bytes.append(contentsOf: payloadSHA256Hex.utf8)
        return bytes
    }

    /// The credential scope `20150830/us-east-1/service/aws4_request`.
    static func scope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/\(terminator)"
    }

    /// The string to sign for a canonical request.
    static func stringToSign(timestamp: String, scope: String, canonicalRequest: String) -> String {
        stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: Array(canonicalRequest.utf8))
    }

    /// The string to sign for a canonical request given as bytes.
    static func stringToSign(timestamp: String, scope: String, canonicalRequest: [UInt8]) -> String {
        algorithm + "\n" + timestamp + "\n" + scope + "\n" + Hex.encode(SHA256.hash(data: canonicalRequest))
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
