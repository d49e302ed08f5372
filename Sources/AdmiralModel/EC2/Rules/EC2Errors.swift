import Foundation

/// EC2's error codes, as `AdmiralError`s whose code is EC2's (all are client errors,
/// HTTP 400).
public enum EC2Errors {
    public static func invalidParameterValue(_ message: String) -> AdmiralError {
        AdmiralError(.init(rawValue: "InvalidParameterValue"), message)
    }

    public static func invalidParameter(_ message: String) -> AdmiralError {
        AdmiralError(.init(rawValue: "InvalidParameter"), message)
    }

    public static func missingParameter(_ message: String) -> AdmiralError {
        AdmiralError(.init(rawValue: "MissingParameter"), message)
    }

    public static func invalidParameterCombination(_ message: String) -> AdmiralError {
        AdmiralError(.init(rawValue: "InvalidParameterCombination"), message)
    }

    public static func dependencyViolation(_ message: String) -> AdmiralError {
        AdmiralError(.init(rawValue: "DependencyViolation"), message)
    }

    /// `Invalid<Kind>ID.NotFound`: `The vpc ID 'vpc-1' does not exist`.
    public static func notFound(_ code: String, _ message: String) -> AdmiralError {
        AdmiralError(.init(rawValue: code), message)
    }

    /// `Invalid<Kind>ID.Malformed`.
    public static func malformed(_ code: String, _ message: String) -> AdmiralError {
        AdmiralError(.init(rawValue: code), message)
    }

    public static func code(_ code: String, _ message: String) -> AdmiralError {
        AdmiralError(.init(rawValue: code), message)
    }
}

/// EC2 resource ids: a prefix and 17 lowercase hexadecimal digits (`vpc-0a1b2c3d4e5f67890`).
public enum EC2IDs {
    public static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = Array("0123456789abcdef")
        return prefix + "-" + String((0..<17).map { _ in digits[Int(generator.next() % 16)] })
    }

    /// Whether an id has the prefix and 8 or 17 hexadecimal digits.
    public static func isWellFormed(_ id: String, prefix: String) -> Bool {
        guard id.hasPrefix(prefix + "-") else { return false }
        let digits = id.dropFirst(prefix.count + 1)
        return (digits.count == 8 || digits.count == 17) && digits.allSatisfy(\.isHexDigit)
    }
}
