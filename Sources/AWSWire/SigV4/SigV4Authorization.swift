import Foundation

/// The SigV4 parameters of a request, from its `Authorization` header or, for a presigned
/// URL, from its `X-Amz-*` query parameters.
struct SigV4Authorization: Equatable {
    var accessKeyId: String
    var scopeDate: String
    var region: String
    var service: String
    var signedHeaders: [String]
    var signature: String
    /// The signing time as written (`20150830T123600Z`), which the string to sign repeats.
    var timestamp: String
    var date: Date
    /// The lifetime of a presigned URL, in seconds; nil for header authentication.
    var expires: Int?

    /// Whether the parameters came from the query string of a presigned URL.
    var fromQuery: Bool

    /// The query parameter that carries a presigned URL's signature; it is left out of the canonical query.
    static let presignedSignatureParameter = "X-Amz-Signature"

    /// Reads the SigV4 parameters of a request, or throws the error AWS would answer with.
    static func parse(_ request: SigV4Request) throws(AWSWireError) -> SigV4Authorization {
        if let header = request.firstValue(of: "authorization") {
            return try parseHeader(header, request: request)
        }
        let query = queryParameters(request.query)
        if query["X-Amz-Algorithm"] != nil || query["X-Amz-Signature"] != nil || query["X-Amz-Credential"] != nil {
            return try parseQuery(query)
        }
        throw .missingAuthenticationToken()
    }

    // MARK: Authorization header

