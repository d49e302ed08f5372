import AdmiralModel
import Foundation

/// Opaque `nextToken`s and `maxResults` checks shared by the list operations.
///
/// A token is the base64 of a small JSON document naming the list it belongs to and
/// the last key returned; a token from another list, or one that was altered, is
/// refused with InvalidParameterException rather than silently restarting the list.
public enum Pagination {
    struct Token<Key: Codable>: Codable {
        var list: String
        var after: Key
    }

    /// Encodes the position after `key` in the list named `list`.
    public static func token<Key: Codable>(list: String, after key: Key) -> String {
        let data = (try? JSONEncoder().encode(Token(list: list, after: key))) ?? Data()
        return data.base64EncodedString()
    }

    /// Decodes a token of the list named `list`; nil for a nil or empty token.
    public static func position<Key: Codable>(
        _ token: String?, list: String, as type: Key.Type = Key.self
    ) throws -> Key? {
        guard let token, !token.isEmpty else { return nil }
        guard let data = Data(base64Encoded: token),
            let decoded = try? JSONDecoder().decode(Token<Key>.self, from: data), decoded.list == list
        else {
            throw AdmiralError.invalidParameter(
                "Invalid nextToken: pass the nextToken of a previous response of the same call unchanged.")
        }
        return decoded.after
    }

    /// The page size: `maxResults` checked against ECS's 1...100, 100 when absent.
    public static func pageSize(_ maxResults: Int?, maximum: Int = 100) throws -> Int {
        guard let maxResults else { return maximum }
        guard (1...maximum).contains(maxResults) else {
            throw AdmiralError.invalidParameter(
                "maxResults must be between 1 and \(maximum), got \(maxResults).")
        }
        return maxResults
    }
}
