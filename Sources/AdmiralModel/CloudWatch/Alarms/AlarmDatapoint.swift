import Foundation

/// One period of an alarm's evaluation range: the statistic of the period starting at `timestamp`, or
/// `nil` when the metric had no data in that period.
public struct AlarmDatapoint: Sendable, Hashable {
    /// The start of the period, which CloudWatch prints as the datapoint's time.
    public var timestamp: Date
    /// The statistic over the period, or `nil` when the period is missing.
    public var value: Double?
    /// The number of samples behind the statistic, when known; CloudWatch omits `sampleCount` otherwise.
    public var sampleCount: Double?

    /// Creates a datapoint; leave `value` `nil` for a missing period.
    public init(timestamp: Date, value: Double?, sampleCount: Double? = nil) {
        self.timestamp = timestamp
        self.value = value
        self.sampleCount = sampleCount
    }

    /// Creates a missing period.
    public static func missing(at timestamp: Date) -> AlarmDatapoint {
        AlarmDatapoint(timestamp: timestamp, value: nil)
    }

    /// Whether the period has a value.
    public var isPresent: Bool { value != nil }
}