    private static func parseHeader(_ header: String, request: SigV4Request) throws(AWSWireError) -> SigV4Authorization
    {
        let trimmed = header.trimmingSpaces()
        let algorithm = String(decoding: trimmed.utf8.prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
        guard algorithm == SigV4Canonical.algorithm else {
            if algorithm.hasPrefix("AWS4-") {
                throw .incompleteSignature("Unsupported AWS 'algorithm': '\(algorithm)'. Use 'AWS4-HMAC-SHA256'.")
            }
            throw .incompleteSignature(
                "Authorization header requires 'Credential' parameter. "
                    + "Authorization header requires 'Signature' parameter. "
                    + "Authorization header requires 'SignedHeaders' parameter. "
                    + dateRequirement(request) + "Authorization=\(header)")
        }
        // Like AWS, components are separated by commas and/or spaces, so a stray space in
        // a credential shows up as a component without `=`. Read as bytes: walking the
        // header by Characters was the largest part of the signature check.
        var credential: String?
        var signature: String?
        var signedHeaders: String?
        let bytes = trimmed.utf8
        var index = bytes.index(bytes.startIndex, offsetBy: algorithm.utf8.count)
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ") {
                index = bytes.index(after: index)
                continue
            }
            let itemEnd =
                bytes[index...].firstIndex { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: " ") } ?? bytes.endIndex
            let item = bytes[index..<itemEnd]
            guard let equals = item.firstIndex(of: UInt8(ascii: "=")) else {
                throw .incompleteSignature(
                    "'\(String(decoding: item, as: UTF8.self))' not a valid key=value pair (missing equal-sign) "
                        + "in Authorization header: '\(header)'.")
            }
            let name = item[..<equals]
            let value = String(decoding: item[bytes.index(after: equals)...], as: UTF8.self)
            if name.elementsEqual("Credential".utf8) {
                credential = value
            } else if name.elementsEqual("Signature".utf8) {
                signature = value
            } else if name.elementsEqual("SignedHeaders".utf8) {
                signedHeaders = value
            }
            index = itemEnd
        }
        let dateProblem = dateRequirement(request)
        guard let credential, !credential.isEmpty, let signature, !signature.isEmpty, let signedHeaders,
            !signedHeaders.isEmpty, dateProblem.isEmpty
        else {
            var problems = ""
            for (name, value) in [("Credential", credential), ("Signature", signature), ("SignedHeaders", signedHeaders)]
            where (value ?? "").isEmpty {
                problems += "Authorization header requires '\(name)' parameter. "
            }
            throw .incompleteSignature(problems + dateProblem + "Authorization=\(header)")
        }
        let (timestamp, date) = try signingTime(request)
        return try make(
            credential: credential, signedHeaders: signedHeaders, signature: signature, timestamp: timestamp,
            date: date, expires: nil, fromQuery: false)
    }

    private static func dateRequirement(_ request: SigV4Request) -> String {
        request.firstValue(of: "x-amz-date") == nil && request.firstValue(of: "date") == nil
            ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " : ""
    }

    /// The signing time from `X-Amz-Date`, or else from the HTTP `Date` header.
    private static func signingTime(_ request: SigV4Request) throws(AWSWireError) -> (String, Date) {
        if let amzDate = request.firstValue(of: "x-amz-date") {
            let value = amzDate.trimmingSpaces()
            guard let date = AWSTimestamp.parseBasicISO8601(value) else {
                throw .incompleteSignature(
                    "Date must be in ISO-8601 'basic format'. Got '\(value)'. See http://en.wikipedia.org/wiki/ISO_8601"
                )
            }
            return (value, date)
        }
        let httpDate = request.firstValue(of: "date") ?? ""
        guard let date = AWSTimestamp.parseRFC1123(httpDate.trimmingSpaces()) else {
            throw .incompleteSignature(
                "Date must be an RFC 1123 date such as 'Sun, 30 Aug 2015 12:36:00 GMT'. Got '\(httpDate)'.")
        }
        return (AWSTimestamp.basicISO8601(date), date)
    }

    // MARK: Presigned query

    private static func parseQuery(_ query: [String: String]) throws(AWSWireError) -> SigV4Authorization {
        let required = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders"]
        guard required.allSatisfy({ !(query[$0] ?? "").isEmpty }), let algorithm = query["X-Amz-Algorithm"],
            let credential = query["X-Amz-Credential"], let signature = query["X-Amz-Signature"],
            let timestamp = query["X-Amz-Date"], let signedHeaders = query["X-Amz-SignedHeaders"]
        else {
            throw .incompleteSignature(
                "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
                    + "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.")
        }
        guard algorithm == SigV4Canonical.algorithm else {
            throw .incompleteSignature("Unsupported AWS 'algorithm': '\(algorithm)'. Use 'AWS4-HMAC-SHA256'.")
        }
        guard let date = AWSTimestamp.parseBasicISO8601(timestamp) else {
            throw .incompleteSignature(
                "Date must be in ISO-8601 'basic format'. Got '\(timestamp)'. See http://en.wikipedia.org/wiki/ISO_8601"
            )
        }
        var expires: Int?
        if let text = query["X-Amz-Expires"] {
            guard let seconds = Int(text), (1...604_800).contains(seconds) else {
                throw .incompleteSignature(
                    "X-Amz-Expires must be a whole number of seconds from 1 to 604800. Got '\(text)'.")
            }
            expires = seconds
        }
        return try make(
            credential: credential, signedHeaders: signedHeaders, signature: signature, timestamp: timestamp,
            date: date, expires: expires, fromQuery: true)
    }

    /// The decoded query parameters; the first of repeated names wins.
    static func queryParameters(_ rawQuery: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in PercentEncoding.formPairs(rawQuery, plusAsSpace: false) {
            let name = String(decoding: pair.name, as: UTF8.self)
            if result[name] == nil { result[name] = String(decoding: pair.value, as: UTF8.self) }
        }
        return result
    }

    // MARK: Shared checks

    private static func make(
        credential: String, signedHeaders: String, signature: String, timestamp: String, date: Date,
        expires: Int?, fromQuery: Bool
    ) throws(AWSWireError) -> SigV4Authorization {
        let parts = credential.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard parts.count == 5 else {
            throw .incompleteSignature(
                "Credential must have exactly 5 slash-delimited elements, "
                    + "e.g. keyid/date/region/service/term, got '\(credential)'")
        }
        guard parts[4] == SigV4Canonical.terminator else {
            throw .incompleteSignature(
                "Credential should be scoped with a valid terminator: 'aws4_request', not '\(parts[4])'.")
        }
        let headers = signedHeaders.utf8.split(separator: UInt8(ascii: ";"))
            .map { String(decoding: $0, as: UTF8.self).lowercased() }.sorted()
        guard headers.contains("host") else {
            throw .incompleteSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")
        }
        let requestDay = String(decoding: timestamp.utf8.prefix(8), as: UTF8.self)
        guard parts[1] == requestDay else {
            throw .invalidSignature(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                    + "'\(parts[1])' != '\(requestDay)', from '\(timestamp)'.")
        }
        return SigV4Authorization(
            accessKeyId: parts[0], scopeDate: parts[1], region: parts[2], service: parts[3],
            signedHeaders: headers, signature: signature, timestamp: timestamp, date: date, expires: expires,
            fromQuery: fromQuery)
    }
}
