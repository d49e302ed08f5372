import NIOHTTP1

/// A rule condition compiled for matching.
enum CompiledCondition: Sendable {
    case path([WildcardPattern])
    case host([WildcardPattern])
    case header(name: String, values: [WildcardPattern])
    case method([String])
    case query([(key: WildcardPattern?, value: WildcardPattern)])
    case source([CIDRBlock])

    /// Compiles `condition`, or throws ``LoadBalancerError/Code/invalidConfiguration``.
    init(_ condition: RuleCondition, rule: String) throws {
        func requireValues(_ values: [Any], _ field: String) throws {
            if values.isEmpty {
                throw LoadBalancerError(
                    .invalidConfiguration, "Rule \(rule): the \(field) condition needs at least one value.")
            }
        }
        switch condition {
        case .pathPattern(let values):
            try requireValues(values, "path-pattern")
            self = .path(values.map { WildcardPattern($0, caseInsensitive: false) })
        case .hostHeader(let values):
            try requireValues(values, "host-header")
            self = .host(values.map { WildcardPattern($0, caseInsensitive: true) })
        case .httpHeader(let name, let values):
            try requireValues(values, "http-header")
            guard !name.isEmpty, name.utf8.allSatisfy(\.isHTTPTokenByte) else {
                throw LoadBalancerError(
                    .invalidConfiguration,
                    "Rule \(rule): '\(name)' is not a valid HTTP header name for an http-header condition.")
            }
            self = .header(name: name, values: values.map { WildcardPattern($0, caseInsensitive: true) })
        case .httpRequestMethod(let values):
            try requireValues(values, "http-request-method")
            self = .method(values)
        case .queryString(let pairs):
            try requireValues(pairs, "query-string")
            self = .query(
                pairs.map { pair in
                    (
                        key: pair.key.map { WildcardPattern($0, caseInsensitive: true, escapes: true) },
                        value: WildcardPattern(pair.value, caseInsensitive: true, escapes: true)
                    )
                })
        case .sourceIP(let values):
            try requireValues(values, "source-ip")
            self = .source(
                try values.map { text in
                    guard let block = CIDRBlock(text) else {
                        throw LoadBalancerError(
                            .invalidConfiguration,
                            "Rule \(rule): '\(text)' is not a CIDR block; write it as 10.0.0.0/8 or 2001:db8::/32.")
                    }
                    return block
                })
        }
    }

    /// Whether the request satisfies this condition (one of its values matches).
    func matches(_ facts: RequestFacts) -> Bool {
        switch self {
        case .path(let patterns):
            return patterns.contains { $0.matches(facts.path) }
        case .host(let patterns):
            guard let host = facts.host else { return false }
            return patterns.contains { $0.matches(host) }
        case .header(let name, let patterns):
            for value in facts.headers[name] where patterns.contains(where: { $0.matches(value) }) {
                return true
            }
            return false
        case .method(let methods):
            return methods.contains(facts.method)
        case .query(let pairs):
            let parameters = facts.queryParameters()
            return pairs.contains { pair in
                parameters.contains { parameter in
                    if let keyPattern = pair.key {
                        guard let key = parameter.key, keyPattern.matches(key) else { return false }
                    }
                    return pair.value.matches(parameter.value)
                }
            }
        case .source(let blocks):
            guard let address = facts.sourceAddress, let bytes = IPAddressBytes(address) else { return false }
            return blocks.contains { $0.contains(bytes) }
        }
    }
}

extension UInt8 {
    /// A `tchar` of RFC 9110: the bytes allowed in header names and methods.
    var isHTTPTokenByte: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(self)
        }
    }
}
