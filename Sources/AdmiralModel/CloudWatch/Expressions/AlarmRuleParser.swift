import Foundation

/// Parses a composite alarm's rule into an ``AlarmRuleNode``.
///
/// The grammar, loosest binding first (CloudWatch does not document precedence; Admiral
/// uses the usual one, NOT over AND over OR):
///
///     rule     := and ('OR' and)*
///     and      := not ('AND' not)*
///     not      := 'NOT' not | primary
///     primary  := 'TRUE' | 'FALSE' | '(' rule ')'
///               | ('ALARM' | 'OK' | 'INSUFFICIENT_DATA') '(' alarm ')'
///     alarm    := '"' characters '"' | characters without spaces, quotes or parentheses
///
/// Keywords are matched without regard to case (CloudWatch's own guide writes `False`).
/// Inside double quotes, `\"` stands for a quote and `\\` for a backslash.
struct AlarmRuleParser {
    /// How deeply parentheses and NOTs may nest.
    static let maximumDepth = 100

    private let characters: [Character]
    private var index = 0
    private var depth = 0
    /// How many elements (functions, TRUE, FALSE, pairs of parentheses) the rule has so far.
    private(set) var elements = 0

    init(_ text: String) {
        characters = Array(text)
    }

    /// The syntax tree of the whole rule.
    mutating func parse() throws(AlarmRuleError) -> AlarmRuleNode {
        skipSpaces()
        guard index < characters.count else {
            throw AlarmRuleError.syntax(
                "the rule is empty; it must contain at least one function such as ALARM(name), or TRUE or FALSE.",
                at: 1)
        }
        let node = try rule()
        skipSpaces()
        guard index == characters.count else { throw unexpected("AND, OR or the end of the rule") }
        return node
    }

    private var position: Int { index + 1 }

    private var current: Character? { index < characters.count ? characters[index] : nil }

    private mutating func skipSpaces() {
        while let character = current, character.isWhitespace { index += 1 }
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_")
    }

    /// The word at the current position, uppercased, without consuming it.
    private func peekWord() -> String? {
        var end = index
        while end < characters.count, Self.isWordCharacter(characters[end]) { end += 1 }
        return end > index ? String(characters[index..<end]).uppercased() : nil
    }

    /// Consumes `keyword` if it is the next word.
    private mutating func take(_ keyword: String) -> Bool {
        skipSpaces()
        guard peekWord() == keyword else { return false }
        index += keyword.count
        return true
    }

    private func unexpected(_ expected: String) -> AlarmRuleError {
        let found: String
        if let word = peekWord() {
            found = "'\(String(characters[index..<(index + word.count)]))'"
        } else if let character = current {
            found = "'\(character)'"
        } else {
            found = "the end of the rule"
        }
        return AlarmRuleError.syntax("expected \(expected) but found \(found).", at: position)
    }

    private mutating func rule() throws(AlarmRuleError) -> AlarmRuleNode {
        var operands = [try conjunction()]
        while take("OR") { operands.append(try conjunction()) }
        return operands.count == 1 ? operands[0] : .any(operands)
    }

    private mutating func conjunction() throws(AlarmRuleError) -> AlarmRuleNode {
        var operands = [try negation()]
        while take("AND") { operands.append(try negation()) }
        return operands.count == 1 ? operands[0] : .all(operands)
    }

    private mutating func negation() throws(AlarmRuleError) -> AlarmRuleNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw AlarmRuleError.syntax(
                "the rule nests parentheses and NOTs more than \(Self.maximumDepth) levels deep.", at: position)
        }
        if take("NOT") { return .not(try negation()) }
        return try primary()
    }

    private mutating func primary() throws(AlarmRuleError) -> AlarmRuleNode {
        skipSpaces()
        let start = position
        if current == "(" {
            index += 1
            elements += 1
            let inner = try rule()
            skipSpaces()
            guard current == ")" else { throw unexpected("')' to close the '(' at position \(start)") }
            index += 1
            return inner
        }
        let states: [String: AlarmRuleState] = [
            "ALARM": .alarm, "OK": .ok, "INSUFFICIENT_DATA": .insufficientData,
        ]
        switch peekWord() {
        case "TRUE"?, "FALSE"?:
            let value = peekWord() == "TRUE"
            index += value ? 4 : 5
            elements += 1
            return .constant(value)
        case let word? where states[word] != nil:
            index += word.count
            elements += 1
            skipSpaces()
            guard current == "(" else {
                throw unexpected("'(' after \(word), as in \(word)(\"alarm-name\")")
            }
            index += 1
            let alarm = try alarmName(function: word, at: start)
            return .state(states[word] ?? .alarm, alarm: alarm)
        default:
            throw unexpected("ALARM(…), OK(…), INSUFFICIENT_DATA(…), TRUE, FALSE, NOT or '('")
        }
    }

    /// The alarm name or ARN inside a function's parentheses, and the closing parenthesis.
    private mutating func alarmName(function: String, at start: Int) throws(AlarmRuleError) -> String {
        skipSpaces()
        let nameStart = position
        var name = ""
        if current == "\"" {
            index += 1
            while let character = current, character != "\"" {
                if character == "\\", index + 1 < characters.count,
                    characters[index + 1] == "\"" || characters[index + 1] == "\\"
                {
                    index += 1
                }
                name.append(characters[index])
                index += 1
            }
            guard current == "\"" else {
                throw AlarmRuleError.syntax(
                    "the alarm name that starts with a double quote is not closed with one.", at: nameStart)
            }
            index += 1
        } else {
            while let character = current, !character.isWhitespace, !"()\"".contains(character) {
                name.append(character)
                index += 1
            }
        }
        guard !name.isEmpty else {
            throw AlarmRuleError.syntax(
                "\(function)(…) at position \(start) needs the name or ARN of an alarm, as in "
                    + "\(function)(\"my-alarm\").",
                at: nameStart)
        }
        skipSpaces()
        guard current == ")" else {
            if current == nil {
                throw unexpected("')' to close \(function)( at position \(start)")
            }
            throw AlarmRuleError.syntax(
                "expected ')' to close \(function)( at position \(start). An alarm name with spaces, "
                    + "parentheses or quotes must be written in double quotes, as in \(function)(\"my alarm\").",
                at: position)
        }
        index += 1
        return name
    }
}
