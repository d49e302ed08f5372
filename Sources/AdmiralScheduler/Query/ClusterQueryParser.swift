import AdmiralModel
import Foundation

/// A recursive-descent parser of the cluster query language. Precedence, loosest first:
/// `or`, `and`, `not`, then a comparison or a parenthesised expression.
struct ClusterQueryParser {
    private let source: String
    private let tokens: [ClusterQueryToken]
    private var index = 0
    /// How deep in parentheses and `not`s the parser is.
    private var depth = 0

    /// The deepest nesting of parentheses and `not` accepted: the parser and the
    /// evaluator recurse once per level, so a client's expression must not choose how deep.
    static let maximumDepth = 32

    init(_ source: String) throws {
        self.source = source
        var lexer = ClusterQueryLexer(source)
        self.tokens = try lexer.tokenize()
    }

    mutating func parse() throws -> ClusterQuery.Node {
        if tokens.first?.kind == .end { throw error("an expression") }
        let node = try parseOr()
        guard current.kind == .end else { throw error("'and', 'or' or the end of the expression") }
        return node
    }

    private var current: ClusterQueryToken { tokens[index] }

    private mutating func advance() -> ClusterQueryToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func error(_ expected: String) -> AdmiralError {
        ClusterQuery.syntaxError(source, at: current.position, expected, found: current.text)
    }

    private func isWord(_ word: String, at offset: Int = 0) -> Bool {
        let at = min(index + offset, tokens.count - 1)
        return tokens[at].kind == .word(word)
    }

    private mutating func parseOr() throws -> ClusterQuery.Node {
        var node = try parseAnd()
        while current.kind == .or || isWord("or") {
            _ = advance()
            node = .or(node, try parseAnd())
        }
        return node
    }

    private mutating func parseAnd() throws -> ClusterQuery.Node {
        var node = try parseUnary()
        while current.kind == .and || isWord("and") {
            _ = advance()
            node = .and(node, try parseUnary())
        }
        return node
    }

