import AWSWire
import AdmiralModel
import Foundation

/// awsJson 1.0 bodies of CloudWatch: timestamps as epoch seconds (botocore sends
/// numbers; ISO 8601 strings are read too), failures as CloudWatch's Query codes. Bodies
/// are read by `WireJSONDecoder`, whose values and errors are those of `decoder`.
enum CloudWatchJSON {
    static let emptyObject = Data("{}".utf8)

    static let decoder = JSONTimestamps.decoder()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws -> T {
        do {
            if body.isEmpty { return try decoder.decode(type, from: emptyObject) }
            return try WireJSONDecoder.decode(type, from: body, reference: decoder)
        } catch let error as DecodingError {
            throw map(error)
        }
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        Array(try encoder.encode(value))
    }

    static func map(_ error: DecodingError) -> AWSWireError {
        switch error {
        case .keyNotFound(let key, let context):
            return AWSWireError(
                code: "MissingParameter", message: "The parameter \(path(context.codingPath + [key])) is required.")
        case .valueNotFound(_, let context):
            return AWSWireError(
                code: "MissingParameter", message: "The parameter \(path(context.codingPath)) is required.")
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return .serialization("The request body must be a JSON object.")
            }
            return AWSWireError(
                code: "InvalidParameterValue",
                message: "The parameter \(path(context.codingPath)) must be \(JSONInput.describe(type)).")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .serialization("The request body is not valid JSON: fix its syntax and send it again.")
            }
            return AWSWireError(code: "InvalidParameterValue", message: context.debugDescription)
        @unknown default:
            return .serialization("The request body could not be read.")
        }
    }

    /// A coding path in the Query protocol's notation, which CloudWatch's messages use:
    /// `MetricData.member.1.Value`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { key in
            if let index = key.intValue { return "member.\(index + 1)" }
            return key.stringValue
        }.joined(separator: ".")
    }
}
