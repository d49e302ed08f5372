import Foundation

/// What a pattern found in an event: the values of the fields it names
/// (`$.latency` for JSON patterns, `$status` for space-delimited ones), as
/// TestMetricFilter shows them and metric filters read them.
public struct LogPatternMatch: Sendable, Hashable {
    /// Field values by their selector.
    public var values: [String: String]

    /// Creates a match.
    public init(values: [String: String] = [:]) {
        self.values = values
    }
}

extension LogFilterPattern {
    /// Whether the pattern selects `message`.
    public func matches(_ message: String) -> Bool {
        match(message) != nil
    }

    /// The match of `message`, nil when the pattern does not select it.
    public func match(_ message: String) -> LogPatternMatch? {
        switch form {
        case .all:
            return LogPatternMatch()
        case .terms(let required, let optional, let excluded):
            for term in required where !Self.occurs(term, in: message) { return nil }
            if !optional.isEmpty, !optional.contains(where: { Self.occurs($0, in: message) }) { return nil }
            for term in excluded where Self.occurs(term, in: message) { return nil }
            return LogPatternMatch()
        case .json(let condition):
            guard message.first(where: { !$0.isWhitespace }) == "{",
                let object = LogJSON.parse(message)
            else { return nil }
            let lookup: (String) -> LogFieldValue = { LogFieldValue.select($0, in: object) }
            guard Self.evaluate(condition, lookup) else { return nil }
            var values: [String: String] = [:]
            for field in condition.fields {
                if let text = lookup(field).text { values[field] = text }
            }
            return LogPatternMatch(values: values)
        case .delimited(let fields, let condition):
            let parts = Self.split(message)
            guard let bound = Self.bind(fields[...], parts[...]) else { return nil }
            let lookup: (String) -> LogFieldValue = { name in
                bound[name].map { LogFieldValue.string($0) } ?? .absent
            }
            if let condition, !Self.evaluate(condition, lookup) { return nil }
            var values: [String: String] = [:]
            for (name, value) in bound { values["$" + name] = value }
            return LogPatternMatch(values: values)
        }
    }

    /// Bytes that every message the pattern selects contains (its longest plain term), so
    /// that a store can pass over messages without them in one search; nil when the
    /// pattern has no such term.
    public var requiredLiteral: [UInt8]? {
        guard case .terms(let required, _, _) = form,
            let longest = required.max(by: { $0.utf8.count < $1.utf8.count }), !longest.isEmpty
        else { return nil }
        return Array(longest.utf8)
    }

    /// The number a metric filter's `metricValue` gives for a match: a literal number,
    /// or a field (`$.latency`, `$size`) holding one; nil when the field is absent or not
    /// a number.
    public static func metricValue(_ expression: String, in match: LogPatternMatch) -> Double? {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed) { return number }
        return match.values[trimmed].flatMap(Double.init)
    }

    // MARK: Conditions

    static func evaluate(_ condition: LogCondition, _ lookup: (String) -> LogFieldValue) -> Bool {
        switch condition {
        case .and(let left, let right):
            return evaluate(left, lookup) && evaluate(right, lookup)
        case .or(let left, let right):
            return evaluate(left, lookup) || evaluate(right, lookup)
        case .isNull(let field):
            if case .null = lookup(field) { return true }
            return false
        case .notExists(let field):
            if case .absent = lookup(field) { return true }
            return false
        case .isBool(let field, let expected):
            if case .bool(let value) = lookup(field) { return value == expected }
            return false
        case .compare(let field, let comparison, let value):
            return compare(lookup(field), comparison, value)
        }
    }

    static func compare(_ actual: LogFieldValue, _ comparison: LogComparison, _ expected: LogPatternValue) -> Bool {
        switch expected {
        case .number(let number):
            guard let value = actual.number else {
                // `$.code = 200` also matches the string "200" read as text.
                if comparison == .notEqual, case .absent = actual { return false }
                return comparison == .notEqual ? actual.text != nil : false
            }
            switch comparison {
            case .equal: return value == number
            case .notEqual: return value != number
            case .less: return value < number
            case .lessOrEqual: return value <= number
            case .greater: return value > number
            case .greaterOrEqual: return value >= number
            }
        case .string(let pattern):
            guard let text = actual.text else { return false }
            let equal = wildcard(pattern, matches: text)
            return comparison == .equal ? equal : !equal
        }
    }

    /// Whether `term` occurs in `message`, comparing UTF-8 bytes as CloudWatch Logs does
    /// (case-sensitive). Not Foundation's `contains`, which traps on some messages when
    /// the term holds a NUL (found by fuzzing: one FilterLogEvents call stopped the server).
    /// Whether `term` occurs in `message`, compared as UTF-8 bytes (``ByteSearch``: the
    /// generic collection search cost more than the rest of a filter's work on an event).
    static func occurs(_ term: String, in message: String) -> Bool {
        if term.isEmpty { return true }
        var term = term
        var message = message
        return term.withUTF8 { needle in
            message.withUTF8 { haystack in
                ByteSearch.firstOffset(of: UnsafeRawBufferPointer(needle), in: UnsafeRawBufferPointer(haystack)) != nil
            }
        }
    }

    /// `*` matches any run of characters; everything else matches itself.
    static func wildcard(_ pattern: String, matches text: String) -> Bool {
        guard pattern.contains("*") else { return pattern == text }
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        var rest = Substring(text)
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if index == parts.count - 1 {
                return part.isEmpty || rest.hasSuffix(part)
            } else if !part.isEmpty {
                guard let range = rest.utf8.firstRange(of: part.utf8) else { return false }
                rest = rest[range.upperBound...]
            }
        }
        return rest.isEmpty
    }

    // MARK: Space-delimited events

    /// Splits an event into fields at spaces; `"..."` and `[...]` are one field each
    /// (without their quotes or brackets).
    static func split(_ message: String) -> [String] {
        var fields: [String] = []
        var index = message.startIndex
        while index < message.endIndex {
            let character = message[index]
            if character == " " || character == "\t" {
                index = message.index(after: index)
                continue
            }
            if character == "\"" || character == "[" {
                let close: Character = character == "\"" ? "\"" : "]"
                let start = message.index(after: index)
                if let end = message[start...].firstIndex(of: close) {
                    fields.append(String(message[start..<end]))
                    index = message.index(after: end)
                    continue
                }
            }
            let end = message[index...].firstIndex(where: { $0 == " " || $0 == "\t" }) ?? message.endIndex
            fields.append(String(message[index..<end]))
            index = end
        }
        return fields
    }

    /// Binds the pattern's fields to the event's, `...` taking any number (shortest first).
    static func bind(_ pattern: ArraySlice<LogDelimitedField>, _ parts: ArraySlice<String>) -> [String: String]? {
        guard let first = pattern.first else { return parts.isEmpty ? [:] : nil }
        switch first {
        case .named(let name):
            guard let part = parts.first, var rest = bind(pattern.dropFirst(), parts.dropFirst()) else { return nil }
            rest[name] = part
            return rest
        case .ellipsis:
            var taken = 0
            while taken <= parts.count {
                if let rest = bind(pattern.dropFirst(), parts.dropFirst(taken)) { return rest }
                taken += 1
            }
            return nil
        }
    }
}

