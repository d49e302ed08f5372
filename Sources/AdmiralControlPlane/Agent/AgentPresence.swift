import Foundation
import Synchronization

/// Which agents are connected: an agent is connected while one of its polls is held
/// open, and for a while after its last poll ended (it is about to poll again).
///
/// Kept in memory: after a server restart every instance starts as just seen, so a
/// restart alone never marks an agent lost.
public final class AgentPresence: Sendable {
    private struct Entry {
        var pollsInFlight = 0
        var lastSeen: Date
    }

    private let entries = Mutex([String: Entry]())
    private let startedAt: Date

    /// Creates the presence table; instances never seen count as seen at `startedAt`.
    public init(startedAt: Date = Date()) {
        self.startedAt = startedAt
    }

    static func key(cluster: String, instance: String) -> String { "\(cluster)/\(instance)" }

    /// A poll began.
    public func pollStarted(cluster: String, instance: String, at date: Date = Date()) {
        entries.withLock { entries in
            entries[Self.key(cluster: cluster, instance: instance), default: Entry(lastSeen: date)].pollsInFlight += 1
            entries[Self.key(cluster: cluster, instance: instance)]?.lastSeen = date
        }
    }

    /// A poll ended.
    public func pollEnded(cluster: String, instance: String, at date: Date = Date()) {
        entries.withLock { entries in
            let key = Self.key(cluster: cluster, instance: instance)
            guard var entry = entries[key] else { return }
            entry.pollsInFlight = max(0, entry.pollsInFlight - 1)
            entry.lastSeen = date
            entries[key] = entry
        }
    }

    /// Any other sign of life from the agent (a state change report).
    public func seen(cluster: String, instance: String, at date: Date = Date()) {
        entries.withLock { entries in
            let key = Self.key(cluster: cluster, instance: instance)
            entries[key, default: Entry(lastSeen: date)].lastSeen = max(
                date, entries[key]?.lastSeen ?? date)
        }
    }

    /// How long the agent has been silent at `date`: zero while a poll is open.
    public func silence(cluster: String, instance: String, at date: Date) -> TimeInterval {
        entries.withLock { entries in
            guard let entry = entries[Self.key(cluster: cluster, instance: instance)] else {
                return max(0, date.timeIntervalSince(startedAt))
            }
            if entry.pollsInFlight > 0 { return 0 }
            return max(0, date.timeIntervalSince(entry.lastSeen))
        }
    }

    /// Forgets an instance (deregistered).
    public func forget(cluster: String, instance: String) {
        _ = entries.withLock { entries in entries.removeValue(forKey: Self.key(cluster: cluster, instance: instance)) }
    }
}
