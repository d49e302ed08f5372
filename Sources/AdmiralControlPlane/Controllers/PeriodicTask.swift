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
            guard await runStep(step, logger: logger, failure: message) else { break }
            try? await Task.sleep(for: interval)
        }
    }
}

/// Runs `step` once per `interval`, each time `lead` before a whole multiple of the
/// interval since the epoch (so at :58.5 of every minute for 60 s and 1.5 s), whatever
/// the process's start: work aligned so will find what others aligned the same way did
/// just before.
func runAligned(
    every interval: Duration, lead: Duration, logger: Logger, failure message: Logger.Message,
    _ step: @escaping @Sendable () async throws -> Void
) async throws {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(secondsToNext(every: interval.seconds, lead: lead.seconds, now: Date())))
            guard !Task.isCancelled, await runStep(step, logger: logger, failure: message) else { break }
        }
    }
}

/// Runs one step, logging a failure; returns false when the step was cut short because
/// the task is shutting down (nothing failed then).
private func runStep(
    _ step: @Sendable () async throws -> Void, logger: Logger, failure message: Logger.Message
) async -> Bool {
    do {
        try await step()
    } catch where Task.isCancelled {
        return false
    } catch {
        logger.error(message, metadata: ["error": .string("\(error)")])
    }
    return true
}

/// Seconds from `now` to the next time that is `lead` before a whole multiple of
/// `interval` since the epoch (more than a tenth of the interval ahead, so a step that
/// ran just before its time does not run twice).
func secondsToNext(every interval: TimeInterval, lead: TimeInterval, now: Date) -> TimeInterval {
    let interval = max(interval, 0.001)
    let shifted = now.timeIntervalSince1970 + lead
    var next = ((shifted / interval).rounded(.down) + 1) * interval
    if next - shifted < interval / 10 { next += interval }
    return next - shifted
}

extension Duration {
    /// The duration in seconds.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
