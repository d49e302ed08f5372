import Foundation

/// Builds the path and query string of an Engine API request with each name and value
/// percent-encoded.
struct RequestPath: Sendable {
    /// The path below the API version prefix, such as `/containers/create`.
    var path: String
    /// Query items in order; nil values are left out.
    var query: [(String, String)] = []

    init(_ path: String, query: [(String, String?)] = []) {
        self.path = path
        self.query = query.compactMap { name, value in value.map { (name, $0) } }
    }

    /// The path with its encoded query string.
    var encoded: String {
        guard !query.isEmpty else { return path }
        let items = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }
        return path + "?" + items.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    /// Percent-encodes a path part such as a container name or an image reference, keeping
    /// the `/`, `:` and `@` of references as the Docker CLI sends them.
    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: referenceAllowed) ?? value
    }

    private static let referenceAllowed = unreserved.union(CharacterSet(charactersIn: "/:@"))

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    /// The Engine API's `filters` parameter: a JSON object of names to lists of values.
    static func filters(_ filters: [String: [String]]) -> String? {
        guard !filters.isEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(filters) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
