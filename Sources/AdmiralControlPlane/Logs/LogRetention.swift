import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// Deletes events older than their group's retention policy, in the background: every
/// ten minutes, and at once after a PutRetentionPolicy.
public struct LogRetention: Service {
    /// How often the store is swept when no policy changes.
    public static let interval: Duration = .seconds(600)
    /// How often the sweeper looks for a changed policy.
    static let tick: Duration = .seconds(1)

    let logs: LogsService
    let logger: Logger

    /// Creates the sweeper.
    public init(logs: LogsService, logger: Logger) {
        self.logs = logs
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await sweepLoop() }
    }

    func sweepLoop() async {
        var seen = -1
        var last = ContinuousClock.now
        while !Task.isCancelled {
            let generation = logs.retentionChanges.current
            if generation != seen || ContinuousClock.now - last >= Self.interval {
                seen = generation
                last = ContinuousClock.now
                do {
                    let removed = try await logs.store.expire(now: LogsService.millis(Date()))
                    if removed > 0 {
                        logger.info("expired log events deleted", metadata: ["events": .stringConvertible(removed)])
                    }
                } catch {
                    logger.error("log retention sweep failed", metadata: ["error": .string("\(error)")])
                }
            }
            try? await Task.sleep(for: Self.tick)
        }
    }
}
