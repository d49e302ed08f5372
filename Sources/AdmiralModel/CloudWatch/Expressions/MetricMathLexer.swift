import Foundation

/// One token of a metric math expression, with its 1-based position.
struct MetricMathToken: Sendable, Hashable {
    /// What the token is.
    enum Kind: Sendable, Hashable {
        /// A number such as `5`, `0.25` or `1e-3`.
        case number(Double)
        /// A word starting with a lowercase letter: the id of a query.
        case identifier(String)
        /// A word starting with an uppercase letter: a function name or a keyword.
        case name(String)
        /// A double-quoted string, the argument of `METRICS("…")`.
        case string(String)
        /// One of `+ - * / ^ ( ) [ ] ,`.
        case symbol(Character)
        /// The end of the expression.
        case end
    }

    var kind: Kind
    var position: Int

    /// The token as the message of an error shows it.
    var display: String {
        switch kind {
        case .number(let value): "'\(MetricMathLexer.format(value))'"
        case .identifier(let word), .name(let word): "'\(word)'"
        case .string(let text): "\"\(text)\""
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the expression"
        }
    }
}

/// Splits a metric math expression into tokens.
struct MetricMathLexer {
    private let characters: [Character]
    private var index = 0

    init(_ text: String) {
        characters = Array(text)
    }

    /// All the tokens of the expression, ending with `.end`.
    static func tokens(of text: String) throws(MetricMathError) -> [MetricMathToken] {
        var lexer = MetricMathLexer(text)
        var tokens: [MetricMathToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// A number the way messages show it: integers without a fractional part.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return String(value)
    }

    private var current: Character? { index < characters.count ? characters[index] : nil }

    private func peek(_ offset: Int) -> Character? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    private mutating func next() throws(MetricMathError) -> MetricMathToken {
        while let character = current, character.isWhitespace { index += 1 }
        let position = index + 1
        guard let character = current else { return MetricMathToken(kind: .end, position: position) }
        if character.isASCIIDigit || (character == "." && (peek(1)?.isASCIIDigit ?? false)) {
            return MetricMathToken(kind: .number(try number(at: position)), position: position)
        }
        if character.isASCIILetter {
            let word = self.word()
            let kind: MetricMathToken.Kind =
                character.isLowercase ? .identifier(word) : .name(word)
            return MetricMathToken(kind: kind, position: position)
        }
        if character == "\"" || character == "\u{201C}" {
            return MetricMathToken(kind: .string(try string(at: position)), position: position)
        }
        if "+-*/^()[],".contains(character) {
            index += 1
            return MetricMathToken(kind: .symbol(character), position: position)
        }
        if "<>=!&|".contains(character) {
            throw MetricMathError(
                .unsupportedFunction,
                "Unsupported operator '\(character)' at position \(position): Admiral does not evaluate "
                    + "comparison or logical operators in metric math. Use + - * / ^ and functions such as "
                    + "SUM, AVG, MIN, MAX, FILL, RATE and DIFF.",
                position: position)
        }
        throw MetricMathError.syntax(
            "unexpected character '\(character)'. Ids start with a lowercase letter and contain only "
                + "letters, digits and underscores; functions are written in uppercase.",
            at: position)
    }

    private mutating func word() -> String {
        let start = index
        while let character = current, character.isASCIILetter || character.isASCIIDigit || character == "_" {
            index += 1
        }
        return String(characters[start..<index])
    }

    private mutating func digits() {
        while let character = current, character.isASCIIDigit { index += 1 }
    }

    private mutating func number(at position: Int) throws(MetricMathError) -> Double {
        let start = index
        digits()
        if current == "." {
            index += 1
            digits()
        }
        if current == "e" || current == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if let digit = peek(signed ? 2 : 1), digit.isASCIIDigit {
                index += signed ? 2 : 1
                digits()
            }
        }
        let text = String(characters[start..<index])
        guard let value = Double(text), value.isFinite else {
            throw MetricMathError.syntax("'\(text)' is not a number metric math can use.", at: position)
        }
        return value
    }

    private mutating func string(at position: Int) throws(MetricMathError) -> String {
        let closing: Character = current == "\u{201C}" ? "\u{201D}" : "\""
        index += 1
        let start = index
        while let character = current, character != closing { index += 1 }
        guard current == closing else {
            throw MetricMathError.syntax("the string that starts here is not closed with a double quote.", at: position)
        }
        let text = String(characters[start..<index])
        index += 1
        return text
    }
}

extension Character {
    /// Whether the character is one of `0`…`9`.
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    /// Whether the character is one of `a`…`z`, `A`…`Z`.
    fileprivate var isASCIILetter: Bool { isASCII && isLetter }
}
