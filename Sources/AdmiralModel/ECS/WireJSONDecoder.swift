import Foundation

/// Decodes JSON bytes into the generated ECS shapes (or any `Decodable`) with the result
/// `ECS.makeDecoder()` gives, at a fraction of its cost: the bytes are scanned once into a
/// flat list of nodes, and the containers read members straight from that list, comparing
/// keys as bytes, instead of building a dictionary per object and a tree of values.
///
/// Foundation's `JSONDecoder` stays the reference. The fast path accepts only what it is
/// sure `JSONDecoder` accepts in the same way: strict JSON (RFC 8259), object keys without
/// escapes and without repeats, integers written as integers, strings, numbers, Booleans,
/// dates as epoch seconds. Anything else, and every failure (a missing member, a wrong
/// type, an unknown enumeration value, malformed JSON), is decoded again by `JSONDecoder`,
/// whose value or error is the answer. So a value from here is always the one
/// `JSONDecoder` would have made, and every error is `JSONDecoder`'s own, with its
/// coding path and message.
public enum WireJSONDecoder {
    /// The reference decoder, configured as `ECS.makeDecoder()`; decoding does not change it.
    static let reference = ECS.makeDecoder()

    /// `type` decoded from `bytes`, as `ECS.makeDecoder().decode(type, from: bytes)` would.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decode(type, from: bytes, reference: reference)
    }

    /// `type` decoded from `bytes`, as `reference.decode(type, from: bytes)` would, for a
    /// reference decoder that reads dates as epoch seconds (other forms, such as ISO 8601
    /// strings, are left to it) and is otherwise configured as Foundation's defaults.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], reference: JSONDecoder) throws -> T {
        if let value = try? fastDecode(type, from: bytes) { return value }
        return try reference.decode(type, from: Data(bytes))
    }

    /// The fast path alone, without the reference decoder behind it (for tests): it throws
    /// where the fast path declines, which is not necessarily where `JSONDecoder` would.
    public static func fastDecode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        var parser = WireJSONParser(bytes: bytes)
        let nodes = try parser.parse()
        let decoder = WireJSONDecoding(bytes: bytes, nodes: nodes)
        return try decoder.decodeValue(type, at: 0, key: nil)
    }
}

/// Why the fast path declined; never leaves `WireJSONDecoder.decode`.
struct WireJSONDeclined: Error {
    var reason: String
}

// MARK: - The decoder

