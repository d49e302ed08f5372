/// A request that breaks one of Application Auto Scaling's rules for schedules, step adjustments or
/// predefined metrics.
///
/// The API layer answers it as a `ValidationException` (HTTP 400). Where Application Auto Scaling's own
/// sentence is known, ``message`` starts with it (for example "Step adjustment intervals cannot overlap"),
/// followed by what was wrong and what to do.
public struct ScalingRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong and what to do about it.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The error as the API layer names it: `ValidationException: <message>`.
    public var description: String { "ValidationException: \(message)" }
}
