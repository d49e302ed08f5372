import AWSWire
import Foundation

/// Timestamps in awsJson request bodies: epoch seconds, as botocore sends them, or an
/// ISO 8601 string, which other SDKs and hand-written requests use.
enum JSONTimestamps {
    /// A `JSONDecoder` reading both forms.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) {
                return Date(timeIntervalSince1970: seconds)
            }
            let text = try container.decode(String.self)
            guard let date = AWSTimestamp.parseISO8601(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "'\(text)' is not a timestamp (epoch seconds or ISO 8601).")
            }
            return date
        }
        return decoder
    }
}
