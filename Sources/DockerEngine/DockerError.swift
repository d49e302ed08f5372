import NIOHTTP1

/// The one error type of the DockerEngine module: what went wrong, as a ``Code``, with the
/// daemon's own message when it sent one.
public struct DockerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking
    /// callers that switch over the ones they care about.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let value: String
        private init(_ value: String) { self.value = value }

        /// The object (image, container) does not exist: HTTP 404.
        public static let notFound = Code("notFound")
        /// The request conflicts with the object's state or name: HTTP 409.
        public static let conflict = Code("conflict")
        /// The daemon rejected the request as malformed: HTTP 400.
        public static let badRequest = Code("badRequest")
        /// The daemon failed while carrying out the request: HTTP 500 and other statuses,
        /// or an error reported inside a progress stream (for example a failed pull).
        public static let server = Code("server")
        /// The daemon could not be reached or the connection broke.
        public static let transport = Code("transport")
        /// The call did not complete within its timeout (see ``DockerTimeouts``).
        public static let timeout = Code("timeout")
        /// The daemon's answer could not be decoded.
        public static let invalidResponse = Code("invalidResponse")
        /// The daemon speaks no Engine API version this client supports.
        public static let unsupportedVersion = Code("unsupportedVersion")
        /// The client was configured with something it cannot use (for example a host URL).
        public static let invalidArgument = Code("invalidArgument")

        /// The code's name, such as `notFound`.
        public var description: String { value }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The daemon's message when it sent one, otherwise a description of the failure.
    public var message: String
    /// The HTTP status of the daemon's answer, when there was one.
    public var statusCode: Int?

    /// Creates an error with a code, a message and optionally the HTTP status it came from.
    public init(_ code: Code, _ message: String, statusCode: Int? = nil) {
        self.code = code
        self.message = message
        self.statusCode = statusCode
    }

    /// `DockerError(notFound, 404): No such image: x`.
    public var description: String {
        if let statusCode {
            return "DockerError(\(code), \(statusCode)): \(message)"
        }
        return "DockerError(\(code)): \(message)"
    }

    /// The code that matches an HTTP status from the daemon.
    static func code(for status: HTTPResponseStatus) -> Code {
        switch status.code {
        case 404: .notFound
        case 409: .conflict
        case 400: .badRequest
        default: .server
        }
    }
}
