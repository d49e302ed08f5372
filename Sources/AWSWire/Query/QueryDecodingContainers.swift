/// A structure (or a map read member by member): each key is a parameter name under the
/// decoder's path.
struct QueryKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: QueryValueDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        decoder.store.childNames(of: decoder.path).compactMap { Key(stringValue: decoder.strategy.keyName($0)) }
    }

    func contains(_ key: Key) -> Bool {
        decoder.store.contains(decoder.child(key).path)
    }

    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

    /// The decoder for a member that must be present.
    private func present(_ key: Key) throws -> QueryValueDecoder {
        let child = decoder.child(key)
        guard decoder.store.contains(child.path) else {
            throw DecodingError.keyNotFound(
                key,
                .init(
                    codingPath: codingPath,
                    debugDescription:
                        "Value null at '\(child.path)' failed to satisfy constraint: Member must not be null"))
        }
        return child
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try present(key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try present(key).rawValue(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try present(key).decodeFloatingPoint(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try present(key).decodeFloatingPoint(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try present(key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try present(key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try present(key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try present(key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try present(key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try present(key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try present(key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try present(key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try present(key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try present(key).decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try present(key).decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try present(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try present(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { decoder.child(QueryKey("super")) }

    func superDecoder(forKey key: Key) throws -> any Decoder { decoder.child(key) }
}

/// A list: `Path.member.N`, or `Path.N` when flattened, from N = 1 while present.
struct QueryUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: QueryValueDecoder
    /// `member.` for wrapped lists, empty for flattened ones.
    private let elementPrefix: String
    let count: Int?
    private(set) var currentIndex = 0

    init(decoder: QueryValueDecoder) {
        self.decoder = decoder
        let wrapped = decoder.store.contains(QueryParameterStore.join(decoder.path, "member.1"))
        elementPrefix = wrapped ? "member." : ""
        var count = 0
        while decoder.store.contains(QueryParameterStore.join(decoder.path, "\(elementPrefix)\(count + 1)")) {
            count += 1
        }
        self.count = count
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var isAtEnd: Bool { currentIndex >= (count ?? 0) }

    /// The decoder of the next element.
    private mutating func next() throws -> QueryValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self,
                .init(
                    codingPath: codingPath,
                    debugDescription: "Value null at '\(decoder.path)' failed to satisfy constraint: "
                        + "Member must have at least \(currentIndex + 1) elements"))
        }
        currentIndex += 1
        return decoder.child(QueryKey("\(elementPrefix)\(currentIndex)", index: currentIndex - 1))
    }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().decodeBool() }
    mutating func decode(_ type: String.Type) throws -> String { try next().rawValue(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().decodeFloatingPoint(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().decodeFloatingPoint(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().decodeInteger(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().decodeInteger(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().decodeInteger(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().decodeInteger(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().decodeInteger(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().decodeInteger(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next().decodeValue(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

/// A single value: the parameter at the decoder's path.
struct QuerySingleValueDecodingContainer: SingleValueDecodingContainer {
    let decoder: QueryValueDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { !decoder.store.contains(decoder.path) }

    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.rawValue(type) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeFloatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decodeFloatingPoint(type) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.decodeValue(type)
    }
}
