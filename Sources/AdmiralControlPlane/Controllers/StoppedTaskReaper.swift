import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// Removes tasks that have been STOPPED for longer than the retention, as ECS forgets
/// stopped tasks after about an hour.
public struct StoppedTaskReaper: Service {
    let store: any Store
    /// How long a stopped task stays describable.
    let retention: Duration
    /// How often the store is swept.
    let interval: Duration
    let logger: Logger

    /// Creates the reaper; by default tasks are kept an hour and swept every minute.
    public init(store: any Store, retention: Duration = .seconds(3600), interval: Duration = .seconds(60), logger: Logger)
    {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try await runPeriodically(every: interval, logger: logger, failure: "stopped task sweep failed") {
            let cutoff = Date().addingTimeInterval(-retention.seconds)
            let removed = try await store.deleteTasks(stoppedBefore: cutoff)
            if removed > 0 {
                logger.info("stopped tasks removed", metadata: ["tasks": .stringConvertible(removed)])
            }
        }
    }
}
