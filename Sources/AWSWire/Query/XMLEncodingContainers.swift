/// A structure: one child element per member; `nil` members are left out.
struct XMLKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: XMLTreeEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil(forKey key: Key) throws {}

    mutating func encode(_ value: Bool, forKey key: Key) throws { encoder.child(key).setText(value ? "true" : "false") }
    mutating func encode(_ value: String, forKey key: Key) throws { encoder.child(key).setText(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { encoder.child(key).setText(String(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { encoder.child(key).setText(value.description) }
    mutating func encode(_ value: Float, forKey key: Key) throws { encoder.child(key).setText(value.description) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.child(key).encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        encoder.child(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.child(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { encoder }

    mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.child(key) }
}

/// A list: one `<member>` child per element; `nil` elements are left out.
struct XMLUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: XMLTreeEncoder
    private(set) var count = 0

    init(encoder: XMLTreeEncoder) {
        self.encoder = encoder
    }

    var codingPath: [any CodingKey] { encoder.codingPath }

    private mutating func nextMember() -> XMLTreeEncoder {
        count += 1
        return encoder.child(QueryKey("\(encoder.listElement).\(count)", index: count - 1), name: encoder.listElement)
    }

    mutating func encodeNil() throws {}

    mutating func encode(_ value: Bool) throws { nextMember().setText(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { nextMember().setText(value) }
    mutating func encode(_ value: Int) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: Int8) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: Int16) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: Int32) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: Int64) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: UInt) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: UInt8) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: UInt16) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: UInt32) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: UInt64) throws { nextMember().setText(String(value)) }
    mutating func encode(_ value: Double) throws { nextMember().setText(value.description) }
    mutating func encode(_ value: Float) throws { nextMember().setText(value.description) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try nextMember().encodeValue(value)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        nextMember().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        nextMember().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { nextMember() }
}

/// A single value: the text of the element.
struct XMLSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: XMLTreeEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws {}

    mutating func encode(_ value: Bool) throws { encoder.setText(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { encoder.setText(value) }
    mutating func encode(_ value: Int) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: Int8) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: Int16) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: Int32) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: Int64) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: UInt) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: UInt8) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: UInt16) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: UInt32) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: UInt64) throws { encoder.setText(String(value)) }
    mutating func encode(_ value: Double) throws { encoder.setText(value.description) }
    mutating func encode(_ value: Float) throws { encoder.setText(value.description) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try encoder.encodeValue(value)
    }
}
