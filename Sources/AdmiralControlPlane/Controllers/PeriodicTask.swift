import Foundation
import Logging
import ServiceLifecycle

/// Runs `step` every `interval` until graceful shutdown; a failing step is logged and
/// tried again at the next tick.
func runPeriodically(
    every interval: Duration, logger: Logger, failure message: Logger.Message,
    _ step: @escaping @Sendable () async throws -> Void
) async throws {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await step()
            } catch {
                logger.error(message, metadata: ["error": .string("\(error)")])
            }
            try? await Task.sleep(for: interval)
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