/// The `Decoder` over a scanned document. One instance serves a whole decoding: a nested
/// value is decoded by pointing it at the value's node and extending the coding path, then
/// putting both back, as synthesized conformances finish each member before the next.
final class WireJSONDecoding: Decoder {
    let bytes: [UInt8]
    let nodes: [WireJSONNode]
    /// The node the value being decoded starts at.
    var current = 0
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(bytes: [UInt8], nodes: [WireJSONNode]) {
        self.bytes = bytes
        self.nodes = nodes
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard nodes[current].kind == .object else {
            throw mismatch([String: Int].self, at: current, path: codingPath)
        }
        return KeyedDecodingContainer(
            WireJSONKeyedDecodingContainer<Key>(decoder: self, object: current, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard nodes[current].kind == .array else { throw mismatch([Int].self, at: current, path: codingPath) }
        return WireJSONUnkeyedDecodingContainer(decoder: self, array: current, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        WireJSONSingleValueDecodingContainer(decoder: self, node: current, codingPath: codingPath)
    }

    // MARK: Values

    /// The value at `node`; `key` (nil for the top level and single-value containers)
    /// extends the coding path while a nested value decodes itself.
    func decodeValue<T: Decodable>(_ type: T.Type, at node: Int, key: (any CodingKey)?) throws -> T {
        // Metatype comparisons, not dynamic casts: this runs for every member.
        if T.self == String.self { return unsafeBitCast(try string(at: node, key: key), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, at: node, key: key), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(at: node, key: key), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try integer(Int64.self, at: node, key: key), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try double(at: node, key: key), to: T.self) }
        if T.self == Date.self {
            return unsafeBitCast(Date(timeIntervalSince1970: try double(at: node, key: key)), to: T.self)
        }
        if T.self == [Double].self { return unsafeBitCast(try doubles(at: node, key: key), to: T.self) }
        // Types JSONDecoder treats specially, and those whose precision differs by path.
        if T.self == Data.self || T.self == URL.self || T.self == Decimal.self || T.self == Float.self {
            throw WireJSONDeclined(reason: "\(T.self) is left to the reference decoder")
        }
        let saved = current
        current = node
        if let key { codingPath.append(key) }
        defer {
            if key != nil { codingPath.removeLast() }
            current = saved
        }
        return try T(from: self)
    }

    func string(at node: Int, key: (any CodingKey)?) throws -> String {
        let value = nodes[node]
        switch value.kind {
        case .string:
            return String(decoding: bytes[value.start..<value.end], as: UTF8.self)
        case .escapedString:
            return try unescape(value)
        default:
            throw mismatch(String.self, at: node, path: path(key))
        }
    }

    func bool(at node: Int, key: (any CodingKey)?) throws -> Bool {
        switch nodes[node].kind {
        case .trueValue: return true
        case .falseValue: return false
        default: throw mismatch(Bool.self, at: node, path: path(key))
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type, at node: Int, key: (any CodingKey)?) throws -> T {
        let value = nodes[node]
        guard value.kind == .integer else {
            if value.kind == .number { throw WireJSONDeclined(reason: "an integer written with a point or exponent") }
            throw mismatch(T.self, at: node, path: path(key))
        }
        var index = value.start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var result: T = 0
        while index < value.end {
            let digit = T(bytes[index] - UInt8(ascii: "0"))
            let (shifted, overflow) = result.multipliedReportingOverflow(by: 10)
            let (added, overflow2) =
                negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow, !overflow2 else { throw WireJSONDeclined(reason: "an integer out of range") }
            result = added
            index += 1
        }
        return result
    }

    func double(at node: Int, key: (any CodingKey)?) throws -> Double {
        let value = nodes[node]
        switch value.kind {
        case .integer where value.end - value.start <= 15:
            // Exact: fewer than 16 digits fit a Double's 53-bit significand.
            let integer = try integer(Int.self, at: node, key: key)
            return integer == 0 && bytes[value.start] == UInt8(ascii: "-") ? -0.0 : Double(integer)
        case .integer, .number:
            guard let double = Self.parseDouble(bytes, value.start..<value.end), double.isFinite else {
                throw WireJSONDeclined(reason: "a number out of range")
            }
            return double
        default:
            throw mismatch(Double.self, at: node, path: path(key))
        }
    }

    /// An array of numbers (CloudWatch's `Values` and `Counts` carry thousands a call), read
    /// without an unkeyed container per element.
    func doubles(at node: Int, key: (any CodingKey)?) throws -> [Double] {
        let array = nodes[node]
        guard array.kind == .array else { throw mismatch([Double].self, at: node, path: path(key)) }
        var result: [Double] = []
        result.reserveCapacity(array.end - node - 1)
        var child = node + 1
        while child < array.end {
            guard nodes[child].kind == .integer || nodes[child].kind == .number else {
                throw WireJSONDeclined(reason: "an array element that is not a number")
            }
            result.append(try double(at: child, key: key))
            child += 1
        }
        return result
    }

    /// The number a scanned JSON number's bytes spell (the parser has checked its syntax),
    /// converted by `strtod` from a copy on the stack rather than through a `String`.
    static func parseDouble(_ bytes: [UInt8], _ range: Range<Int>) -> Double? {
        let count = range.count
        guard count < 64 else {
            return Double(String(decoding: bytes[range], as: UTF8.self))
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            for offset in 0..<count {
                buffer[offset] = CChar(bitPattern: bytes[range.lowerBound + offset])
            }
            buffer[count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, end == buffer.baseAddress! + count else { return nil }
            return value
        }
    }

    func isNull(_ node: Int) -> Bool {
        nodes[node].kind == .null
    }

    private func unescape(_ value: WireJSONNode) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.end - value.start)
        guard JSONEscapes.unescape(bytes, value.start..<value.end, into: &out) else {
            throw WireJSONDeclined(reason: "a malformed escape or a lone surrogate")
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Errors (the reference decoder replaces them; they only need to be thrown)

    func path(_ key: (any CodingKey)?) -> [any CodingKey] {
        key.map { codingPath + [$0] } ?? codingPath
    }

    func mismatch(_ type: Any.Type, at node: Int, path: [any CodingKey]) -> DecodingError {
        if nodes[node].kind == .null {
            return .valueNotFound(type, DecodingError.Context(codingPath: path, debugDescription: "null"))
        }
        return .typeMismatch(type, DecodingError.Context(codingPath: path, debugDescription: "another type"))
    }
}

/// An array index in a coding path.
struct WireJSONIndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }

    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
