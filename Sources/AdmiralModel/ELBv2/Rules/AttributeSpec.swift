/// One attribute of a load balancer or target group: its key, its default and the values
/// it accepts.
public struct AttributeSpec: Sendable {
    /// The values an attribute accepts.
    public enum Values: Sendable {
        /// `true` or `false`.
        case boolean
        /// An integer in a range.
        case integer(ClosedRange<Int>)
        /// 0, or an integer in a range (slow start).
        case zeroOr(ClosedRange<Int>)
        /// One of these words; the others listed are documented values Admiral refuses,
        /// with the reason.
        case choice([String], refused: [String: String] = [:])
        /// Any text up to this length (bucket names, prefixes).
        case text(maxLength: Int)
        /// `off` or an integer in a range.
        case offOr(ClosedRange<Int>)
        /// Only this value (an attribute ALB does not let you change).
        case fixed(String)
    }

    public var key: String
    public var defaultValue: String
    public var values: Values

    /// Creates a spec.
    public init(_ key: String, _ defaultValue: String, _ values: Values) {
        self.key = key
        self.defaultValue = defaultValue
        self.values = values
    }

    /// The value as stored (booleans and words in lowercase), or the error for a value
    /// the attribute does not accept.
    public func normalized(_ value: String) throws -> String {
        switch values {
        case .boolean:
            let lower = value.lowercased()
            guard lower == "true" || lower == "false" else {
                throw invalid(value, "must be true or false")
            }
            return lower
        case .integer(let range):
            guard let number = Int(value), range.contains(number) else {
                throw invalid(value, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return String(number)
        case .zeroOr(let range):
            guard let number = Int(value), number == 0 || range.contains(number) else {
                throw invalid(value, "must be 0 (off) or an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return String(number)
        case .choice(let accepted, let refused):
            if accepted.contains(value) { return value }
            if let reason = refused[value] {
                throw AdmiralError.invalidConfiguration(
                    "Attribute '\(key)' value '\(value)' is not supported: \(reason)")
            }
            throw invalid(value, "must be one of \(accepted.joined(separator: ", "))")
        case .text(let maxLength):
            guard value.count <= maxLength else {
                throw invalid(value.prefix(40) + "...", "must be at most \(maxLength) characters long")
            }
            return value
        case .offOr(let range):
            if value.lowercased() == "off" { return "off" }
            guard let number = Int(value), range.contains(number) else {
                throw invalid(value, "must be 'off' or an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return String(number)
        case .fixed(let only):
            guard value.lowercased() == only else {
                throw AdmiralError.invalidConfiguration(
                    "Attribute '\(key)' cannot be changed for application load balancers; it is always \(only).")
            }
            return only
        }
    }

    func invalid(_ value: some StringProtocol, _ rule: String) -> AdmiralError {
        AdmiralError.invalidConfiguration("Attribute '\(key)' value '\(value)' is not valid: it \(rule).")
    }
}

/// Applying attribute changes against a table of specs.
public enum AttributeRules {
    /// The stored overrides with `changes` applied. Unknown keys are a `ValidationError`;
    /// keys of other load balancer types (`otherTypes`) and bad values an
    /// `InvalidConfigurationRequest`. A key given twice takes its last value.
    public static func apply(
        _ changes: [(key: String?, value: String?)], to overrides: [String: String], specs: [AttributeSpec],
        otherTypes: [String: String], resource: String
    ) throws -> [String: String] {
        var result = overrides
        for change in changes {
            guard let key = change.key, !key.isEmpty else {
                throw AdmiralError.validation("Each attribute needs a Key.")
            }
            guard let spec = specs.first(where: { $0.key == key }) else {
                if let owner = otherTypes[key] {
                    throw AdmiralError.invalidConfiguration(
                        "Attribute '\(key)' applies to \(owner), not to \(resource).")
                }
                throw AdmiralError.validation(
                    "Attribute key '\(key)' is not recognized for \(resource); valid keys: "
                        + specs.map(\.key).joined(separator: ", ") + ".")
            }
            guard let value = change.value else {
                throw AdmiralError.validation("Attribute '\(key)' needs a Value.")
            }
            let normalized = try spec.normalized(value)
            result[key] = normalized == spec.defaultValue ? nil : normalized
        }
        return result
    }

    /// Every attribute in the table's order: the override where there is one, else the default.
    public static func full(_ overrides: [String: String], specs: [AttributeSpec]) -> [(key: String, value: String)] {
        specs.map { (key: $0.key, value: overrides[$0.key] ?? $0.defaultValue) }
    }
}
