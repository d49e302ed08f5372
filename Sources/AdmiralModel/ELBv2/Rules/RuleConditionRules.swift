/// ALB's rules for listener rule conditions ("Condition types for listener rules" and the
/// ALB quotas):
///
/// - the fields `host-header`, `path-pattern`, `http-header`, `http-request-method`,
///   `query-string` and `source-ip`; at most one of each except `http-header` and
///   `query-string`;
/// - the old form (`Values`, one value, for `host-header` and `path-pattern` only) or the
///   `*Config` form matching the field;
/// - at most 3 values (match evaluations) per condition, 5 per rule, and 5 wildcards
///   (`*`, `?`) per rule;
/// - host names: up to 128 of `A-Z a-z 0-9 - . * ?`, with at least one `.` and only
///   letters (or wildcards) after the last; paths: up to 128 of
///   `A-Z a-z 0-9 _ - . $ / ~ " ' @ : + & * ?`; header names: an RFC 7230 token of up to
///   40 characters, not `Host`; header and query string values: up to 128 visible ASCII
///   characters; methods: up to 40 of `A-Z - _`; source addresses: IPv4 or IPv6 CIDR blocks.
///
/// Regular-expression conditions (`RegexValues`) are refused.
public enum RuleConditionRules {
    /// The condition fields.
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case hostHeader = "host-header"
        case pathPattern = "path-pattern"
        case httpHeader = "http-header"
        case httpRequestMethod = "http-request-method"
        case queryString = "query-string"
        case sourceIp = "source-ip"

        /// Whether a rule may have several conditions of this field.
        public var repeatable: Bool { self == .httpHeader || self == .queryString }

