import Foundation

/// Parses a metric math expression into a ``MetricMathNode``.
///
/// The grammar, loosest binding first:
///
///     expression := term (('+' | '-') term)*
///     term       := unary (('*' | '/') unary)*
///     unary      := '-' unary | power
///     power      := primary ('^' unary)?            right-associative: 2^3^2 is 2^9
///     primary    := number | id | string | KEYWORD | '(' expression ')'
///                 | '[' expression (',' expression)* ']'
///                 | FUNCTION '(' (expression (',' expression)*)? ')'
///
/// so `-2^2` is `-(2^2)`, as in mathematics. Strings are allowed only as the argument of
/// `METRICS`, and the keywords `REPEAT` and `LINEAR` only as the second argument of `FILL`.
struct MetricMathParser {
    /// How deeply parentheses, brackets, calls and operators may nest.
    static let maximumDepth = 64

    private let tokens: [MetricMathToken]
    private var index = 0
    private var depth = 0

    private init(tokens: [MetricMathToken]) {
        self.tokens = tokens
    }

    /// The syntax tree of `text`.
    static func parse(_ text: String) throws(MetricMathError) -> MetricMathNode {
        let tokens = try MetricMathLexer.tokens(of: text)
        var parser = MetricMathParser(tokens: tokens)
        if parser.current.kind == .end {
            throw MetricMathError.syntax("the expression is empty.", at: 1)
        }
        let node = try parser.expression()
        guard parser.current.kind == .end else {
            throw parser.unexpected("an operator or the end of the expression")
        }
        try check(node, role: .value)
        return node
    }

    private var current: MetricMathToken { tokens[Swift.min(index, tokens.count - 1)] }

    private var following: MetricMathToken { tokens[Swift.min(index + 1, tokens.count - 1)] }

    private mutating func advance() {
        index += 1
    }

    private func isSymbol(_ symbol: Character) -> Bool {
        current.kind == .symbol(symbol)
    }

    private func unexpected(_ expected: String) -> MetricMathError {
        MetricMathError.syntax("expected \(expected) but found \(current.display).", at: current.position)
    }

    private mutating func expect(_ symbol: Character, _ why: String) throws(MetricMathError) {
        guard isSymbol(symbol) else { throw unexpected("'\(symbol)' \(why)") }
        advance()
    }

    private mutating func expression() throws(MetricMathError) -> MetricMathNode {
        try chain(of: [.add, .subtract]) { (parser: inout MetricMathParser) throws(MetricMathError) in
            try parser.chain(of: [.multiply, .divide]) { (parser: inout MetricMathParser) throws(MetricMathError) in
                try parser.unary()
            }
        }
    }

    private mutating func chain(
        of operators: [MetricMathOperator],
        operand: (inout MetricMathParser) throws(MetricMathError) -> MetricMathNode
    ) throws(MetricMathError) -> MetricMathNode {
        let first = try operand(&self)
        var rest: [MetricMathOperation] = []
        while case .symbol(let symbol) = current.kind, let op = MetricMathOperator(rawValue: symbol),
            operators.contains(op)
        {
            let position = current.position
            advance()
            rest.append(MetricMathOperation(symbol: op, operand: try operand(&self), position: position))
        }
        return rest.isEmpty ? first : .chain(first, rest)
    }