/// A value a selector found in an event.
enum LogFieldValue {
    case absent
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case structured

    var number: Double? {
        switch self {
        case .number(let value): value
        case .string(let text): Double(text)
        default: nil
        }
    }

    var text: String? {
        switch self {
        case .string(let text): text
        case .number(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): String(value)
        default: nil
        }
    }

    /// The value at a JSON selector (`$.a.b[0].c`) in a parsed event.
    static func select(_ selector: String, in root: LogJSON) -> LogFieldValue {
        guard selector.hasPrefix("$") else { return .absent }
        var current = root
        var rest = Substring(selector.dropFirst())
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let end = rest.firstIndex(where: { $0 == "." || $0 == "[" }) ?? rest.endIndex
                let key = String(rest[..<end])
                rest = rest[end...]
                guard case .object(let object) = current, let next = object[key] else { return .absent }
                current = next
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]"),
                    let index = Int(rest[rest.index(after: rest.startIndex)..<close])
                else { return .absent }
                rest = rest[rest.index(after: close)...]
                guard case .array(let array) = current, array.indices.contains(index) else { return .absent }
                current = array[index]
            } else {
                return .absent
            }
        }
        switch current {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .array, .object: return .structured
        }
    }
}

/// A JSON event, as much as selectors need of it.
enum LogJSON: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([LogJSON])
    case object([String: LogJSON])

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() {
                self = .null
                return
            }
            if let value = try? container.decode(Bool.self) {
                self = .bool(value)
                return
            }
            if let value = try? container.decode(Double.self) {
                self = .number(value)
                return
            }
            if let value = try? container.decode(String.self) {
                self = .string(value)
                return
            }
            if let value = try? container.decode([LogJSON].self) {
                self = .array(value)
                return
            }
        }
        self = .object(try decoder.singleValueContainer().decode([String: LogJSON].self))
    }
}

extension LogJSON {
    /// A message parsed by the wire scanner into a tree (several times faster than a
    /// `JSONDecoder` per event, which FilterLogEvents with a JSON pattern pays for every
    /// event it reads); what the scanner declines (nesting past its depth) goes to
    /// `JSONDecoder`. Nil when the message is not JSON.
    static func parse(_ message: String) -> LogJSON? {
        let bytes = Array(message.utf8)
        var parser = WireJSONParser(bytes: bytes)
        guard let nodes = try? parser.parse() else {
            return try? JSONDecoder().decode(LogJSON.self, from: Data(bytes))
        }
        return try? build(WireJSONDecoding(bytes: bytes, nodes: nodes), 0)
    }

    private static func build(_ document: WireJSONDecoding, _ index: Int) throws -> LogJSON {
        let node = document.nodes[index]
        switch node.kind {
        case .null: return .null
        case .trueValue: return .bool(true)
        case .falseValue: return .bool(false)
        case .string, .escapedString: return .string(try document.string(at: index, key: nil))
        case .integer, .number:
            guard let value = WireJSONDecoding.parseDouble(document.bytes, node.start..<node.end) else {
                throw WireJSONDeclined(reason: "a number out of range")
            }
            return .number(value)
        case .array:
            var items: [LogJSON] = []
            var child = index + 1
            while child < node.end {
                items.append(try build(document, child))
                child = document.nodes[child].next(after: child)
            }
            return .array(items)
        case .object:
            var members: [String: LogJSON] = [:]
            var child = index + 1
            while child < node.end {
                let key = try document.string(at: child, key: nil)
                let value = child + 1
                members[key] = try build(document, value)
                child = document.nodes[value].next(after: value)
            }
            return .object(members)
        }
    }
}
