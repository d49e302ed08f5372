import Foundation

/// The namespace of the Amazon ECS wire shapes (generated from botocore's model into
/// `Generated/`) and of the helpers that encode and decode them.
public enum ECS {
    /// The `X-Amz-Target` prefix of ECS operations (awsJson 1.1).
    public static let targetPrefix = "AmazonEC2ContainerServiceV20141113"
    /// The SigV4 signing name of ECS.
    public static let signingName = "ecs"

    /// A JSON decoder configured as ECS's wire format: timestamps as epoch seconds.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }

    /// A JSON encoder configured as ECS's wire format: timestamps as epoch seconds.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
