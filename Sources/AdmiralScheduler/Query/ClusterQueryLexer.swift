/// One token of a cluster query expression, with the position where it starts.
struct ClusterQueryToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case leftParen, rightParen, leftBracket, rightBracket, comma
        case and, or, not
        case comparison(ClusterQuery.Operator)
        case word(String)
        case quoted(String)
        case end
    }

    var kind: Kind
    /// One-based character offset of the token in the expression.
    var position: Int
    /// The token as written, for error messages.
    var text: String
}

/// Splits a cluster query expression into tokens.
struct ClusterQueryLexer {
    private let characters: [Character]
    private let source: String
    private var index = 0

    init(_ source: String) {
        self.source = source
        self.characters = Array(source)
    }

    /// The tokens of the whole expression, ending with `.end`.
    mutating func tokenize() throws -> [ClusterQueryToken] {
        var tokens: [ClusterQueryToken] = []
        while true {
            let token = try tokens.last.map(Self.expectsPattern) == true ? nextPattern() : next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// Whether a regular expression follows the token (`=~`, `!~`, `matches`, `not_matches`).
    private static func expectsPattern(_ token: ClusterQueryToken) -> Bool {
        switch token.kind {
        case .comparison(.matches), .comparison(.notMatches), .word("matches"), .word("not_matches"): return true
        default: return false
        }
    }

    /// Reads a regular expression: a quoted string, or everything up to whitespace (or an
    /// unbalanced `)`) with its parentheses and brackets balanced.
    private mutating func nextPattern() throws -> ClusterQueryToken {
        while let character = peek(), character.isWhitespace { index += 1 }
        let start = index + 1
        if let quote = peek(), quote == "'" || quote == "\"" { return try readQuoted(quote: quote, start: start) }
        var depth = 0
        var pattern = ""
        while let character = peek(), !character.isWhitespace {
            if character == "(" || character == "[" { depth += 1 }
            if character == ")" || character == "]" {
                if depth == 0 { break }
                depth -= 1
            }
            pattern.append(character)
            index += 1
            if character == "\\", let escaped = peek() {
                pattern.append(escaped)
                index += 1
            }
        }
        if pattern.isEmpty { return try next() }
        return ClusterQueryToken(kind: .word(pattern), position: start, text: pattern)
    }

    private func peek(_ offset: Int = 0) -> Character? {
        let at = index + offset
        return at < characters.count ? characters[at] : nil
    }

    private static let symbols: [(String, ClusterQueryToken.Kind)] = [
        ("&&", .and), ("||", .or),
        ("==", .comparison(.equals)), ("!=", .comparison(.notEquals)),
        (">=", .comparison(.greaterOrEqual)), ("<=", .comparison(.lessOrEqual)),
        ("=~", .comparison(.matches)), ("!~", .comparison(.notMatches)),
        (">", .comparison(.greater)), ("<", .comparison(.less)),
    ]

    private func startsOperator() -> (String, ClusterQueryToken.Kind)? {
        for (symbol, kind) in Self.symbols where matches(symbol) { return (symbol, kind) }
        return nil
    }

    private func matches(_ literal: String) -> Bool {
        var offset = 0
        for character in literal {
            guard peek(offset) == character else { return false }
            offset += 1
        }
        return true
    }

    private static func isWordBoundary(_ character: Character) -> Bool {
        character.isWhitespace || "()[],'\"".contains(character)
    }

    private mutating func next() throws -> ClusterQueryToken {
        while let character = peek(), character.isWhitespace { index += 1 }
        let start = index + 1
        guard let character = peek() else { return ClusterQueryToken(kind: .end, position: start, text: "") }
        let single: [Character: ClusterQueryToken.Kind] = [
            "(": .leftParen, ")": .rightParen, "[": .leftBracket, "]": .rightBracket, ",": .comma,
        ]
        if let kind = single[character] {
            index += 1
            return ClusterQueryToken(kind: kind, position: start, text: String(character))
        }
        if let (symbol, kind) = startsOperator() {
            index += symbol.count
            return ClusterQueryToken(kind: kind, position: start, text: symbol)
        }
        if character == "!" {
            index += 1
            let word = readWord()
            switch word {
            case "exists": return ClusterQueryToken(kind: .comparison(.notExists), position: start, text: "!exists")
            case "in": return ClusterQueryToken(kind: .comparison(.notIn), position: start, text: "!in")
            default:
                index = start
                return ClusterQueryToken(kind: .not, position: start, text: "!")
            }
        }
        if character == "'" || character == "\"" {
            return try readQuoted(quote: character, start: start)
        }
        let word = readWord()
        return ClusterQueryToken(kind: .word(word), position: start, text: word)
    }

    /// Reads a bare word: everything up to whitespace, punctuation, a quote or an operator.
    private mutating func readWord() -> String {
        var word = ""
        while let character = peek(), !Self.isWordBoundary(character) {
            if !word.isEmpty, startsOperator() != nil { break }
            if word.isEmpty, character == "!" { break }
            word.append(character)
            index += 1
        }
        return word
    }

    private mutating func readQuoted(quote: Character, start: Int) throws -> ClusterQueryToken {
        index += 1
        var value = ""
        while let character = peek() {
            index += 1
            if character == quote {
                return ClusterQueryToken(kind: .quoted(value), position: start, text: "\(quote)\(value)\(quote)")
            }
            if character == "\\", peek() == quote {
                index += 1
                value.append(quote)
            } else {
                value.append(character)
            }
        }
        throw ClusterQuery.syntaxError(source, at: start, "a closing \(quote) for the string that starts")
    }
}
