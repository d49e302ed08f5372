import AdmiralModel

/// ECS's rules for container instance attributes.
enum AttributeRules {
    /// Custom attributes a container instance may carry.
    static let maximumCustomAttributes = 10
    /// Attributes one PutAttributes or DeleteAttributes call may name.
    static let maximumPerCall = 10
    /// The longest name and value.
    static let maximumLength = 128

    /// Whether an attribute is one of ECS's own rather than a custom one.
    static func isBuiltIn(_ name: String) -> Bool {
        name.hasPrefix("ecs.") || name.hasPrefix("com.amazonaws.ecs.")
    }

    /// Checks names and values; with `custom`, built-in names are refused.
    static func validate(_ attributes: [ECS.Attribute], custom: Bool) throws -> [ECS.Attribute] {
        for attribute in attributes {
            try validateName(attribute.name)
            if custom, isBuiltIn(attribute.name) {
                throw AdmiralError.invalidParameter(
                    "Attribute '\(attribute.name)' is one of ECS's own; custom attributes cannot start with 'ecs.' or 'com.amazonaws.ecs.'.")
            }
            if let value = attribute.value { try validateValue(value, name: attribute.name) }
        }
        return attributes
    }

    static func validateName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_/\\.".unicodeScalars.contains(scalar))
        }
        guard (1...maximumLength).contains(name.count), allowed else {
            throw AdmiralError.invalidParameter(
                "Invalid attribute name '\(name)': use 1 to \(maximumLength) letters, numbers, hyphens, "
                    + "underscores, forward or back slashes and periods.")
        }
    }

    static func validateValue(_ value: String, name: String) throws {
        let allowed = value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "-_.@/\\: ".unicodeScalars.contains(scalar))
        }
        guard (1...maximumLength).contains(value.count), allowed, value.first != " ", value.last != " " else {
            throw AdmiralError.invalidParameter(
                "Invalid value '\(value)' for attribute '\(name)': use 1 to \(maximumLength) letters, numbers, "
                    + "hyphens, underscores, periods, at signs, slashes, colons or spaces, not starting or ending "
                    + "with a space.")
        }
    }
}
