import Foundation
import Logging
import ServiceLifecycle

/// Runs `step` every `interval` until graceful shutdown; a failing step is logged and
/// tried again at the next tick (a step cut short by the shutdown is not a failure).
func runPeriodically(
    every interval: Duration, logger: Logger, failure message: Logger.Message,
    _ step: @escaping @Sendable () async throws -> Void
) async throws {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await step()
            } catch where Task.isCancelled {
                // Shutting down: the step was cut short, nothing failed.
                break
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
