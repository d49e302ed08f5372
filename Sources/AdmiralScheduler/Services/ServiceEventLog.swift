import AdmiralModel
import Foundation

/// The rules of a service's event log: newest first, at most 100 kept, and an identical
/// message not repeated while its cause persists, for up to six hours.
public enum ServiceEventLog {
    /// How many events a service keeps. `Service.events` in the ECS API reference: "A
    /// maximum of 100 of the latest events are displayed."
    public static let capacity = 100

    /// How long a duplicate message is held back. The ECS Developer Guide (service event
    /// messages): duplicates are omitted until the cause is resolved or six hours pass;
    /// the steady-state message likewise repeats when nothing changes.
    public static let throttleWindow: TimeInterval = 6 * 60 * 60

    /// Whether `message` would repeat a message the log (newest first) already holds
    /// within the window with its cause unresolved: for the steady-state message, when it
    /// is the newest event; for others, when no steady state was reached since.
    public static func isThrottled(_ message: String, service: String, log: [ServiceEvent], now: Date) -> Bool {
        let steady = ServiceMessages.steadyState(service: service)
        if message == steady {
            guard let newest = log.first else { return false }
            return newest.message == steady && now.timeIntervalSince(newest.createdAt) < throttleWindow
        }
        for event in log {
            if event.message == steady { return false }
            if event.message == message { return now.timeIntervalSince(event.createdAt) < throttleWindow }
        }
        return false
    }

    /// The log with new events (oldest first, as a plan lists them) added: newest first,
    /// trimmed to `capacity`.
    public static func appending(_ events: [ServiceEvent], to log: [ServiceEvent]) -> [ServiceEvent] {
        Array((events.reversed() + log).prefix(capacity))
    }

    /// The log with new events added, as the ECS shapes the store keeps; `makeId` gives
    /// each new event its id (ECS uses a UUID).
    public static func appending(
        _ events: [ServiceEvent], to log: [ECS.ServiceEvent], makeId: () -> String
    ) -> [ECS.ServiceEvent] {
        let fresh = events.reversed().map {
            ECS.ServiceEvent(id: makeId(), createdAt: $0.createdAt, message: $0.message)
        }
        return Array((fresh + log).prefix(capacity))
    }
}
