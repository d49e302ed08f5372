import AdmiralModel
import Foundation

/// An expression of the ECS cluster query language, parsed once and evaluated against
/// container instances: by `memberOf` placement constraints and by the `filter` of
/// ListContainerInstances.
///
/// The grammar is ECS's: `subject operator [argument]`, combined with `and`/`&&`,
/// `or`/`||`, `not`/`!` and parentheses. Subjects are `attribute:<name>`, `ec2InstanceId`,
/// `registeredAt`, `runningTasksCount`, `agentConnected`, `agentVersion` and `task:group`.
/// In `==`, `!=`, `in` and `not in`, a `*` in a value matches any run of characters;
/// `=~` and `!~` take a regular expression that must match the whole value.
public struct ClusterQuery: Sendable, CustomStringConvertible {
    /// The comparison operators, each with its symbolic and named spellings.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// `==` or `equals`.
        case equals = "=="
        /// `!=` or `not_equals`.
        case notEquals = "!="
        /// `>` or `greater_than`.
        case greater = ">"
        /// `>=` or `greater_than_equal`.
        case greaterOrEqual = ">="
        /// `<` or `less_than`.
        case less = "<"
        /// `<=` or `less_than_equal`.
        case lessOrEqual = "<="
        /// `exists`.
        case exists = "exists"
        /// `!exists` or `not_exists`.
        case notExists = "!exists"
        /// `in [a, b]`.
        case isIn = "in"
        /// `!in`, `not_in` or `not in [a, b]`.
        case notIn = "not in"
        /// `=~` or `matches`.
        case matches = "=~"
        /// `!~` or `not_matches`.
        case notMatches = "!~"

        /// The operator named by a word, such as `greater_than`.
        static func named(_ word: String) -> Operator? {
            let names: [String: Operator] = [
                "equals": .equals, "not_equals": .notEquals, "greater_than": .greater,
                "greater_than_equal": .greaterOrEqual, "less_than": .less, "less_than_equal": .lessOrEqual,
                "exists": .exists, "not_exists": .notExists, "in": .isIn, "not_in": .notIn,
                "matches": .matches, "not_matches": .notMatches,
            ]
            return names[word]
        }
    }

    /// What a comparison looks at on a container instance.
    public enum Subject: Sendable, Hashable {
        /// `attribute:<name>`: a built-in or custom attribute.
        case attribute(String)
        /// `ec2InstanceId`.
        case ec2InstanceId
        /// `registeredAt`: the registration date.
        case registeredAt
        /// `runningTasksCount`.
        case runningTasksCount
        /// `agentConnected`: `true` or `false`.
        case agentConnected
        /// `agentVersion`: a dotted version.
        case agentVersion
        /// `task:group`: the groups of the tasks on the instance.
        case taskGroup
    }

    indirect enum Node: Sendable {
        case and(Node, Node)
        case or(Node, Node)
        case not(Node)
        case comparison(Comparison)
    }

    /// A literal value; `*` in it is a wildcard.
    struct Literal: Sendable {
        var text: String
        var hasWildcard: Bool { text.contains("*") }
    }

    enum Argument: Sendable {
        case none
        case literals([Literal])
        case pattern(NSRegularExpression)
        case date(Date)
        case integer(Int)
        case version([Int])
    }

    struct Comparison: Sendable {
        var subject: Subject
        var op: Operator
        var argument: Argument
    }

    /// The longest expression accepted, ECS's limit for a placement constraint's.
    public static let maximumLength = 2000

    /// The expression as written.
    public let source: String
    let root: Node

    /// Parses an expression; a malformed one throws `InvalidParameterException` with a
    /// message that names the position and the token at fault.
    public init(_ source: String) throws {
        guard source.utf8.count <= Self.maximumLength else {
            throw AdmiralError.invalidParameter(
                "A cluster query expression can be at most \(Self.maximumLength) characters (bytes of UTF-8); "
                    + "this one has \(source.utf8.count).")
        }
        self.source = source
        var parser = try ClusterQueryParser(source)
        self.root = try parser.parse()
    }

    /// The expression as written.
    public var description: String { source }

    /// Whether the expression reads state that changes as tasks are placed
    /// (`task:group`, `runningTasksCount`), so it must be evaluated per placement.
    public var dependsOnPlacements: Bool { Self.dynamic(root) }

    private static func dynamic(_ node: Node) -> Bool {
        switch node {
        case .and(let left, let right), .or(let left, let right): return dynamic(left) || dynamic(right)
        case .not(let inner): return dynamic(inner)
        case .comparison(let comparison):
            return comparison.subject == .taskGroup || comparison.subject == .runningTasksCount
        }
    }

    /// The error for a malformed expression.
    static func syntaxError(_ source: String, at position: Int, _ expected: String, found: String? = nil)
        -> AdmiralError
    {
        let near = found.map { $0.isEmpty ? " but the expression ended" : " but found '\($0)'" } ?? ""
        return AdmiralError.invalidParameter(
            "Invalid cluster query expression '\(source)': expected \(expected) at position \(position)\(near).")
    }
}
