import Foundation

/// CloudWatch's storage resolutions and how long each is kept.
///
/// From the GetMetricStatistics and GetMetricData API reference: data points with a
/// period of less than 60 seconds are available for 3 hours, of 60 seconds for 15 days,
/// of 300 seconds for 63 days and of 3600 seconds for 455 days (15 months). Data
/// published at a finer period is aggregated into the next coarser one as it ages:
/// high-resolution data (`StorageResolution` 1) is kept at 1 second, then 1 minute,
/// 5 minutes and 1 hour, and is gone after 455 days.
///
/// An age exactly at a limit still belongs to the finer tier ("available for 3 hours"
/// includes the third hour), and a timestamp in the future has age zero.
public enum MetricResolution {
    /// One storage resolution and how long data at it is kept.
    public struct Tier: Sendable, Hashable {
        /// The length of a stored bucket, in seconds.
        public var resolution: Int
        /// How long after its timestamp a bucket stays at this resolution.
        public var retention: TimeInterval
    }

    /// `StorageResolution` 1: a high-resolution metric.
    public static let high = 1
    /// `StorageResolution` 60, the default.
    public static let standard = 60

    /// The tiers from finest to coarsest.
    public static let tiers: [Tier] = [
        Tier(resolution: 1, retention: 3 * 3600),
        Tier(resolution: 60, retention: 15 * 86400),
        Tier(resolution: 300, retention: 63 * 86400),
        Tier(resolution: 3600, retention: 455 * 86400),
    ]

    /// The resolution, in seconds, at which a data point published with `reported`
    /// (1 or 60) is kept once it is `age` old: 1, then 60, 300 and 3600; nil once it has
    /// expired. A reported resolution finer than a tier is kept at that tier's (so 60
    /// starts at 60, and a datum older than 3 hours published at 1 is kept at 60).
    public static func storageResolution(forAge age: TimeInterval, reported: Int) -> Int? {
        let age = Swift.max(age, 0)
        return tiers.first { $0.resolution >= reported && age <= $0.retention }?.resolution
    }

    /// The finest resolution, in seconds, at which any data `age` old is still kept: 1 for
    /// the last 3 hours, 60 up to 15 days, 300 up to 63 days, 3600 up to 455 days; nil beyond.
    public static func finestAvailableResolution(forAge age: TimeInterval) -> Int? {
        storageResolution(forAge: age, reported: high)
    }

    /// `date` floored to a multiple of `seconds` since 1970-01-01T00:00:00Z: the start of
    /// the stored bucket that holds it. A resolution below 1 is taken as 1.
    public static func bucketStart(_ date: Date, resolution seconds: Int) -> Date {
        let length = Double(Swift.max(seconds, 1))
        return Date(timeIntervalSince1970: (date.timeIntervalSince1970 / length).rounded(.down) * length)
    }
}
