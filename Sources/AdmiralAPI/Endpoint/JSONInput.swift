import AWSWire
import AdmiralModel
import Foundation

/// Decodes awsJson request bodies into the generated shapes and turns decoding
/// failures into the errors ECS answers with: malformed JSON and wrong member types
/// are `SerializationException`, missing required members and values outside an
/// enumeration are `InvalidParameterException`.
///
/// Bodies are read by `WireJSONDecoder`, whose values and errors are those of
/// `ECS.makeDecoder()` at a fraction of its cost.
enum JSONInput {
    static let emptyObject = Array("{}".utf8)

    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(AWSWireError) -> T {
        do {
            return try WireJSONDecoder.decode(type, from: body.isEmpty ? emptyObject : body)
        } catch let error as InvalidEnumValue {
            throw AWSWireError(
                code: "InvalidParameterException",
                message:
                    "Invalid value '\(error.value)' for \(error.member). Valid values: \(error.allowed.joined(separator: ", "))."
            )
        } catch let error as DecodingError {
            throw map(error)
        } catch {
            throw .serialization("The request body could not be read: \(error).")
        }
    }

    static func map(_ error: DecodingError) -> AWSWireError {
        switch error {
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return .serialization("The request body must be a JSON object.")
            }
            return .serialization(
                "Member '\(path(context.codingPath))' must be \(describe(type)); it has a value of another type.")
        case .keyNotFound(let key, let context):
            return AWSWireError(
                code: "InvalidParameterException",
                message: "Missing required member '\(path(context.codingPath + [key]))'.")
        case .valueNotFound(let type, let context):
            return AWSWireError(
                code: "InvalidParameterException",
                message: "Member '\(path(context.codingPath))' must be \(describe(type)), not null.")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return .serialization("The request body is not valid JSON: fix its syntax and send it again.")
            }
            return .serialization(
                "Member '\(path(context.codingPath))' has a value that cannot be read: \(context.debugDescription)")
        @unknown default:
            return .serialization("The request body could not be read.")
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map(\.awsPathComponent).joined(separator: ".")
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type, is Int64.Type: "a number"
        case is Bool.Type: "a boolean"
        case is Date.Type: "a timestamp (epoch seconds)"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
