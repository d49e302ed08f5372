/// The error of the domain: a code that the API layer maps to an AWS exception name
/// and HTTP status, and a message a person can act on.
public struct AdmiralError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. The raw value is the AWS exception name.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        /// Creates a code from its AWS exception name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The request was malformed or asked for something not allowed.
        public static let invalidParameter = Code(rawValue: "InvalidParameterException")
        /// A client-side error such as an unknown resource referenced by ARN.
        public static let client = Code(rawValue: "ClientException")
        /// The named cluster does not exist.
        public static let clusterNotFound = Code(rawValue: "ClusterNotFoundException")
        /// The cluster still has active services.
        public static let clusterContainsServices = Code(rawValue: "ClusterContainsServicesException")
        /// The cluster still has registered container instances.
        public static let clusterContainsContainerInstances = Code(
            rawValue: "ClusterContainsContainerInstancesException")
        /// The cluster still has running tasks.
        public static let clusterContainsTasks = Code(rawValue: "ClusterContainsTasksException")
        /// The named resource does not exist.
        public static let resourceNotFound = Code(rawValue: "ResourceNotFoundException")
        /// The caller may not make this call (an instance's credentials outside its role).
        public static let accessDenied = Code(rawValue: "AccessDeniedException")
        /// A limit was exceeded.
        public static let limitExceeded = Code(rawValue: "LimitExceededException")
        /// The target of an attribute does not exist.
        public static let targetNotFound = Code(rawValue: "TargetNotFoundException")
        /// A resource would carry more custom attributes than allowed.
        public static let attributeLimitExceeded = Code(rawValue: "AttributeLimitExceededException")
        /// The named service does not exist.
        public static let serviceNotFound = Code(rawValue: "ServiceNotFoundException")
        /// The named service is not ACTIVE.
        public static let serviceNotActive = Code(rawValue: "ServiceNotActiveException")
        /// The request cannot be carried out in the resource's current state.
        public static let unsupportedFeature = Code(rawValue: "UnsupportedFeatureException")
        /// The server failed.
        public static let server = Code(rawValue: "ServerException")
    }

    /// The kind of failure.
    public var code: Code
    /// What was wrong and what to do about it.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// Whether the server (rather than the request) is at fault.
    public var isServerFault: Bool { code == .server }

    public var description: String { "\(code.rawValue): \(message)" }

    /// A shorthand for an `InvalidParameterException`.
    public static func invalidParameter(_ message: String) -> AdmiralError {
        AdmiralError(.invalidParameter, message)
    }

    /// A shorthand for a `ClientException`.
    public static func client(_ message: String) -> AdmiralError {
        AdmiralError(.client, message)
    }
}
