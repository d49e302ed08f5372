import Foundation

/// Decodes Query-protocol parameters into a `Decodable` value, reading the flat names that
/// botocore's query serializer writes:
///
/// - a structure member: `Prefix.Member` (the member's `CodingKey` string is the wire name)
/// - a list: `Prefix.member.N`, counted from 1, or, for flattened lists, `Prefix.N`; an
///   empty list is sent as `Prefix=` (with no value)
/// - a `[String: V]` map: `Prefix.entry.N.key` and `Prefix.entry.N.value` (flattened:
///   `Prefix.N.key`)
/// - booleans `true`/`false`, numbers in decimal, timestamps in ISO 8601 (`Date`), blobs in
///   base64 (`Data`)
///
/// Parameters the type does not read are ignored. A missing required member or a value of
/// the wrong type is a `ValidationError` (400), as ELBv2 and Auto Scaling answer.
public struct QueryDecoder: Sendable {
    /// How property names map to member names.
    public var keyStrategy: QueryKeyStrategy

    /// Creates a decoder.
    public init(keyStrategy: QueryKeyStrategy = .useDefaultKeys) {
        self.keyStrategy = keyStrategy
    }

    /// Decodes a value from flat parameters.
    public func decode<T: Decodable>(_ type: T.Type = T.self, from parameters: [String: String]) throws(AWSWireError)
        -> T
    {
        let decoder = QueryValueDecoder(
            store: QueryParameterStore(parameters), strategy: keyStrategy, codingPath: [], path: "")
        do {
            return try decoder.decodeValue(T.self)
        } catch {
            throw wireError(error)
        }
    }

    /// Decodes a value from a request's parameters.
    public func decode<T: Decodable>(_ type: T.Type = T.self, from request: QueryRequest) throws(AWSWireError) -> T {
        try decode(type, from: request.parameters)
    }

    /// The `ValidationError` for a decoding failure, in AWS's wording:
    /// `1 validation error detected: Value null at 'Name' failed to satisfy constraint: Member must not be null`.
    func wireError(_ error: any Error) -> AWSWireError {
        if let error = error as? AWSWireError { return error }
        let prefix = "1 validation error detected: "
        guard let error = error as? DecodingError else {
            return .validation(prefix + String(describing: error))
        }
        switch error {
        case .keyNotFound(let key, let context):
            let path = wirePath(context.codingPath + [key])
            return .validation(prefix + "Value null at '\(path)' failed to satisfy constraint: Member must not be null")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            if context.debugDescription.hasPrefix("Value ") {
                return .validation(prefix + context.debugDescription)
            }
            return .validation(
                prefix + "Value at '\(wirePath(context.codingPath))' failed to satisfy constraint: "
                    + context.debugDescription)
        @unknown default:
            return .validation(prefix + String(describing: error))
        }
    }

    /// The parameter name a coding path stands for.
    func wirePath(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { keyStrategy.wireName(of: $0) }.joined(separator: ".")
    }
}

/// The parameters, with every dotted prefix of every name, so that "is anything under
/// `Tags.member.1`?" is one set lookup.
final class QueryParameterStore {
    let values: [String: String]
    private let paths: Set<String>

    init(_ values: [String: String]) {
        self.values = values
        var paths = Set<String>()
        for name in values.keys {
            var prefix = name[...]
            paths.insert(String(prefix))
            while let dot = prefix.lastIndex(of: ".") {
                prefix = prefix[..<dot]
                paths.insert(String(prefix))
            }
        }
        self.paths = paths
    }

    /// Whether a parameter is named `path` or starts with `path.`.
    func contains(_ path: String) -> Bool {
        path.isEmpty ? !values.isEmpty : paths.contains(path)
    }

    /// The names of the members directly under a path.
    func childNames(of path: String) -> [String] {
        var names = Set<String>()
        let start = path.isEmpty ? "" : path + "."
        for name in values.keys where name.hasPrefix(start) && name.count > start.count {
            let rest = name.dropFirst(start.count)
            names.insert(String(rest.prefix { $0 != "." }))
        }
        return names.sorted()
    }

    static func join(_ path: String, _ component: String) -> String {
        path.isEmpty ? component : path + "." + component
    }
}

/// A coding key for list elements, map entries and fixed names such as `key`.
struct QueryKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ stringValue: String, index: Int? = nil) {
        self.stringValue = stringValue
        self.intValue = index
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) { self.init(String(intValue + 1), index: intValue) }
}
