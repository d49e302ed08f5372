import Foundation

/// The `Decoder` behind ``QueryDecoder``: a position (`path`) in the flat parameters.
struct QueryValueDecoder: Decoder {
    let store: QueryParameterStore
    let strategy: QueryKeyStrategy
    let codingPath: [any CodingKey]
    /// The parameter name of this position, for example `Tags.member.1`.
    let path: String

    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func child(_ key: some CodingKey) -> QueryValueDecoder {
        QueryValueDecoder(
            store: store, strategy: strategy, codingPath: codingPath + [key],
            path: QueryParameterStore.join(path, strategy.wireName(of: key)))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(QueryKeyedDecodingContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        QueryUnkeyedDecodingContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        QuerySingleValueDecodingContainer(decoder: self)
    }

    /// Decodes the value at this position, reading the types the Query protocol writes its
    /// own way (timestamps, blobs, maps) before falling back to `T(from:)`.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            return try cast(convert("an ISO 8601 timestamp", AWSTimestamp.parseISO8601))
        }
        if T.self == Data.self {
            return try cast(convert("base64-encoded") { Data(base64Encoded: $0) })
        }
        if T.self == URL.self {
            return try cast(convert("a URL") { URL(string: $0) })
        }
        if T.self == Decimal.self {
            return try cast(convert("a number") { Decimal(string: $0) })
        }
        if let mapType = T.self as? any QueryDecodableMap.Type {
            return try cast(mapType.init(queryDecoder: self))
        }
        return try T(from: self)
    }

    /// The raw parameter value at this position.
    func rawValue<T>(_ type: T.Type) throws -> String {
        guard let value = store.values[path] else {
            throw DecodingError.valueNotFound(
                type,
                .init(
                    codingPath: codingPath,
                    debugDescription: "Value null at '\(path)' failed to satisfy constraint: Member must not be null"))
        }
        return value
    }

    /// The value at this position converted, or a type mismatch naming what was expected.
    func convert<T>(_ expected: String, _ conversion: (String) -> T?) throws -> T {
        let raw = try rawValue(T.self)
        guard let value = conversion(raw) else {
            throw DecodingError.typeMismatch(
                T.self,
                .init(
                    codingPath: codingPath,
                    debugDescription:
                        "Value '\(raw)' at '\(path)' failed to satisfy constraint: Member must be \(expected)"
                ))
        }
        return value
    }

    func decodeBool() throws -> Bool {
        try convert("a boolean (true or false)") { raw in
            switch raw.lowercased() {
            case "true": true
            case "false": false
            default: nil
            }
        }
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        try convert("an integer") { T($0.trimmingCharacters(in: .whitespaces)) }
    }

    func decodeFloatingPoint<T: BinaryFloatingPoint & LosslessStringConvertible>(_ type: T.Type) throws -> T {
        try convert("a number") { raw in
            T(raw.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        }
    }

    private func cast<T, U>(_ value: U) throws -> T {
        guard let result = value as? T else {
            throw DecodingError.typeMismatch(
                T.self, .init(codingPath: codingPath, debugDescription: "Cannot represent \(U.self) as \(T.self)."))
        }
        return result
    }
}

/// A `[String: V]` dictionary, which the Query protocol writes as `entry.N.key`/`entry.N.value`.
protocol QueryDecodableMap {
    init(queryDecoder: QueryValueDecoder) throws
}

extension Dictionary: QueryDecodableMap where Key == String, Value: Decodable {
    init(queryDecoder decoder: QueryValueDecoder) throws {
        self.init()
        let flattened = !decoder.store.contains(QueryParameterStore.join(decoder.path, "entry.1"))
        var number = 1
        while true {
            let name = flattened ? "\(number)" : "entry.\(number)"
            guard decoder.store.contains(QueryParameterStore.join(decoder.path, name)) else { break }
            let entry = decoder.child(QueryKey(name, index: number - 1))
            let key = try entry.child(QueryKey("key")).decodeValue(String.self)
            self[key] = try entry.child(QueryKey("value")).decodeValue(Value.self)
            number += 1
        }
    }
}
