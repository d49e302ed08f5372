import AdmiralModel
import Foundation

/// A decoder that answers every member, so that decoding a Codable shape through it gives
/// an instance with every optional member present: strings name their coding path, numbers
/// are 7, Booleans true, lists hold one element, maps one entry, and enumerations take
/// their first case. The member-preservation test uses it to build a request with every
/// member botocore lists, without naming them.
struct FillingDecoder: Decoder {
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    /// Deeper than any ECS shape; guards against recursive shapes.
    static let maximumDepth = 16

    /// Decodes `type` with every member filled in.
    static func fill<T: Decodable>(_ type: T.Type) throws -> T {
        try FillingDecoder(codingPath: []).fill(type)
    }

    func fill<T: Decodable>(_ type: T.Type) throws -> T {
        if let enumeration = type as? any AWSEnum.Type {
            return firstCase(of: enumeration) as! T
        }
        return try T(from: self)
    }

    func child(_ key: any CodingKey) -> FillingDecoder {
        FillingDecoder(codingPath: codingPath + [key])
    }

    var text: String {
        "value-of-" + codingPath.map(\.awsPathComponent).joined(separator: ".")
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        Unkeyed(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        Single(decoder: self)
    }

    private func firstCase<E: AWSEnum>(of type: E.Type) -> E {
        E.allCases.first!
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: FillingDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        var allKeys: [Key] { [Key(stringValue: "entry")].compactMap { $0 } }

        func contains(_ key: Key) -> Bool { codingPath.count < FillingDecoder.maximumDepth }
        func decodeNil(forKey key: Key) throws -> Bool { false }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.child(key).fill(type) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder.child(key).fill(type) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder.child(key).fill(type) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.child(key).fill(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder.child(key).fill(type) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder.child(key).fill(type) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder.child(key).fill(type) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder.child(key).fill(type) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder.child(key).fill(type) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder.child(key).fill(type) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder.child(key).fill(type) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder.child(key).fill(type) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder.child(key).fill(type) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder.child(key).fill(type) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder.child(key).fill(type) }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder.child(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try decoder.child(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { decoder }
        func superDecoder(forKey key: Key) throws -> any Decoder { decoder.child(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let decoder: FillingDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { codingPath.count < FillingDecoder.maximumDepth ? 1 : 0 }
        var isAtEnd: Bool { currentIndex >= (count ?? 0) }
        var currentIndex = 0

        init(decoder: FillingDecoder) { self.decoder = decoder }

        private mutating func next() -> FillingDecoder {
            defer { currentIndex += 1 }
            return decoder.child(IndexKey(intValue: currentIndex))
        }

        mutating func decodeNil() throws -> Bool { false }
        mutating func decode(_ type: Bool.Type) throws -> Bool { try next().fill(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next().fill(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try next().fill(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try next().fill(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next().fill(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().fill(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().fill(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().fill(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().fill(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try next().fill(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().fill(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().fill(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().fill(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().fill(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().fill(type) }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next().unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { next() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: FillingDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool { false }
        func decode(_ type: Bool.Type) throws -> Bool { true }
        func decode(_ type: String.Type) throws -> String { decoder.text }
        func decode(_ type: Double.Type) throws -> Double { 7 }
        func decode(_ type: Float.Type) throws -> Float { 7 }
        func decode(_ type: Int.Type) throws -> Int { 7 }
        func decode(_ type: Int8.Type) throws -> Int8 { 7 }
        func decode(_ type: Int16.Type) throws -> Int16 { 7 }
        func decode(_ type: Int32.Type) throws -> Int32 { 7 }
        func decode(_ type: Int64.Type) throws -> Int64 { 7 }
        func decode(_ type: UInt.Type) throws -> UInt { 7 }
        func decode(_ type: UInt8.Type) throws -> UInt8 { 7 }
        func decode(_ type: UInt16.Type) throws -> UInt16 { 7 }
        func decode(_ type: UInt32.Type) throws -> UInt32 { 7 }
        func decode(_ type: UInt64.Type) throws -> UInt64 { 7 }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.fill(type) }
    }

    struct IndexKey: CodingKey {
        var intValue: Int?
        var stringValue: String { String(intValue ?? 0) }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }
}
