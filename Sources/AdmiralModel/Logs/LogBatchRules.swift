import Foundation

/// What PutLogEvents does with a batch: CloudWatch Logs' limits on the batch as a whole
/// (which refuse the call) and on each event's timestamp (which refuse only that event,
/// reported in `rejectedLogEventsInfo`).
public struct LogBatchVerdict: Sendable, Equatable {
    /// Indexes of the events to store, in the order sent.
    public var accepted: [Int]
    /// The events refused, as CloudWatch Logs reports them; nil when none was.
    public var rejected: Logs.RejectedLogEventsInfo?
}

/// The rules of PutLogEvents, pure.
public enum LogBatchRules {
    /// The bytes an event counts for against the batch and event limits.
    public static func size(of message: String) -> Int {
        message.utf8.count + Logs.Limits.eventOverhead
    }

    /// Checks a batch against the limits and sorts its events into accepted and refused.
    ///
    /// - Parameters:
    ///   - events: the batch as sent (out-of-order events are accepted, as the service
    ///     accepts them today).
    ///   - now: the time of the call, in milliseconds since the epoch.
    ///   - retentionDays: the group's retention, which refuses events it would delete at once.
    /// - Throws: `InvalidParameterException` for a batch over 10,000 events or
    ///   1,048,576 bytes, spanning more than 24 hours, or holding an empty or oversized event.
    public static func check(_ events: [Logs.InputLogEvent], now: Int, retentionDays: Int?) throws -> LogBatchVerdict {
        guard !events.isEmpty else {
            throw AdmiralError.invalidParameter(
                "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: "
                    + "Member must have length greater than or equal to 1")
        }
        guard events.count <= Logs.Limits.eventsPerBatch else {
            throw AdmiralError.invalidParameter(
                "1 validation error detected: Value '[\(events.count) elements]' at 'logEvents' failed to satisfy "
                    + "constraint: Member must have length less than or equal to \(Logs.Limits.eventsPerBatch)")
        }
        var total = 0
        var oldest = Int.max
        var newest = Int.min
        for (index, event) in events.enumerated() {
            guard !event.message.isEmpty else {
                throw AdmiralError.invalidParameter(
                    "1 validation error detected: Value '' at 'logEvents.\(index + 1).member.message' failed to "
                        + "satisfy constraint: Member must have length greater than or equal to 1")
            }
            let size = size(of: event.message)
            guard size <= Logs.Limits.bytesPerEvent else {
                throw AdmiralError.invalidParameter(
                    "Log event \(index) is \(size) bytes (message plus \(Logs.Limits.eventOverhead) bytes of "
                        + "overhead); the limit is \(Logs.Limits.bytesPerEvent): split the message.")
            }
            total += size
            oldest = min(oldest, event.timestamp)
            newest = max(newest, event.timestamp)
        }
        guard total <= Logs.Limits.bytesPerBatch else {
            throw AdmiralError.invalidParameter(
                "Upload too large: \(total) bytes exceeds limit of \(Logs.Limits.bytesPerBatch) (each event counts "
                    + "its message's UTF-8 bytes plus \(Logs.Limits.eventOverhead)); send fewer events per call.")
        }
        guard newest - oldest <= Logs.Limits.batchSpanMillis else {
            throw AdmiralError.invalidParameter(
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.")
        }
        let tooOld = now - Logs.Limits.oldestEventMillis
        let expired = retentionDays.map { now - $0 * 86_400_000 }
        let tooNew = now + Logs.Limits.newestEventMillis
        var accepted: [Int] = []
        accepted.reserveCapacity(events.count)
        var tooNewStart: Int?
        var tooOldEnd: Int?
        var expiredEnd: Int?
        for (index, event) in events.enumerated() {
            if event.timestamp > tooNew {
                tooNewStart = min(tooNewStart ?? index, index)
            } else if let expired, event.timestamp < expired {
                expiredEnd = index + 1
            } else if event.timestamp < tooOld {
                tooOldEnd = index + 1
            } else {
                accepted.append(index)
            }
        }
        let rejected =
            tooNewStart == nil && tooOldEnd == nil && expiredEnd == nil
            ? nil
            : Logs.RejectedLogEventsInfo(
                tooNewLogEventStartIndex: tooNewStart, tooOldLogEventEndIndex: tooOldEnd,
                expiredLogEventEndIndex: expiredEnd)
        return LogBatchVerdict(accepted: accepted, rejected: rejected)
    }
}
