import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps datapoints as CloudWatch keeps them: 1-second data for 3 hours, 1-minute data
/// for 15 days, 5-minute data for 63 days and 1-hour data for 455 days, each rolled up
/// into the next resolution as it ages, in the background.
public struct MetricRetention: Service {
    /// How often the store is swept.
    public static let interval: Duration = .seconds(300)

    let cloudWatch: CloudWatchService
    let logger: Logger

    /// Creates the sweeper.
    public init(cloudWatch: CloudWatchService, logger: Logger) {
        self.cloudWatch = cloudWatch
        self.logger = logger
    }

    public func run() async throws {
        try await runPeriodically(every: Self.interval, logger: logger, failure: "metric roll-up failed") {
            let changed = try await cloudWatch.store.rollUp(now: Date())
            if changed > 0 {
                logger.debug("metric datapoints rolled up", metadata: ["buckets": .stringConvertible(changed)])
            }
        }
    }
}
