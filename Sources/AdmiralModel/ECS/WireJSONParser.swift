import Foundation

// MARK: - The scan

/// One value of the document. Containers are followed by their contents (an object by key
/// and value nodes in turn, an array by its elements), so a subtree is a run of nodes.
struct WireJSONNode {
    enum Kind: UInt8 {
        case object, array, string, escapedString, integer, number, trueValue, falseValue, null
    }

    var kind: Kind
    /// Strings: the first byte after the opening quote; numbers: the first byte.
    var start: Int
    /// Strings: the closing quote; numbers: the byte after the last; containers: the
    /// index of the first node after the subtree.
    var end: Int

    /// The index of the node after this one's subtree, for a node at `index`.
    func next(after index: Int) -> Int {
        kind == .object || kind == .array ? end : index + 1
    }
}

/// A strict RFC 8259 scanner that declines (throws) on anything it is unsure of.
struct WireJSONParser {
    /// Deeper documents go to the reference decoder, which has its own limit.
    static let maximumDepth = 256

    let bytes: [UInt8]
    var index = 0
    var nodes: [WireJSONNode] = []

    init(bytes: [UInt8]) {
        self.bytes = bytes
        nodes.reserveCapacity(64)
    }

    mutating func parse() throws -> [WireJSONNode] {
        skipWhitespace()
        try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw WireJSONDeclined(reason: "bytes after the value") }
        return nodes
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws {
        guard index < bytes.count else { throw WireJSONDeclined(reason: "the document ends early") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", .trueValue)
        case UInt8(ascii: "f"): try parseLiteral("false", .falseValue)
        case UInt8(ascii: "n"): try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw WireJSONDeclined(reason: "not a JSON value")
        }
    }

    private mutating func parseLiteral(_ word: StaticString, _ kind: WireJSONNode.Kind) throws {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { throw WireJSONDeclined(reason: "a truncated literal") }
        let matches = word.withUTF8Buffer { literal in
            (0..<length).allSatisfy { bytes[index + $0] == literal[$0] }
        }
        guard matches else { throw WireJSONDeclined(reason: "not a JSON literal") }
        nodes.append(WireJSONNode(kind: kind, start: index, end: index + length))
        index += length
    }

    private mutating func parseObject(depth: Int) throws {
        guard depth <= Self.maximumDepth else { throw WireJSONDeclined(reason: "nested too deeply") }
        let node = nodes.count
        nodes.append(WireJSONNode(kind: .object, start: index, end: 0))
        index += 1
        skipWhitespace()
        var keys: [Int] = []
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw WireJSONDeclined(reason: "an object member without a key")
                }
                keys.append(nodes.count)
                // Keys are compared as bytes, so an escaped one goes to the reference
                // decoder, and so does one with non-ASCII text: Swift compares strings by
                // canonical equivalence, under which "\u{212A}" (KELVIN SIGN) is "K".
                let asciiKey = try parseString()
                guard nodes[nodes.count - 1].kind == .string, asciiKey else {
                    throw WireJSONDeclined(reason: "an escaped or non-ASCII key")
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw WireJSONDeclined(reason: "a key without a colon")
                }
                index += 1
                skipWhitespace()
                try parseValue(depth: depth)
                skipWhitespace()
                guard index < bytes.count else { throw WireJSONDeclined(reason: "an unterminated object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    continue
                }
                guard bytes[index] == UInt8(ascii: "}") else {
                    throw WireJSONDeclined(reason: "an object member followed by neither ',' nor '}'")
                }
                index += 1
                break
            }
        }
        try checkDistinct(keys)
        nodes[node].end = nodes.count
    }

    /// Repeated keys go to the reference decoder, which decides which one counts.
    private func checkDistinct(_ keys: [Int]) throws {
        guard keys.count > 1 else { return }
        if keys.count <= 16 {
            for (position, first) in keys.enumerated() {
                for second in keys[(position + 1)...] where sameKey(first, second) {
                    throw WireJSONDeclined(reason: "a repeated key")
                }
            }
        } else {
            var seen = Set<ArraySlice<UInt8>>()
            for key in keys where !seen.insert(bytes[nodes[key].start..<nodes[key].end]).inserted {
                throw WireJSONDeclined(reason: "a repeated key")
            }
        }
    }

    private func sameKey(_ first: Int, _ second: Int) -> Bool {
        let a = nodes[first]
        let b = nodes[second]
        guard a.end - a.start == b.end - b.start else { return false }
        return bytes[a.start..<a.end].elementsEqual(bytes[b.start..<b.end])
    }

    private mutating func parseArray(depth: Int) throws {
        guard depth <= Self.maximumDepth else { throw WireJSONDeclined(reason: "nested too deeply") }
        let node = nodes.count
        nodes.append(WireJSONNode(kind: .array, start: index, end: 0))
        index += 1
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
        } else {
            while true {
                try parseValue(depth: depth)
                skipWhitespace()
                guard index < bytes.count else { throw WireJSONDeclined(reason: "an unterminated array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    continue
                }
                guard bytes[index] == UInt8(ascii: "]") else {
                    throw WireJSONDeclined(reason: "an element followed by neither ',' nor ']'")
                }
                index += 1
                break
            }
        }
        nodes[node].end = nodes.count
    }

    /// Scans a string and tells whether it is all ASCII.
    @discardableResult
    private mutating func parseString() throws -> Bool {
        index += 1
        let start = index
        var escaped = false
        var ascii = true
        while true {
            // The plain bytes before the next quote, backslash or control character are
            // passed over in one tight loop (most of a log message), noting any non-ASCII.
            let (plainEnd, high) = bytes.withUnsafeBufferPointer { buffer -> (Int, UInt8) in
                var at = index
                var high: UInt8 = 0
                while at < buffer.count {
                    let byte = buffer[at]
                    if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
                    high |= byte
                    at += 1
                }
                return (at, high)
            }
            if high >= 0x80 { ascii = false }
            index = plainEnd
            guard index < bytes.count else { throw WireJSONDeclined(reason: "an unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw WireJSONDeclined(reason: "a control character in a string") }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 1
                guard index < bytes.count else { throw WireJSONDeclined(reason: "an unterminated escape") }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    break
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count, (1...4).allSatisfy({ Self.hexValue(bytes[index + $0]) != nil })
                    else { throw WireJSONDeclined(reason: "a malformed \\u escape") }
                    index += 4
                default:
                    throw WireJSONDeclined(reason: "an unknown escape")
                }
            }
            index += 1
        }
        if !ascii, String(validating: bytes[start..<index], as: UTF8.self) == nil {
            throw WireJSONDeclined(reason: "a string that is not UTF-8")
        }
        nodes.append(WireJSONNode(kind: escaped ? .escapedString : .string, start: start, end: index))
        index += 1
        return ascii
    }

    private mutating func parseNumber() throws {
        let start = index
        var integer = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else {
            throw WireJSONDeclined(reason: "a malformed number")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count && Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            integer = false
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else {
                throw WireJSONDeclined(reason: "a number without digits after its point")
            }
            while index < bytes.count && Self.isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            integer = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < bytes.count, Self.isDigit(bytes[index]) else {
                throw WireJSONDeclined(reason: "a number without exponent digits")
            }
            while index < bytes.count && Self.isDigit(bytes[index]) { index += 1 }
        }
        nodes.append(WireJSONNode(kind: integer ? .integer : .number, start: start, end: index))
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