    private mutating func parseUnary() throws -> ClusterQuery.Node {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw AdmiralError.invalidParameter(
                "The expression nests parentheses and 'not' more than \(Self.maximumDepth) deep; write it flatter.")
        }
        if current.kind == .not || isWord("not") {
            _ = advance()
            return .not(try parseUnary())
        }
        if current.kind == .leftParen {
            _ = advance()
            let node = try parseOr()
            guard current.kind == .rightParen else { throw error("')'") }
            _ = advance()
            return node
        }
        return .comparison(try parseComparison())
    }

    private mutating func parseComparison() throws -> ClusterQuery.Comparison {
        guard case .word(let word) = current.kind else { throw error("a subject such as attribute:<name>") }
        guard let subject = Self.subject(word) else {
            throw error(
                "a subject (attribute:<name>, ec2InstanceId, registeredAt, runningTasksCount, "
                    + "agentConnected, agentVersion or task:group)")
        }
        _ = advance()
        let opPosition = current.position
        let op = try parseOperator()
        guard Self.allowed(op, for: subject) else {
            throw ClusterQuery.syntaxError(
                source, at: opPosition, "an operator that \(word) supports", found: op.rawValue)
        }
        let argument = try parseArgument(op, subject: subject)
        return ClusterQuery.Comparison(subject: subject, op: op, argument: argument)
    }

    private static func subject(_ word: String) -> ClusterQuery.Subject? {
        if word.hasPrefix("attribute:") {
            let name = String(word.dropFirst("attribute:".count))
            return name.isEmpty ? nil : .attribute(name)
        }
        switch word {
        case "ec2InstanceId": return .ec2InstanceId
        case "registeredAt": return .registeredAt
        case "runningTasksCount": return .runningTasksCount
        case "agentConnected": return .agentConnected
        case "agentVersion": return .agentVersion
        case "task:group": return .taskGroup
        default: return nil
        }
    }

    private mutating func parseOperator() throws -> ClusterQuery.Operator {
        if case .comparison(let op) = current.kind {
            _ = advance()
            return op
        }
        if isWord("not"), isWord("in", at: 1) {
            _ = advance()
            _ = advance()
            return .notIn
        }
        if case .word(let word) = current.kind, let op = ClusterQuery.Operator.named(word) {
            _ = advance()
            return op
        }
        throw error("an operator (==, !=, >, >=, <, <=, exists, !exists, in, not in, =~, !~)")
    }

    private static func allowed(_ op: ClusterQuery.Operator, for subject: ClusterQuery.Subject) -> Bool {
        let ordering: Set<ClusterQuery.Operator> = [
            .equals, .notEquals, .greater, .greaterOrEqual, .less, .lessOrEqual,
        ]
        let membership: Set<ClusterQuery.Operator> = [.equals, .notEquals, .isIn, .notIn, .matches, .notMatches]
        switch subject {
        case .attribute: return true
        case .taskGroup: return membership.contains(op) || op == .exists || op == .notExists
        case .ec2InstanceId, .agentConnected: return membership.contains(op)
        case .registeredAt, .runningTasksCount, .agentVersion: return ordering.contains(op)
        }
    }

    private mutating func parseArgument(
        _ op: ClusterQuery.Operator, subject: ClusterQuery.Subject
    ) throws -> ClusterQuery.Argument {
        switch op {
        case .exists, .notExists:
            return .none
        case .isIn, .notIn:
            guard current.kind == .leftBracket else { throw error("'[' to start the list of values") }
            _ = advance()
            var values: [ClusterQuery.Literal] = []
            while true {
                values.append(ClusterQuery.Literal(text: try parseValue()))
                if current.kind == .comma {
                    _ = advance()
                    continue
                }
                guard current.kind == .rightBracket else { throw error("',' or ']'") }
                _ = advance()
                return .literals(values)
            }
        case .matches, .notMatches:
            let position = current.position
            let text = try parseValue()
            guard Self.isLinear(text) else {
                throw ClusterQuery.syntaxError(
                    source, at: position,
                    "a regular expression without a repeated group that itself repeats or has alternatives "
                        + "(such as (a+)+ or (a|ab)*), which can take exponential time", found: text)
            }
            do {
                return .pattern(try NSRegularExpression(pattern: "^(?:" + text + ")$"))
            } catch {
                throw ClusterQuery.syntaxError(source, at: position, "a valid regular expression", found: text)
            }
        default:
            return try parseTypedValue(subject)
        }
    }

    /// Whether a pattern avoids the shapes that make a backtracking matcher (ICU's) take
    /// exponential time on an attribute value: a quantifier on a group that holds a
    /// quantifier or an alternation. Escapes and character classes are skipped over.
    static func isLinear(_ pattern: String) -> Bool {
        var groups: [Bool] = []  // per open group: whether it holds a quantifier or `|`
        var closedRisky = false  // the atom just before is a group that holds one
        var inClass = false
        var escaped = false
        for character in pattern {
            if escaped {
                escaped = false
                closedRisky = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "[" where !inClass: inClass = true
            case "]" where inClass: inClass = false
            case _ where inClass: continue
            case "(":
                groups.append(false)
                closedRisky = false
                continue
            case ")":
                closedRisky = groups.popLast() ?? false
                if closedRisky, !groups.isEmpty { groups[groups.count - 1] = true }
                continue
            case "*", "+", "?", "{":
                if closedRisky { return false }
                if !groups.isEmpty { groups[groups.count - 1] = true }
            case "|":
                if !groups.isEmpty { groups[groups.count - 1] = true }
            default: break
            }
            closedRisky = false
        }
        return true
    }

    private mutating func parseTypedValue(_ subject: ClusterQuery.Subject) throws -> ClusterQuery.Argument {
        let position = current.position
        let text = try parseValue()
        func invalid(_ expected: String) -> AdmiralError {
            ClusterQuery.syntaxError(source, at: position, expected, found: text)
        }
        switch subject {
        case .registeredAt:
            guard let date = ClusterQueryValues.date(text) else {
                throw invalid("a date such as 2018-06-18T22:28:28Z or 2018-06-18")
            }
            return .date(date)
        case .runningTasksCount:
            guard let count = Int(text) else { throw invalid("a whole number") }
            return .integer(count)
        case .agentVersion:
            guard let version = ClusterQueryValues.version(text) else { throw invalid("a version such as 1.14.5") }
            return .version(version)
        case .agentConnected:
            guard text == "true" || text == "false" || text.contains("*") else { throw invalid("true or false") }
            return .literals([ClusterQuery.Literal(text: text)])
        default:
            return .literals([ClusterQuery.Literal(text: text)])
        }
    }

    private mutating func parseValue() throws -> String {
        switch current.kind {
        case .word(let word):
            _ = advance()
            return word
        case .quoted(let text):
            _ = advance()
            return text
        default:
            throw error("a value")
        }
    }
}
