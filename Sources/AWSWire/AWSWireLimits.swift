/// Limits the wire layer enforces before any decoding.
public enum AWSWireLimits {
    /// The largest request body accepted, in bytes: 10 MiB.
    ///
    /// Every operation Admiral serves has a much smaller real limit (an ECS task
    /// definition is at most 64 KiB, a CloudWatch Logs `PutLogEvents` batch at most 1 MiB,
    /// a CloudWatch `PutMetricData` call 1 MB), so 10 MiB, API Gateway's payload limit,
    /// leaves room for every legal request while bounding the memory one request can
    /// hold. Larger bodies are answered with ``AWSWireError/requestTooLarge(limit:)`` (413).
    public static let maxRequestBodyBytes = 10 * 1024 * 1024
}
