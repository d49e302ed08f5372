/// The load balancer data plane's error: a code the API layer can map to an ELBv2 error,
/// and a message a person can act on.
public struct LoadBalancerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable code.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        /// The code's name.
        public var rawValue: String
        /// Creates a code from its name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A value in the configuration is out of range or malformed (a pattern, a CIDR,
        /// a matcher, a port, a status code...).
        public static let invalidConfiguration = Code(rawValue: "InvalidConfiguration")
        /// A listener or action names a load balancer or target group that is not in the configuration.
        public static let unknownReference = Code(rawValue: "UnknownReference")
        /// Two listeners share an address and port, or two objects share an id.
        public static let duplicate = Code(rawValue: "Duplicate")
        /// A listener's address and port could not be bound.
        public static let listenerBindFailed = Code(rawValue: "ListenerBindFailed")
        /// The data plane was shut down.
        public static let shutDown = Code(rawValue: "ShutDown")

        /// The code's name.
        public var description: String { rawValue }
    }

    /// The code.
    public var code: Code
    /// What was wrong and what to do about it.
    public var message: String
    /// The listener a `ListenerBindFailed` concerns.
    public var listenerID: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, listenerID: String? = nil) {
        self.code = code
        self.message = message
        self.listenerID = listenerID
    }

    /// `Code: message`.
    public var description: String { "\(code): \(message)" }
}
