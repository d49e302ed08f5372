import Foundation
import Synchronization

/// A shape that can check the constraints its service model puts on its members
/// (integer ranges, string and list lengths, patterns). The conformances are generated
/// from botocore's model with the shapes.
public protocol ModelConstraints {
    /// Adds a message for every member, at any depth, that breaks a model constraint.
    /// `path` is the member path of this value in AWS's notation (`conditions.1.member`),
    /// empty for the input itself.
    func checkConstraints(at path: String, into violations: inout ConstraintViolations)
}

extension ModelConstraints {
    /// The violations of this value as a whole input, in AWS's wording
    /// (`2 validation errors detected: Value '0' at 'priority' failed to satisfy
    /// constraint: ...; Value ...`), or nil when there are none.
    public func constraintViolationMessage() -> String? {
        var violations = ConstraintViolations()
        checkConstraints(at: "", into: &violations)
        return violations.message
    }
}

/// The model constraint violations found in a request, in AWS's wording.
public struct ConstraintViolations: Sendable, Hashable {
    /// The model's patterns, compiled once each (compiling one took longer than the rest
    /// of a small PutMetricData call); nil for a pattern Swift's regular expressions do
    /// not read, which is then not checked.
    private static let patterns = Mutex<[String: CompiledPattern]>([:])

    static func compiled(_ pattern: String) -> Regex<AnyRegexOutput>? {
        if let known = patterns.withLock({ $0[pattern] }) { return known.regex }
        let compiled = CompiledPattern(pattern)
        patterns.withLock { $0[pattern] = compiled }
        return compiled.regex
    }

    /// One sentence per violation.
    public private(set) var messages: [String] = []

    /// Creates an empty list.
    public init() {}

    /// The whole message: `1 validation error detected: ...`, or nil when there is none.
    public var message: String? {
        guard !messages.isEmpty else { return nil }
        let noun = messages.count == 1 ? "error" : "errors"
        return "\(messages.count) validation \(noun) detected: " + messages.joined(separator: "; ")
    }

    /// `path.member`, or `member` at the top.
    public static func join(_ path: String, _ member: String) -> String {
        path.isEmpty ? member : path + "." + member
    }

    /// The member path of a coding path in AWS's notation: members in lowerCamelCase,
    /// list elements as `N.member` (`conditions.1.member.field`).
    public static func path(of codingPath: [any CodingKey]) -> String {
        var parts: [String] = []
        for key in codingPath {
            let name = key.stringValue
            if name.hasPrefix("member."), let index = Int(name.dropFirst("member.".count)) {
                parts.append("\(index).member")
            } else if let index = key.intValue, Int(name) == index + 1 || Int(name) == index {
                parts.append("\(index + 1).member")
            } else {
                parts.append(name.prefix(1).lowercased() + name.dropFirst())
            }
        }
        return parts.joined(separator: ".")
    }

    mutating func add(_ value: String, at path: String, _ constraint: String) {
        messages.append("Value '\(value)' at '\(path)' failed to satisfy constraint: \(constraint)")
    }

    /// Checks an integer against an inclusive range.
    public mutating func range(_ value: Int?, at path: String, min: Int?, max: Int?) {
        guard let value else { return }
        if let min, value < min {
            add(String(value), at: path, "Member must have value greater than or equal to \(min)")
        } else if let max, value > max {
            add(String(value), at: path, "Member must have value less than or equal to \(max)")
        }
    }

    /// Checks the length of a string.
    public mutating func length(_ value: String?, at path: String, min: Int?, max: Int?) {
        guard let value else { return }
        let count = value.count
        if let min, count < min {
            add(value, at: path, "Member must have length greater than or equal to \(min)")
        } else if let max, count > max {
            add(value, at: path, "Member must have length less than or equal to \(max)")
        }
    }

    /// Checks the number of elements of a list.
    public mutating func count<Element>(_ value: [Element]?, at path: String, min: Int?, max: Int?) {
        guard let value else { return }
        let shown = value.map { "\($0)" }.joined(separator: ", ")
        let rendered = value.allSatisfy { $0 is String } ? "[\(shown)]" : "[\(value.count) elements]"
        if let min, value.count < min {
            add(rendered, at: path, "Member must have length greater than or equal to \(min)")
        } else if let max, value.count > max {
            add(rendered, at: path, "Member must have length less than or equal to \(max)")
        }
    }

    /// Checks a string against the model's regular expression.
    public mutating func pattern(_ value: String?, at path: String, _ pattern: String) {
        guard let value else { return }
        guard let regex = Self.compiled(pattern) else { return }
        if value.firstMatch(of: regex) == nil {
            add(value, at: path, "Member must satisfy regular expression pattern: \(pattern)")
        }
    }
}

/// A pattern compiled and lowered to its matching program before it is shared: matching
/// then only reads it, from any thread.
private final class CompiledPattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>?

    init(_ pattern: String) {
        regex = try? Regex(pattern)
        if let regex { _ = "".firstMatch(of: regex) }
    }
}
