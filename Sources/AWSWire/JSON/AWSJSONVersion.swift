/// The version of the awsJson protocol a service speaks.
public enum AWSJSONVersion: String, Sendable, Hashable, CaseIterable {
    /// awsJson 1.0 (CloudWatch, DynamoDB).
    case v1_0 = "1.0"
    /// awsJson 1.1 (ECS, Logs, Application Auto Scaling).
    case v1_1 = "1.1"

    /// The `Content-Type` of requests and responses: `application/x-amz-json-1.0` or `-1.1`.
    public var contentType: String { "application/x-amz-json-\(rawValue)" }
}
