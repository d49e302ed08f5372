import Foundation

/// The namespace of the Application Auto Scaling wire shapes (generated from botocore's
/// model into `Generated/`) and the rules of scaling (`Rules/`).
public enum ApplicationAutoScaling {
    /// The SigV4 signing name.
    public static let signingName = "application-autoscaling"
    /// The awsJson 1.1 target prefix.
    public static let targetPrefix = "AnyScaleFrontendService"
    /// The only scalable dimension Admiral has: an ECS service's desired count.
    public static let ecsDesiredCount = "ecs:service:DesiredCount"
}

/// The error codes of Application Auto Scaling (its awsJson `__type`s).
extension AdmiralError.Code {
    /// A parameter is invalid, or names something that does not exist.
    public static let validationException = Self(rawValue: "ValidationException")
    /// The named scalable target, policy or scheduled action does not exist.
    public static let objectNotFound = Self(rawValue: "ObjectNotFoundException")
    /// Another request changed the same resource at the same time.
    public static let concurrentUpdate = Self(rawValue: "ConcurrentUpdateException")
    /// The pagination token is not one this server gave.
    public static let invalidNextTokenException = Self(rawValue: "InvalidNextTokenException")
    /// A scalable target would carry too many tags.
    public static let tooManyTagsException = Self(rawValue: "TooManyTagsException")
}

extension AdmiralError {
    /// A shorthand for Application Auto Scaling's `ValidationException`.
    public static func scalingValidation(_ message: String) -> AdmiralError {
        AdmiralError(.validationException, message)
    }
}
