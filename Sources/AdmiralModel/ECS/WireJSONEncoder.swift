import Foundation

/// Encodes the generated ECS shapes to JSON bytes in one pass, as `ECS.makeEncoder()`
/// would (dates as epoch seconds, slashes unescaped, members in declaration order), but
/// writing straight into a byte buffer instead of building Foundation's intermediate
/// tree of values: on RegisterTaskDefinition that tree was the largest single cost.
///
/// It serves the way synthesized `Encodable` conformances use an encoder: one container
/// per value, its members encoded one after the other, nested values finished before the
/// next member starts (`Array`, `Dictionary`, `Optional` and `RawRepresentable` included).
/// A container is closed when the value that opened it returns from `encode(to:)`.
public enum WireJSONEncoder {
    /// `value` as JSON.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = WireJSONWriter()
        try writer.encodeValue(value)
        return writer.out
    }
}

/// The encoder and its output; the containers write through it.
final class WireJSONWriter: Encoder {
    var out: [UInt8] = []
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// The containers open, innermost last: their closing byte and whether they hold a member yet.
    private var open: [(close: UInt8, hasMembers: Bool)] = []

    init() {
        out.reserveCapacity(1024)
    }

    // MARK: Values

    /// Encodes one value; closes the containers it opened.
    func encodeValue<T: Encodable>(_ value: T) throws {
        let depth = open.count
        let start = out.count
        // Metatype comparisons, not dynamic casts: this runs for every nested value.
        if T.self == String.self {
            JSONText.appendString(unsafeBitCast(value, to: String.self), to: &out)
        } else if T.self == Int.self {
            writeInteger(unsafeBitCast(value, to: Int.self))
        } else if T.self == Bool.self {
            out.append(contentsOf: (unsafeBitCast(value, to: Bool.self) ? "true" : "false").utf8)
        } else if T.self == Date.self {
            try writeDouble(unsafeBitCast(value, to: Date.self).timeIntervalSince1970)
        } else if T.self == Double.self {
            try writeDouble(unsafeBitCast(value, to: Double.self))
        } else {
            try value.encode(to: self)
        }
        close(to: depth)
        // A value that encoded nothing is an empty object, as JSONEncoder writes it.
        if out.count == start { out.append(contentsOf: "{}".utf8) }
    }

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is not valid JSON"))
        }
        if value.rounded(.towardZero) == value, abs(value) < 1e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }

    func writeInteger(_ value: some BinaryInteger) {
        out.append(contentsOf: String(value).utf8)
    }

    // MARK: Containers

    /// Opens a container at the current depth.
    func openContainer(_ opening: UInt8, closing: UInt8) -> Int {
        out.append(opening)
        open.append((closing, false))
        return open.count
    }

    /// Closes every container deeper than `depth`.
    func close(to depth: Int) {
        while open.count > depth {
            out.append(open.removeLast().close)
        }
    }

    /// Starts a member of the container at `depth`: closes what a previous member left
    /// open and writes the separating comma.
    func beginMember(of depth: Int) {
        close(to: depth)
        if open[depth - 1].hasMembers {
            out.append(UInt8(ascii: ","))
        } else {
            open[depth - 1].hasMembers = true
        }
    }

    func beginMember(of depth: Int, key: some CodingKey) {
        beginMember(of: depth)
        JSONText.appendString(key.stringValue, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(
            WireJSONKeyedContainer<Key>(
                writer: self, depth: openContainer(UInt8(ascii: "{"), closing: UInt8(ascii: "}"))))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        WireJSONUnkeyedContainer(writer: self, depth: openContainer(UInt8(ascii: "["), closing: UInt8(ascii: "]")))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        WireJSONSingleValueContainer(writer: self)
    }
}

struct WireJSONKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: WireJSONWriter
    let depth: Int
    var codingPath: [any CodingKey] { writer.codingPath }

    mutating func encodeNil(forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.out.append(contentsOf: "null".utf8)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.codingPath.append(key)
        defer { writer.codingPath.removeLast() }
        try writer.encodeValue(value)
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        JSONText.appendString(value, to: &writer.out)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func encode(_ value: Int8, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int16, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int32, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int64, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt8, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt16, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt32, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        writer.writeInteger(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        try writer.writeDouble(value)
    }

    mutating func encode(_ value: Float, forKey key: Key) throws {
        writer.beginMember(of: depth, key: key)
        try writer.writeDouble(Double(value))
    }

    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        writer.beginMember(of: depth, key: key)
        return writer.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.beginMember(of: depth, key: key)
        return writer.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.beginMember(of: depth, key: WireJSONKey("super"))
        return writer
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.beginMember(of: depth, key: key)
        return writer
    }
}

struct WireJSONUnkeyedContainer: UnkeyedEncodingContainer {
    let writer: WireJSONWriter
    let depth: Int
    private(set) var count = 0
    var codingPath: [any CodingKey] { writer.codingPath }

    init(writer: WireJSONWriter, depth: Int) {
        self.writer = writer
        self.depth = depth
    }

    mutating func encodeNil() throws {
        writer.beginMember(of: depth)
        writer.out.append(contentsOf: "null".utf8)
        count += 1
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        writer.beginMember(of: depth)
        writer.codingPath.append(WireJSONKey(index: count))
        defer { writer.codingPath.removeLast() }
        count += 1
        try writer.encodeValue(value)
    }

    mutating func encode(_ value: Int8) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int16) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int32) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int64) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt8) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt16) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt32) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt64) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.writeInteger(value)
    }
    mutating func encode(_ value: String) throws {
        writer.beginMember(of: depth)
        count += 1
        JSONText.appendString(value, to: &writer.out)
    }

    mutating func encode(_ value: Bool) throws {
        writer.beginMember(of: depth)
        count += 1
        writer.out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func encode(_ value: Double) throws {
        writer.beginMember(of: depth)
        count += 1
        try writer.writeDouble(value)
    }

    mutating func encode(_ value: Float) throws {
        writer.beginMember(of: depth)
        count += 1
        try writer.writeDouble(Double(value))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        writer.beginMember(of: depth)
        count += 1
        return writer.container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.beginMember(of: depth)
        count += 1
        return writer.unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writer.beginMember(of: depth)
        count += 1
        return writer
    }
}

struct WireJSONSingleValueContainer: SingleValueEncodingContainer {
    let writer: WireJSONWriter
    var codingPath: [any CodingKey] { writer.codingPath }

    mutating func encodeNil() throws {
        writer.out.append(contentsOf: "null".utf8)
    }

    mutating func encode(_ value: String) throws {
        JSONText.appendString(value, to: &writer.out)
    }

    mutating func encode(_ value: Bool) throws {
        writer.out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func encode(_ value: Int) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Double) throws {
        try writer.writeDouble(value)
    }

    mutating func encode(_ value: Int8) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int16) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int32) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: Int64) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt8) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt16) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt32) throws {
        writer.writeInteger(value)
    }

    mutating func encode(_ value: UInt64) throws {
        writer.writeInteger(value)
    }
    mutating func encode(_ value: Float) throws {
        try writer.writeDouble(Double(value))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try writer.encodeValue(value)
    }
}

/// A coding key for array positions and `super`.
struct WireJSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init(index: Int) {
        stringValue = String(index)
        intValue = index
    }

    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}
