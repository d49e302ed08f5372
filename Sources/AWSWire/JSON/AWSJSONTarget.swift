import Foundation

/// The awsJson `X-Amz-Target` header, `<ServicePrefix>.<Operation>`, for example
/// `AmazonEC2ContainerServiceV20141113.ListClusters`.
public struct AWSJSONTarget: Sendable, Hashable {
    /// The part before the last dot, for example `AmazonEC2ContainerServiceV20141113`.
    public var servicePrefix: String
    /// The operation, for example `ListClusters`.
    public var operation: String

    /// Creates a target.
    public init(servicePrefix: String, operation: String) {
        self.servicePrefix = servicePrefix
        self.operation = operation
    }

    /// Splits a header value at its last dot; throws `UnknownOperationException` (400) when
    /// the header is missing or has no prefix or no operation.
    public init(header: String?) throws(AWSWireError) {
        let value = header?.trimmingSpaces() ?? ""
        guard let dot = value.lastIndex(of: "."), dot != value.startIndex,
            value.index(after: dot) != value.endIndex
        else {
            throw .unknownOperation(value.isEmpty ? nil : value)
        }
        self.init(servicePrefix: String(value[..<dot]), operation: String(value[value.index(after: dot)...]))
    }

    /// The operation named by a header that must start with `expectedPrefix` (with or without
    /// its trailing dot); throws `UnknownOperationException` (400) otherwise.
    public static func parse(_ header: String?, expectedPrefix: String) throws(AWSWireError) -> String {
        let target = try AWSJSONTarget(header: header)
        let prefix = expectedPrefix.hasSuffix(".") ? String(expectedPrefix.dropLast()) : expectedPrefix
        guard target.servicePrefix == prefix else {
            throw .unknownOperation(header)
        }
        return target.operation
    }
}
