import AWSWire
import AdmiralControlPlane
import AdmiralModel
import Foundation

/// Application Auto Scaling on the endpoint (awsJson 1.1,
/// `X-Amz-Target: AnyScaleFrontendService.<Action>`): decodes the generated input
/// shape, calls ``ApplicationAutoScalingService``, encodes the output.
struct ApplicationAutoScalingHandler: Sendable {
    typealias Operation = @Sendable (_ body: [UInt8], _ context: RequestContext) async throws -> [UInt8]

    let operations: [String: Operation]

    static let decoder = JSONTimestamps.decoder()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    init(service: ApplicationAutoScalingService) {
        operations = [
            "RegisterScalableTarget": Self.operation(service.registerScalableTarget),
            "DescribeScalableTargets": Self.operation(service.describeScalableTargets),
            "DeregisterScalableTarget": Self.operation(service.deregisterScalableTarget),
            "PutScalingPolicy": Self.operation(service.putScalingPolicy),
            "DescribeScalingPolicies": Self.operation(service.describeScalingPolicies),
            "DeleteScalingPolicy": Self.operation(service.deleteScalingPolicy),
            "PutScheduledAction": Self.operation(service.putScheduledAction),
            "DescribeScheduledActions": Self.operation(service.describeScheduledActions),
            "DeleteScheduledAction": Self.operation(service.deleteScheduledAction),
            "DescribeScalingActivities": Self.operation(service.describeScalingActivities),
            "TagResource": Self.operation(service.tagResource),
            "UntagResource": Self.operation(service.untagResource),
            "ListTagsForResource": Self.operation(service.listTagsForResource),
        ]
    }

    func handle(operation name: String, body: [UInt8], context: RequestContext) async throws -> [UInt8] {
        guard let operation = operations[name] else {
            if name == "GetPredictiveScalingForecast" {
                throw AdmiralError.scalingValidation(
                    "Admiral does not implement predictive scaling: use target tracking, step or scheduled scaling.")
            }
            throw AWSWireError.unknownOperation("\(ApplicationAutoScaling.targetPrefix).\(name)")
        }
        return try await operation(body, context)
    }

    static func operation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ call: @escaping @Sendable (Input, RequestContext) async throws -> Output
    ) -> Operation {
        { body, context in
            let input: Input
            do {
                input = try decoder.decode(Input.self, from: body.isEmpty ? Data("{}".utf8) : Data(body))
            } catch let error as DecodingError {
                throw map(error)
            } catch let error as InvalidEnumValue {
                throw map(error)
            }
            return Array(try encoder.encode(try await call(input, context)))
        }
    }

    /// Decoding failures as the service words them: `ValidationException`, malformed JSON
    /// `SerializationException`.
    static func map(_ error: DecodingError) -> AWSWireError {
        switch error {
        case .keyNotFound(let key, let context):
            return AWSWireError(
                code: "ValidationException",
                message: "1 validation error detected: Value null at '\(path(context.codingPath + [key]))' failed to "
                    + "satisfy constraint: Member must not be null")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .serialization("The request body is not valid JSON: fix its syntax and send it again.")
        case .dataCorrupted(let context):
            return AWSWireError(code: "ValidationException", message: context.debugDescription)
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return AWSWireError(
                code: "ValidationException", message: "The value at '\(path(context.codingPath))' has the wrong type.")
        @unknown default:
            return .serialization("The request body could not be read.")
        }
    }

    /// A value outside an enumeration, as the service words it.
    static func map(_ error: InvalidEnumValue) -> AWSWireError {
        let member = error.member.split(separator: ".").map { $0.prefix(1).lowercased() + $0.dropFirst() }
        return AWSWireError(
            code: "ValidationException",
            message: "1 validation error detected: Value '\(error.value)' at '\(member.joined(separator: "."))' "
                + "failed to satisfy constraint: Member must satisfy enum value set: "
                + "[\(error.allowed.joined(separator: ", "))]")
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map {
            $0.intValue.map { "member.\($0 + 1)" }
                ?? ($0.stringValue.prefix(1).lowercased() + $0.stringValue.dropFirst())
        }
        .joined(separator: ".")
    }
}
