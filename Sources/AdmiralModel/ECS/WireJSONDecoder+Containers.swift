import Foundation

// MARK: - Containers

struct WireJSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: WireJSONDecoding
    let object: Int
    let codingPath: [any CodingKey]

    var allKeys: [Key] {
        var keys: [Key] = []
        var index = object + 1
        let nodes = decoder.nodes
        while index < nodes[object].end {
            let name = nodes[index]
            if let key = Key(stringValue: String(decoding: decoder.bytes[name.start..<name.end], as: UTF8.self)) {
                keys.append(key)
            }
            index = nodes[index + 1].next(after: index + 1)
        }
        return keys
    }

    /// The value node of `key`, or nil when the object has no such member.
    private func find(_ key: Key) -> Int? {
        let name = key.stringValue
        let nodes = decoder.nodes
        let end = nodes[object].end
        return name.utf8.withContiguousStorageIfAvailable { wanted -> Int? in
            decoder.bytes.withUnsafeBufferPointer { bytes -> Int? in
                guard let base = bytes.baseAddress, let wantedBase = wanted.baseAddress else {
                    return findSlowly(name)
                }
                var index = object + 1
                while index < end {
                    let candidate = nodes[index]
                    if candidate.end - candidate.start == wanted.count
                        && memcmp(base + candidate.start, wantedBase, wanted.count) == 0
                    {
                        return index + 1
                    }
                    index = nodes[index + 1].next(after: index + 1)
                }
                return nil
            }
        } ?? findSlowly(name)
    }

    private func findSlowly(_ name: String) -> Int? {
        let nodes = decoder.nodes
        var index = object + 1
        while index < nodes[object].end {
            let candidate = nodes[index]
            if decoder.bytes[candidate.start..<candidate.end].elementsEqual(name.utf8) { return index + 1 }
            index = nodes[index + 1].next(after: index + 1)
        }
        return nil
    }

    private func require(_ key: Key) throws -> Int {
        guard let node = find(key) else {
            throw DecodingError.keyNotFound(
                key, DecodingError.Context(codingPath: codingPath, debugDescription: "missing"))
        }
        return node
    }

    /// The value node of `key` unless it is absent or null.
    private func present(_ key: Key) -> Int? {
        guard let node = find(key), !decoder.isNull(node) else { return nil }
        return node
    }

    func contains(_ key: Key) -> Bool { find(key) != nil }

    func decodeNil(forKey key: Key) throws -> Bool { decoder.isNull(try require(key)) }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.bool(at: require(key), key: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decoder.string(at: require(key), key: key)
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder.double(at: require(key), key: key)
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        throw WireJSONDeclined(reason: "Float is left to the reference decoder")
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try decoder.integer(type, at: require(key), key: key)
    }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.decodeValue(type, at: require(key), key: key)
    }

    // The optional members of every shape: one lookup each, absent and null alike nil.
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let node = present(key) else { return nil }
        return try decoder.string(at: node, key: key)
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let node = present(key) else { return nil }
        return try decoder.integer(type, at: node, key: key)
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let node = present(key) else { return nil }
        return try decoder.bool(at: node, key: key)
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let node = present(key) else { return nil }
        return try decoder.double(at: node, key: key)
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let node = present(key) else { return nil }
        return try decoder.decodeValue(type, at: node, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let node = try require(key)
        guard decoder.nodes[node].kind == .object else {
            throw decoder.mismatch([String: Int].self, at: node, path: codingPath + [key])
        }
        return KeyedDecodingContainer(
            WireJSONKeyedDecodingContainer<NestedKey>(decoder: decoder, object: node, codingPath: codingPath + [key]))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let node = try require(key)
        guard decoder.nodes[node].kind == .array else {
            throw decoder.mismatch([Int].self, at: node, path: codingPath + [key])
        }
        return WireJSONUnkeyedDecodingContainer(decoder: decoder, array: node, codingPath: codingPath + [key])
    }

    func superDecoder() throws -> any Decoder {
        throw WireJSONDeclined(reason: "superDecoder is left to the reference decoder")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        throw WireJSONDeclined(reason: "superDecoder is left to the reference decoder")
    }
}

struct WireJSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: WireJSONDecoding
    let array: Int
    let codingPath: [any CodingKey]
    var currentIndex = 0
    /// The node of the next element.
    private var position: Int

    init(decoder: WireJSONDecoding, array: Int, codingPath: [any CodingKey]) {
        self.decoder = decoder
        self.array = array
        self.codingPath = codingPath
        self.position = array + 1
    }

    var count: Int? {
        var total = 0
        var index = array + 1
        while index < decoder.nodes[array].end {
            total += 1
            index = decoder.nodes[index].next(after: index)
        }
        return total
    }

    var isAtEnd: Bool { position >= decoder.nodes[array].end }

    private func checkNotAtEnd(_ type: Any.Type) throws {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, DecodingError.Context(codingPath: codingPath, debugDescription: "no more elements"))
        }
    }

    private mutating func next() throws -> (node: Int, key: WireJSONIndexKey) {
        try checkNotAtEnd(Any.self)
        let node = position
        let key = WireJSONIndexKey(currentIndex)
        position = decoder.nodes[node].next(after: node)
        currentIndex += 1
        return (node, key)
    }

    mutating func decodeNil() throws -> Bool {
        try checkNotAtEnd(Any.self)
        guard decoder.isNull(position) else { return false }
        _ = try next()
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try element(type) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try element(type) }
    mutating func decode(_ type: String.Type) throws -> String { try element(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try element(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try element(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try element(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try element(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try element(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try element(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try element(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try element(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try element(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try element(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try element(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try element(type) }

    /// Every element decodes through `decodeValue`; the element is taken only once it has
    /// decoded, as JSONDecoder does.
    private mutating func element<T: Decodable>(_ type: T.Type) throws -> T {
        try checkNotAtEnd(T.self)
        let value = try decoder.decodeValue(type, at: position, key: WireJSONIndexKey(currentIndex))
        _ = try next()
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        guard !isAtEnd, decoder.nodes[position].kind == .object else {
            throw WireJSONDeclined(reason: "a nested container that is not an object")
        }
        let (node, key) = try next()
        return KeyedDecodingContainer(
            WireJSONKeyedDecodingContainer<NestedKey>(decoder: decoder, object: node, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard !isAtEnd, decoder.nodes[position].kind == .array else {
            throw WireJSONDeclined(reason: "a nested container that is not an array")
        }
        let (node, key) = try next()
        return WireJSONUnkeyedDecodingContainer(decoder: decoder, array: node, codingPath: codingPath + [key])
    }

    mutating func superDecoder() throws -> any Decoder {
        throw WireJSONDeclined(reason: "superDecoder is left to the reference decoder")
    }
}

struct WireJSONSingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: WireJSONDecoding
    let node: Int
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { decoder.isNull(node) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeValue(type, at: node, key: nil)
    }

    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: node, key: nil) }
    func decode(_ type: String.Type) throws -> String { try decoder.string(at: node, key: nil) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.double(at: node, key: nil) }
    func decode(_ type: Float.Type) throws -> Float {
        throw WireJSONDeclined(reason: "Float is left to the reference decoder")
    }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type, at: node, key: nil) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type, at: node, key: nil) }
}
