import Foundation

/// Why a metric math expression could not be parsed, ordered or evaluated, with a message a
/// person can act on.
///
/// The API layer reports these as CloudWatch does: as a `ValidationError` (400) for
/// PutMetricAlarm and for GetMetricData requests whose expressions cannot be parsed, and as
/// a message on the query's result otherwise.
public struct MetricMathError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The expression is not well formed (or is empty, or too long).
        case syntax
        /// The expression calls a function that metric math does not have.
        case unknownFunction
        /// The expression calls a CloudWatch function that Admiral does not evaluate.
        case unsupportedFunction
        /// A function or operator was given the wrong number or kind of arguments.
        case invalidArguments
        /// The expression refers to an id that no query of the request has.
        case unknownId
        /// Expressions of the request refer to each other in a circle.
        case cycle
        /// Two queries of the request have the same id.
        case duplicateId
        /// The expression evaluates to a scalar where a time series is needed.
        case scalarResult
    }

    /// The kind of failure.
    public var code: Code
    /// What was wrong and what to do about it.
    public var message: String
    /// The 1-based position, in characters, of the problem in the expression, when it has one.
    public var position: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, position: Int? = nil) {
        self.code = code
        self.message = message
        self.position = position
    }

    /// The message, which already names the position when there is one.
    public var description: String { message }

    static func syntax(_ message: String, at position: Int) -> MetricMathError {
        MetricMathError(.syntax, "Syntax error at position \(position): \(message)", position: position)
    }
}
