import Foundation

/// The namespace of the CloudWatch Logs wire shapes (generated from botocore's model into
/// `Generated/`), the rules CloudWatch Logs applies to them and the constants of the API.
///
/// CloudWatch Logs speaks awsJson 1.1 (`X-Amz-Target: Logs_20140328.<Operation>`) with
/// lowerCamelCase members, like ECS.
public enum Logs {
    /// The SigV4 signing name (the credential scope's service).
    public static let signingName = "logs"
    /// The awsJson target prefix.
    public static let targetPrefix = "Logs_20140328"
    /// The header an Admiral agent sets on PutLogEvents: the ordinal of the batch's first
    /// event in its container's output, which makes a resent batch harmless.
    public static let ordinalHeader = "x-admiral-log-ordinal"

    /// The answer of operations whose output has no members.
    public struct EmptyOutput: Codable, Sendable, Hashable {
        /// Creates the empty answer.
        public init() {}
    }

    /// CloudWatch Logs' quotas and rules.
    public enum Limits {
        /// Events per PutLogEvents call.
        public static let eventsPerBatch = 10_000
        /// Bytes per PutLogEvents call: the messages' UTF-8 bytes plus `eventOverhead` each.
        public static let bytesPerBatch = 1_048_576
        /// The bytes every event counts for besides its message.
        public static let eventOverhead = 26
        /// The largest event (message plus overhead): 256 KiB.
        public static let bytesPerEvent = 262_144
        /// The largest span between the oldest and newest event of a batch: 24 hours.
        public static let batchSpanMillis = 24 * 3600 * 1000
        /// How old an event may be: 14 days.
        public static let oldestEventMillis = 14 * 86_400 * 1000
        /// How far ahead an event may be: 2 hours.
        public static let newestEventMillis = 2 * 3600 * 1000
        /// Events per GetLogEvents and FilterLogEvents page (and the most a page returns).
        public static let eventsPerPage = 10_000
        /// Bytes of events per GetLogEvents and FilterLogEvents page.
        public static let bytesPerPage = 1_048_576
        /// Groups or streams per Describe page.
        public static let describePageSize = 50
        /// Metric filters per log group.
        public static let metricFiltersPerGroup = 100
        /// Log events per TestMetricFilter call.
        public static let testMessages = 50
        /// Tags per log group.
        public static let tagsPerGroup = 50
        /// The retention periods (days) PutRetentionPolicy accepts.
        public static let retentionDays: Set<Int> = [
            1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
        ]
    }
}

/// The error codes of CloudWatch Logs beside the shared ones (`InvalidParameterException`,
/// `ResourceNotFoundException`, `LimitExceededException`).
extension AdmiralError.Code {
    /// The log group, stream or filter already exists.
    public static let resourceAlreadyExists = Self(rawValue: "ResourceAlreadyExistsException")
    /// The batch was already accepted.
    public static let dataAlreadyAccepted = Self(rawValue: "DataAlreadyAcceptedException")
    /// Another operation on the resource is in progress.
    public static let operationAborted = Self(rawValue: "OperationAbortedException")
}
