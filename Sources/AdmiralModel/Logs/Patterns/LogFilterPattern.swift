import Foundation

/// A CloudWatch Logs filter pattern, parsed: what FilterLogEvents and metric filters
/// select events with.
///
/// Three syntaxes, as CloudWatch Logs has them:
/// - terms: `ERROR`, `"quoted phrase"`, `-excluded`, `?either ?or` (case-sensitive
///   substrings; all plain terms, one of the `?` terms if any, none of the `-` terms);
/// - JSON: `{ $.level = "error" && ($.latency > 100 || $.retry IS TRUE) }`;
/// - space-delimited: `[ip, user, ..., status = 5*, size > 1000]`.
///
/// The empty pattern matches every event.
public struct LogFilterPattern: Sendable, Hashable {
    /// The pattern's form.
    public enum Form: Sendable, Hashable {
        /// Every event.
        case all
        /// Unstructured terms.
        case terms(required: [String], optional: [String], excluded: [String])
        /// A condition on a JSON event.
        case json(LogCondition)
        /// Named fields of a space-delimited event, with a condition on them.
        case delimited(fields: [LogDelimitedField], condition: LogCondition?)
    }

    /// The text as written.
    public let text: String
    /// The parsed form.
    public let form: Form

    /// Parses a pattern; throws `InvalidParameterException` naming what is wrong.
    public init(_ text: String) throws {
        self.text = text
        var parser = LogFilterPatternParser(text)
        do {
            self.form = try parser.parse()
        } catch {
            throw AdmiralError.invalidParameter("Invalid filter pattern '\(text)': \(error.reason).")
        }
    }
}

/// A field of a space-delimited pattern: a name, or `...` for any number of fields.
public enum LogDelimitedField: Sendable, Hashable {
    /// One field, bound to a name.
    case named(String)
    /// Any number of fields (none included).
    case ellipsis
}

/// A boolean condition of a JSON or space-delimited pattern.
public indirect enum LogCondition: Sendable, Hashable {
    /// Both hold.
    case and(LogCondition, LogCondition)
    /// Either holds.
    case or(LogCondition, LogCondition)
    /// A comparison of a field (`$.a.b[0]` for JSON, a field name for space-delimited)
    /// with a value.
    case compare(field: String, LogComparison, LogPatternValue)
    /// `IS NULL`: the field is present and null.
    case isNull(field: String)
    /// `NOT EXISTS`: the field is absent.
    case notExists(field: String)
    /// `IS TRUE` / `IS FALSE`.
    case isBool(field: String, Bool)
    /// The names of the fields the condition reads, in order of appearance.
    public var fields: [String] {
        switch self {
        case .and(let left, let right), .or(let left, let right): left.fields + right.fields
        case .compare(let field, _, _), .isNull(let field), .notExists(let field), .isBool(let field, _): [field]
        }
    }
}

/// A comparison operator.
public enum LogComparison: String, Sendable, Hashable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// The right side of a comparison.
public enum LogPatternValue: Sendable, Hashable {
    /// A number.
    case number(Double)
    /// A string, possibly with `*` wildcards.
    case string(String)
}
