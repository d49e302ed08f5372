/// Stored metric bytes that cannot be read back: truncated, corrupt, or written by a
/// format this build does not know. A store that meets one has lost that datapoint;
/// the API layer reports it as a server fault, never as the caller's mistake.
public struct MetricDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong with the bytes.
    public var reason: String
    /// The byte offset at which reading stopped.
    public var offset: Int

    /// Creates an error for bytes that failed at `offset`.
    public init(_ reason: String, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// The reason with the offset, for logs.
    public var description: String { "Stored metric data is unreadable at byte \(offset): \(reason)" }
}
