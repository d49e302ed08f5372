import Foundation

/// Parses CloudWatch Logs filter patterns (``LogFilterPattern``).
struct LogFilterPatternParser {
    struct Failure: Error {
        var reason: String
    }

    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case op(String)
    }

    let text: String
    var tokens: [Token] = []
    var position = 0

    init(_ text: String) {
        self.text = text
    }

    mutating func parse() throws(Failure) -> LogFilterPattern.Form {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "\"\"" { return .all }
        if trimmed.hasPrefix("{") {
            guard trimmed.hasSuffix("}") else { throw Failure(reason: "a JSON pattern must end with '}'") }
            tokens = try Self.tokenize(String(trimmed.dropFirst().dropLast()))
            let condition = try parseOr()
            guard position == tokens.count else { throw Failure(reason: "unexpected \(describe(tokens[position]))") }
            for field in condition.fields where !field.hasPrefix("$") {
                throw Failure(reason: "JSON selectors begin with '$.' ('\(field)' does not)")
            }
            return .json(condition)
        }
        if trimmed.hasPrefix("[") {
            guard trimmed.hasSuffix("]") else { throw Failure(reason: "a space-delimited pattern must end with ']'") }
            tokens = try Self.tokenize(String(trimmed.dropFirst().dropLast()))
            return try parseDelimited()
        }
        return try Self.parseTerms(trimmed)
    }

    // MARK: Terms

    static func parseTerms(_ text: String) throws(Failure) -> LogFilterPattern.Form {
        var required: [String] = []
        var optional: [String] = []
        var excluded: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == " " || text[index] == "\t" {
                index = text.index(after: index)
                continue
            }
            var kind: Character?
            if text[index] == "-" || text[index] == "?" {
                kind = text[index]
                index = text.index(after: index)
                guard index < text.endIndex else { throw Failure(reason: "'\(kind ?? " ")' must precede a term") }
            }
            var term = ""
            if text[index] == "\"" {
                index = text.index(after: index)
                var closed = false
                while index < text.endIndex {
                    let character = text[index]
                    index = text.index(after: index)
                    if character == "\\", index < text.endIndex {
                        term.append(text[index])
                        index = text.index(after: index)
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        term.append(character)
                    }
                }
                guard closed else { throw Failure(reason: "a quoted term is not closed") }
            } else {
                while index < text.endIndex, text[index] != " ", text[index] != "\t" {
                    term.append(text[index])
                    index = text.index(after: index)
                }
            }
            guard !term.isEmpty else { continue }
            switch kind {
            case "-": excluded.append(term)
            case "?": optional.append(term)
            default: required.append(term)
            }
        }
        if required.isEmpty && optional.isEmpty && excluded.isEmpty { return .all }
        return .terms(required: required, optional: optional, excluded: excluded)
    }

    // MARK: Space-delimited

    mutating func parseDelimited() throws(Failure) -> LogFilterPattern.Form {
        var fields: [LogDelimitedField] = []
        var conditions: [LogCondition] = []
        var names: Set<String> = []
        while position < tokens.count {
            guard case .word(let name) = tokens[position] else {
                throw Failure(reason: "expected a field name, found \(describe(tokens[position]))")
            }
            if name == "..." {
                fields.append(.ellipsis)
                position += 1
            } else {
                guard names.insert(name).inserted else { throw Failure(reason: "the field '\(name)' is named twice") }
                fields.append(.named(name))
                if position + 1 < tokens.count, case .op(let op) = tokens[position + 1], op != "," {
                    conditions.append(try parseOr())
                } else {
                    position += 1
                }
            }
            if position < tokens.count {
                guard tokens[position] == .op(",") else {
                    throw Failure(reason: "expected ',' between fields, found \(describe(tokens[position]))")
                }
                position += 1
                guard position < tokens.count else { throw Failure(reason: "a field must follow ','") }
            }
        }
        guard !fields.isEmpty else { throw Failure(reason: "a space-delimited pattern names at least one field") }
        for condition in conditions {
            for field in condition.fields where !names.contains(field) {
                throw Failure(reason: "the condition names '\(field)', which is not a field of the pattern")
            }
        }
        let condition = conditions.dropFirst().reduce(conditions.first) { result, next in
            result.map { .and($0, next) }
        }
        return .delimited(fields: fields, condition: condition)
    }

    // MARK: Conditions

    mutating func parseOr() throws(Failure) -> LogCondition {
        var left = try parseAnd()
        while position < tokens.count, tokens[position] == .op("||") {
            position += 1
            left = .or(left, try parseAnd())
        }
        return left
    }

    mutating func parseAnd() throws(Failure) -> LogCondition {
        var left = try parsePrimary()
        while position < tokens.count, tokens[position] == .op("&&") {
            position += 1
            left = .and(left, try parsePrimary())
        }
        return left
    }

    mutating func parsePrimary() throws(Failure) -> LogCondition {
        guard position < tokens.count else { throw Failure(reason: "a condition is incomplete") }
        if tokens[position] == .op("(") {
            position += 1
            let inner = try parseOr()
            guard position < tokens.count, tokens[position] == .op(")") else {
                throw Failure(reason: "a '(' is not closed")
            }
            position += 1
            return inner
        }
        guard case .word(let field) = tokens[position] else {
            throw Failure(reason: "expected a field, found \(describe(tokens[position]))")
        }
        position += 1
        guard position < tokens.count else { throw Failure(reason: "'\(field)' needs a comparison") }
        switch tokens[position] {
        case .word(let word) where word.uppercased() == "IS":
            position += 1
            guard position < tokens.count, case .word(let what) = tokens[position] else {
                throw Failure(reason: "IS must be followed by NULL, TRUE or FALSE")
            }
            position += 1
            switch what.uppercased() {
            case "NULL": return .isNull(field: field)
            case "TRUE": return .isBool(field: field, true)
            case "FALSE": return .isBool(field: field, false)
            default: throw Failure(reason: "IS must be followed by NULL, TRUE or FALSE")
            }
        case .word(let word) where word.uppercased() == "NOT":
            position += 1
            guard position < tokens.count, case .word(let what) = tokens[position], what.uppercased() == "EXISTS"
            else { throw Failure(reason: "NOT must be followed by EXISTS") }
            position += 1
            return .notExists(field: field)
        case .op(let text):
            guard let comparison = LogComparison(rawValue: text) else {
                throw Failure(reason: "'\(text)' is not a comparison (=, !=, <, <=, >, >=)")
            }
            position += 1
            guard position < tokens.count else { throw Failure(reason: "'\(field) \(text)' needs a value") }
            let value: LogPatternValue
            switch tokens[position] {
            case .quoted(let string): value = .string(string)
            case .word(let word): value = Double(word).map { .number($0) } ?? .string(word)
            case .op(let other): throw Failure(reason: "expected a value after '\(text)', found '\(other)'")
            }
            position += 1
            if comparison != .equal && comparison != .notEqual, case .string = value {
                throw Failure(reason: "'\(text)' compares numbers")
            }
            return .compare(field: field, comparison, value)
        case .quoted:
            throw Failure(reason: "'\(field)' must be followed by a comparison")
        case .word(let word):
            throw Failure(reason: "expected a comparison after '\(field)', found '\(word)'")
        }
    }

    func describe(_ token: Token) -> String {
        switch token {
        case .word(let word): "'\(word)'"
        case .quoted(let string): "\"\(string)\""
        case .op(let op): "'\(op)'"
        }
    }

    // MARK: Tokens

    static func tokenize(_ text: String) throws(Failure) -> [Token] {
        let characters = Array(text)
        var tokens: [Token] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "\t" || character == "\n" {
                index += 1
                continue
            }
            if character == "\"" {
                var string = ""
                index += 1
                var closed = false
                while index < characters.count {
                    let next = characters[index]
                    index += 1
                    if next == "\\", index < characters.count {
                        string.append(characters[index])
                        index += 1
                    } else if next == "\"" {
                        closed = true
                        break
                    } else {
                        string.append(next)
                    }
                }
                guard closed else { throw Failure(reason: "a quoted value is not closed") }
                tokens.append(.quoted(string))
                continue
            }
            let two = index + 1 < characters.count ? String(characters[index...index + 1]) : ""
            if ["&&", "||", "!=", "<=", ">="].contains(two) {
                tokens.append(.op(two))
                index += 2
                continue
            }
            if "=<>(),".contains(character) {
                tokens.append(.op(String(character)))
                index += 1
                continue
            }
            var word = ""
            while index < characters.count {
                let next = characters[index]
                if " \t\n\"=<>(),&|!".contains(next) { break }
                word.append(next)
                index += 1
            }
            guard !word.isEmpty else { throw Failure(reason: "unexpected '\(character)'") }
            tokens.append(.word(word))
        }
        return tokens
    }
}
