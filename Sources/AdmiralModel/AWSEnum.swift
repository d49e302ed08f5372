import Foundation

/// An enumeration of an AWS API whose decoding rejects unknown values with an
/// `InvalidEnumValue` that names the member and the values it accepts.
public protocol AWSEnum: RawRepresentable<String>, CaseIterable {}

extension AWSEnum {
    /// Decodes a raw string and maps it onto a case, or throws `InvalidEnumValue`.
    public static func decodeAWSEnum(from decoder: any Decoder) throws -> Self {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw InvalidEnumValue(
                value: raw,
                member: decoder.codingPath.map(\.awsPathComponent).joined(separator: "."),
                allowed: allCases.map(\.rawValue)
            )
        }
        return value
    }
}

/// A request carried a string that is not one of an enumeration's values.
public struct InvalidEnumValue: Error, Sendable, Equatable {
    /// The value the request carried.
    public var value: String
    /// The dotted path of the member, e.g. `containerDefinitions.0.logConfiguration.logDriver`.
    public var member: String
    /// The values the member accepts.
    public var allowed: [String]

    /// Creates the error.
    public init(value: String, member: String, allowed: [String]) {
        self.value = value
        self.member = member
        self.allowed = allowed
    }
}

extension CodingKey {
    /// The key as it appears in a dotted member path: the name, or the list index.
    public var awsPathComponent: String {
        if let index = intValue { return String(index) }
        return stringValue
    }
}
