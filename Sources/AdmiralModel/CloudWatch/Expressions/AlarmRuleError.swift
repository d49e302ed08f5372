import Foundation

/// Why a composite alarm's rule could not be parsed, with a message a person can act on.
/// The API layer reports it as CloudWatch reports a bad `AlarmRule`, a 400 error.
public struct AlarmRuleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The rule is not well formed, or is empty.
        case syntax
        /// The rule is longer than CloudWatch accepts.
        case tooLong
        /// The rule names more alarms than CloudWatch accepts.
        case tooManyAlarms
        /// The rule has more elements (functions, TRUE, FALSE, parentheses) than CloudWatch accepts.
        case tooManyElements
    }

    /// The kind of failure.
    public var code: Code
    /// What was wrong and what to do about it.
    public var message: String
    /// The 1-based position, in characters, of the problem in the rule, when it has one.
    public var position: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, position: Int? = nil) {
        self.code = code
        self.message = message
        self.position = position
    }

    /// The message, which already names the position when there is one.
    public var description: String { message }

    static func syntax(_ message: String, at position: Int) -> AlarmRuleError {
        AlarmRuleError(.syntax, "Syntax error in AlarmRule at position \(position): \(message)", position: position)
    }
}
