import AdmiralModel
import Foundation

/// Marker pagination of the Describe operations: results are sorted by a key, and a
/// `Marker` is the base64 of a small JSON document naming the list and the last key
/// returned, so pages neither repeat nor skip when resources change between calls.
enum ELBv2Paging {
    struct Token: Codable {
        var list: String
        var after: [String]
    }

    /// The largest and default page size.
    static let maximumPageSize = 400

    /// One page of `items` (sorted by `key`) after the marker, and the next marker.
    static func page<Item>(
        _ items: [Item], key: (Item) -> [String], marker: String?, pageSize: Int?, list: String
    ) throws -> (items: [Item], nextMarker: String?) {
        let size = pageSize ?? maximumPageSize
        var remaining = items[...]
        if let marker, !marker.isEmpty {
            guard let data = Data(base64Encoded: marker),
                let token = try? JSONDecoder().decode(Token.self, from: data), token.list == list
            else {
                throw AdmiralError.validation(
                    "Invalid Marker: pass the NextMarker of a previous response of the same call unchanged.")
            }
            remaining = remaining.drop { !token.after.lexicographicallyPrecedes(key($0)) }
        }
        let page = Array(remaining.prefix(size))
        guard remaining.count > size, let last = page.last else { return (page, nil) }
        let data = (try? JSONEncoder().encode(Token(list: list, after: key(last)))) ?? Data()
        return (page, data.base64EncodedString())
    }

    /// A number as a key component that sorts like the number.
    static func sortable(_ number: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 12 - text.count)) + text
    }
}

/// Random resource ids: 16 lowercase hexadecimal digits, as in AWS's ARNs.
public struct ELBv2IDGenerator: Sendable {
    private let make: @Sendable () -> String

    /// Random ids.
    public static let random = ELBv2IDGenerator {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Ids from a function (tests use a counter).
    public init(_ make: @escaping @Sendable () -> String) {
        self.make = make
    }

    /// The next id.
    public func next() -> String { make() }
}