    private mutating func unary() throws(MetricMathError) -> MetricMathNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw MetricMathError.syntax(
                "the expression nests more than \(Self.maximumDepth) levels deep; simplify it or split it "
                    + "into several expressions.",
                at: current.position)
        }
        if isSymbol("-") {
            let position = current.position
            advance()
            return .negate(try unary(), position: position)
        }
        let base = try primary()
        guard isSymbol("^") else { return base }
        let position = current.position
        advance()
        return .power(base, try unary(), position: position)
    }

    private mutating func primary() throws(MetricMathError) -> MetricMathNode {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return .number(value)
        case .string(let text):
            advance()
            return .string(text, position: token.position)
        case .identifier(let word):
            if following.kind == .symbol("(") {
                throw MetricMathError(
                    .unknownFunction,
                    "Unknown function '\(word)' at position \(token.position): function names are written in "
                        + "uppercase, such as \(word.uppercased())(…).",
                    position: token.position)
            }
            advance()
            return .reference(word, position: token.position)
        case .name(let word):
            if following.kind == .symbol("(") { return try call(word, at: token.position) }
            if let mode = MetricMathFillMode(rawValue: word) {
                advance()
                return .keyword(mode, position: token.position)
            }
            if MetricMathFunction(rawValue: word) != nil {
                throw MetricMathError.syntax("\(word) is a function; call it as \(word)(…).", at: token.position)
            }
            throw MetricMathError.syntax(
                "unknown keyword '\(word)'. Ids of metrics and expressions start with a lowercase letter.",
                at: token.position)
        case .symbol("("):
            advance()
            let inner = try expression()
            try expect(")", "to close the '(' at position \(token.position)")
            return inner
        case .symbol("["):
            advance()
            guard !isSymbol("]") else {
                throw MetricMathError.syntax("an array needs at least one element, as in [m1, m2].", at: token.position)
            }
            var elements = [try expression()]
            while isSymbol(",") {
                advance()
                elements.append(try expression())
            }
            try expect("]", "to close the '[' at position \(token.position)")
            return .array(elements, position: token.position)
        default:
            throw unexpected("a number, an id, a function or '('")
        }
    }

    private mutating func call(_ name: String, at position: Int) throws(MetricMathError) -> MetricMathNode {
        guard let function = MetricMathFunction(rawValue: name) else {
            if MetricMathFunction.unsupportedNames.contains(name) {
                throw MetricMathError(
                    .unsupportedFunction,
                    "The function \(name) at position \(position) is not supported by Admiral.",
                    position: position)
            }
            let known = MetricMathFunction.allCases.map(\.rawValue).joined(separator: ", ")
            throw MetricMathError(
                .unknownFunction,
                "Unknown function '\(name)' at position \(position). The functions are: \(known).",
                position: position)
        }
        advance()
        advance()
        var arguments: [MetricMathNode] = []
        if !isSymbol(")") {
            arguments.append(try expression())
            while isSymbol(",") {
                advance()
                arguments.append(try expression())
            }
        }
        try expect(")", "to close the call of \(name) at position \(position)")
        guard function.arity.contains(arguments.count) else {
            let expected =
                function.arity.count == 1
                ? "\(function.arity.lowerBound) argument\(function.arity.lowerBound == 1 ? "" : "s")"
                : "\(function.arity.lowerBound) to \(function.arity.upperBound) arguments"
            var hint = ""
            if function.arity == 1...1, arguments.count > 1 {
                hint = " To combine several series, pass them as an array: \(name)([m1, m2])."
            }
            throw MetricMathError(
                .invalidArguments,
                "\(name) at position \(position) takes \(expected), as in \(function.signature), but "
                    + "\(arguments.count) \(arguments.count == 1 ? "was" : "were") given.\(hint)",
                position: position)
        }
        return .call(function, arguments, position: position)
    }

    /// Where a node appears, which decides whether strings and keywords are allowed there.
    private enum Role {
        case value
        case metricsFilter
        case fillMode
    }

    /// Checks that strings appear only as the argument of `METRICS` and keywords only as the
    /// second argument of `FILL`.
    private static func check(_ node: MetricMathNode, role: Role) throws(MetricMathError) {
        switch node {
        case .number, .reference: break
        case .string(_, let position):
            guard role == .metricsFilter else {
                throw MetricMathError.syntax(
                    "a string is allowed only as the argument of METRICS, as in METRICS(\"errors\").",
                    at: position)
            }
        case .keyword(let mode, let position):
            guard role == .fillMode else {
                throw MetricMathError.syntax(
                    "\(mode.rawValue) is allowed only as the second argument of FILL, as in "
                        + "FILL(m1, \(mode.rawValue)).",
                    at: position)
            }
        case .negate(let operand, _): try check(operand, role: .value)
        case .chain(let first, let rest):
            try check(first, role: .value)
            for operation in rest { try check(operation.operand, role: .value) }
        case .power(let base, let exponent, _):
            try check(base, role: .value)
            try check(exponent, role: .value)
        case .array(let elements, _):
            for element in elements { try check(element, role: .value) }
        case .call(let function, let arguments, let position):
            if function == .metrics, let argument = arguments.first {
                guard case .string = argument else {
                    throw MetricMathError(
                        .invalidArguments,
                        "METRICS at position \(position) takes no argument or a string to match ids "
                            + "against, as in METRICS(\"errors\").",
                        position: position)
                }
            }
            for (offset, argument) in arguments.enumerated() {
                let role: Role =
                    switch (function, offset) {
                    case (.metrics, 0): .metricsFilter
                    case (.fill, 1): .fillMode
                    default: .value
                    }
                try check(argument, role: role)
            }
        }
    }
}