        /// The name of the configuration member for this field.
        var configName: String {
            switch self {
            case .hostHeader: "HostHeaderConfig"
            case .pathPattern: "PathPatternConfig"
            case .httpHeader: "HttpHeaderConfig"
            case .httpRequestMethod: "HttpRequestMethodConfig"
            case .queryString: "QueryStringConfig"
            case .sourceIp: "SourceIpConfig"
            }
        }
    }

    /// The longest host name, path, header value or query string key or value.
    public static let maximumValueLength = 128
    /// The longest header name or method.
    public static let maximumNameLength = 40

    /// The conditions of a rule, validated and in the form Admiral returns and the data
    /// plane reads: every condition has its `*Config`; host and path conditions also
    /// carry `Values`. Throws `ValidationError` (or `InvalidConfigurationRequest` for
    /// regular expressions) with the reason.
    public static func normalize(_ conditions: [ELBv2.RuleCondition]) throws -> [ELBv2.RuleCondition] {
        guard !conditions.isEmpty else {
            throw AdmiralError.validation("A rule must have at least one condition.")
        }
        var seen = Set<Field>()
        var evaluations = 0
        var wildcards = 0
        var result: [ELBv2.RuleCondition] = []
        for condition in conditions {
            let (normalized, field, values, stars) = try normalize(condition)
            if !field.repeatable, !seen.insert(field).inserted {
                throw AdmiralError.validation(
                    "A rule can have only one '\(field.rawValue)' condition; put the values in one condition.")
            }
            evaluations += values
            wildcards += stars
            result.append(normalized)
        }
        guard evaluations <= ELBv2Limits.conditionValuesPerRule else {
            throw AdmiralError.validation(
                "A rule can have at most \(ELBv2Limits.conditionValuesPerRule) condition values in total; "
                    + "this one has \(evaluations).")
        }
        guard wildcards <= ELBv2Limits.conditionWildcardsPerRule else {
            throw AdmiralError.validation(
                "A rule can have at most \(ELBv2Limits.conditionWildcardsPerRule) wildcards ('*' or '?') in its "
                    + "conditions; this one has \(wildcards).")
        }
        return result
    }

    /// One condition normalized, with its field, its number of values and of wildcards.
    static func normalize(_ condition: ELBv2.RuleCondition) throws -> (ELBv2.RuleCondition, Field, Int, Int) {
        guard let name = condition.field else {
            throw AdmiralError.validation(
                "Each condition needs a Field: one of \(Field.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard let field = Field(rawValue: name) else {
            throw AdmiralError.validation(
                "Condition field '\(name)' must be one of \(Field.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        if condition.regexValues != nil || condition.hostHeaderConfig?.regexValues != nil
            || condition.pathPatternConfig?.regexValues != nil || condition.httpHeaderConfig?.regexValues != nil
        {
            throw AdmiralError.invalidConfiguration(
                "Regular-expression conditions (RegexValues) are not supported by Admiral; use Values with the "
                    + "wildcards '*' and '?'.")
        }
        let configs: [(Field, Bool)] = [
            (.hostHeader, condition.hostHeaderConfig != nil), (.pathPattern, condition.pathPatternConfig != nil),
            (.httpHeader, condition.httpHeaderConfig != nil),
            (.httpRequestMethod, condition.httpRequestMethodConfig != nil),
            (.queryString, condition.queryStringConfig != nil), (.sourceIp, condition.sourceIpConfig != nil),
        ]
        for (other, present) in configs where present && other != field {
            throw AdmiralError.validation(
                "A '\(field.rawValue)' condition takes \(field.configName), not \(other.configName).")
        }
        if condition.values != nil, field != .hostHeader, field != .pathPattern {
            throw AdmiralError.validation(
                "Values can be given only for host-header and path-pattern conditions; describe a "
                    + "'\(field.rawValue)' condition with \(field.configName).")
        }
        switch field {
        case .hostHeader, .pathPattern:
            let configValues =
                field == .hostHeader ? condition.hostHeaderConfig?.values : condition.pathPatternConfig?.values
            if let legacy = condition.values {
                guard legacy.count <= 1 else {
                    throw AdmiralError.validation(
                        "A '\(field.rawValue)' condition's Values can hold one value; give several in \(field.configName)."
                    )
                }
                if let configValues, configValues != legacy {
                    throw AdmiralError.validation(
                        "A '\(field.rawValue)' condition's Values and \(field.configName) differ; give one of them.")
                }
            }
            let values = configValues ?? condition.values ?? []
            try checkCount(values.count, field)
            for value in values {
                if field == .hostHeader { try validateHost(value) } else { try validatePath(value) }
            }
            var normalized = ELBv2.RuleCondition(field: field.rawValue, values: values)
            if field == .hostHeader {
                normalized.hostHeaderConfig = ELBv2.HostHeaderConditionConfig(values: values)
            } else {
                normalized.pathPatternConfig = ELBv2.PathPatternConditionConfig(values: values)
            }
            return (normalized, field, values.count, values.map(wildcardCount).reduce(0, +))
        case .httpHeader:
            guard let config = condition.httpHeaderConfig else { throw missingConfig(field) }
            guard let headerName = config.httpHeaderName, !headerName.isEmpty else {
                throw AdmiralError.validation("An http-header condition needs an HttpHeaderName.")
            }
            try validateHeaderName(headerName)
            let values = config.values ?? []
            try checkCount(values.count, field)
            for value in values { try validateVisible(value, what: "HTTP header value") }
            let normalized = ELBv2.RuleCondition(
                field: field.rawValue,
                httpHeaderConfig: ELBv2.HttpHeaderConditionConfig(httpHeaderName: headerName, values: values))
            return (normalized, field, values.count, values.map(wildcardCount).reduce(0, +))
        case .httpRequestMethod:
            guard let config = condition.httpRequestMethodConfig else { throw missingConfig(field) }
            let values = config.values ?? []
            try checkCount(values.count, field)
            for value in values { try validateMethod(value) }
            let normalized = ELBv2.RuleCondition(
                field: field.rawValue, httpRequestMethodConfig: ELBv2.HttpRequestMethodConditionConfig(values: values))
            return (normalized, field, values.count, 0)
        case .queryString:
            guard let config = condition.queryStringConfig else { throw missingConfig(field) }
            let pairs = config.values ?? []
            try checkCount(pairs.count, field)
            var stars = 0
            for pair in pairs {
                guard let value = pair.value, !value.isEmpty else {
                    throw AdmiralError.validation(
                        "Each query-string condition value needs a Value (the Key is optional).")
                }
                try validateVisible(value, what: "query string value")
                stars += unescapedWildcardCount(value)
                if let key = pair.key {
                    guard !key.isEmpty else {
                        throw AdmiralError.validation(
                            "A query-string condition Key cannot be empty; leave it out instead.")
                    }
                    try validateVisible(key, what: "query string key")
                    stars += unescapedWildcardCount(key)
                }
            }
            let normalized = ELBv2.RuleCondition(
                field: field.rawValue, queryStringConfig: ELBv2.QueryStringConditionConfig(values: pairs))
            return (normalized, field, pairs.count, stars)
        case .sourceIp:
            guard let config = condition.sourceIpConfig else { throw missingConfig(field) }
            let values = config.values ?? []
            try checkCount(values.count, field)
            for value in values where !isCIDR(value) {
                throw AdmiralError.validation(
                    "Source IP '\(value)' must be an IPv4 or IPv6 address block in CIDR notation, such as "
                        + "192.0.2.0/24 or 2001:db8::/32; wildcards are not supported.")
            }
            let normalized = ELBv2.RuleCondition(
                field: field.rawValue, sourceIpConfig: ELBv2.SourceIpConditionConfig(values: values))
            return (normalized, field, values.count, 0)
        }
    }

    static func missingConfig(_ field: Field) -> AdmiralError {
        AdmiralError.validation("A '\(field.rawValue)' condition needs \(field.configName) with its values.")
    }

    static func checkCount(_ count: Int, _ field: Field) throws {
        guard count > 0 else {
            throw AdmiralError.validation(
                "The '\(field.rawValue)' condition needs at least one value; a value cannot be empty.")
        }
        guard count <= ELBv2Limits.valuesPerCondition else {
            throw AdmiralError.validation(
                "A condition can have at most \(ELBv2Limits.valuesPerCondition) values; the '\(field.rawValue)' "
                    + "condition has \(count). Use several conditions or rules.")
        }
    }

    /// The number of `*` and `?` in a value.
    static func wildcardCount(_ value: String) -> Int {
        value.utf8.count(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") })
    }

    /// The number of `*` and `?` not escaped with `\` (query strings).
    static func unescapedWildcardCount(_ value: String) -> Int {
        var count = 0
        var escaped = false
        for byte in value.utf8 {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?") {
                count += 1
            }
        }
        return count
    }

    static func validateLength(_ value: String, _ maximum: Int, what: String) throws {
        guard !value.isEmpty else { throw AdmiralError.validation("A \(what) cannot be empty.") }
        guard value.count <= maximum else {
            throw AdmiralError.validation(
                "The \(what) '\(value.prefix(40))...' is \(value.count) characters long; the limit is \(maximum).")
        }
    }

    /// Checks a host name pattern.
    public static func validateHost(_ host: String) throws {
        try validateLength(host, maximumValueLength, what: "host name")
        let allowed = host.utf8.allSatisfy { byte in
            isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?")
        }
        guard allowed else {
            throw AdmiralError.validation(
                "Host name '\(host)' can contain only A-Z, a-z, 0-9, '-', '.', '*' and '?'.")
        }
        guard let dot = host.lastIndex(of: ".") else {
            throw AdmiralError.validation("Host name '\(host)' must include at least one '.' character.")
        }
        let last = host[host.index(after: dot)...]
        guard !last.isEmpty, last.allSatisfy({ ($0.isASCII && $0.isLetter) || $0 == "*" || $0 == "?" }) else {
            throw AdmiralError.validation(
                "Host name '\(host)' can have only letters after its final '.' character.")
        }
    }

    /// Checks a path pattern.
    public static func validatePath(_ path: String) throws {
        try validateLength(path, maximumValueLength, what: "path pattern")
        let allowed = path.utf8.allSatisfy { byte in
            isAlphanumeric(byte) || "_-.$/~\"'@:+&*?".utf8.contains(byte)
        }
        guard allowed else {
            throw AdmiralError.validation(
                "Path pattern '\(path)' can contain only A-Z, a-z, 0-9 and _ - . $ / ~ \" ' @ : + & * ?.")
        }
    }

    /// Checks an HTTP header name: an RFC 7230 token, no wildcards, not `Host`.
    public static func validateHeaderName(_ name: String) throws {
        try validateLength(name, maximumNameLength, what: "HTTP header name")
        let allowed = name.utf8.allSatisfy { byte in
            isAlphanumeric(byte) || "!#$%&'+-.^_`|~".utf8.contains(byte)
        }
        guard allowed else {
            throw AdmiralError.validation(
                "HTTP header name '\(name)' must be an HTTP token (letters, digits and !#$%&'+-.^_`|~), "
                    + "without wildcards.")
        }
        guard name.lowercased() != "host" else {
            throw AdmiralError.validation(
                "An http-header condition cannot match the Host header; use a host-header condition.")
        }
    }

    /// Checks an HTTP request method: up to 40 of `A-Z - _`, compared exactly.
    public static func validateMethod(_ method: String) throws {
        try validateLength(method, maximumNameLength, what: "HTTP request method")
        let allowed = method.utf8.allSatisfy { byte in
            (0x41...0x5A).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
        guard allowed else {
            throw AdmiralError.validation(
                "HTTP request method '\(method)' can contain only A-Z, '-' and '_' (methods are case sensitive; "
                    + "wildcards are not supported).")
        }
    }

    /// Checks a header or query string value: visible ASCII and spaces, up to 128.
    static func validateVisible(_ value: String, what: String) throws {
        try validateLength(value, maximumValueLength, what: what)
        guard value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            throw AdmiralError.validation(
                "The \(what) '\(value)' can contain only visible ASCII characters (no control characters).")
        }
    }

    static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// Whether `text` is an IPv4 or IPv6 address block in CIDR notation.
    public static func isCIDR(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), parts[1].allSatisfy(\.isNumber) else { return false }
        let address = String(parts[0])
        if TargetRules.isIPv4Address(address) { return (0...32).contains(prefix) }
        return isIPv6Address(address) && (0...128).contains(prefix)
    }

    /// Whether `text` is an IPv6 address in RFC 4291 text form (with at most one `::` and
    /// optionally a dotted IPv4 tail).
    public static func isIPv6Address(_ text: String) -> Bool {
        guard text.contains(":") else { return false }
        var groups = 0
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return false }
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, piece) in pieces.enumerated() {
                let isTail = index == halves.count - 1 && position == pieces.count - 1
                if isTail, piece.contains("."), TargetRules.isIPv4Address(String(piece)) {
                    groups += 2
                    continue
                }
                guard (1...4).contains(piece.count), piece.allSatisfy(\.isHexDigit) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }
}
