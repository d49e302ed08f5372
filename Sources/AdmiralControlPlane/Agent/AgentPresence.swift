import Foundation
import Synchronization

/// Which agents are connected: how long since an agent last began or ended a poll, or
/// reported anything.
///
/// A poll held open is no sign of life by itself (a stopped or frozen agent keeps its
/// connection open), so the server holds polls for less than the disconnect threshold
/// (``AgentService``'s `maximumHold`): a live agent starts a new poll well within it.
///
/// Kept in memory: after a server restart every instance starts as just seen, so a
/// restart alone never marks an agent lost.
public final class AgentPresence: Sendable {
    private struct Entry {
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
        seen(cluster: cluster, instance: instance, at: date)
    }

    /// A poll ended.
    public func pollEnded(cluster: String, instance: String, at date: Date = Date()) {
        seen(cluster: cluster, instance: instance, at: date)
    }

    /// Any other sign of life from the agent (a state change report).
    public func seen(cluster: String, instance: String, at date: Date = Date()) {
        entries.withLock { entries in
            let key = Self.key(cluster: cluster, instance: instance)
            entries[key, default: Entry(lastSeen: date)].lastSeen = max(
                date, entries[key]?.lastSeen ?? date)
        }
    }

    /// How long the agent has been silent at `date`.
    public func silence(cluster: String, instance: String, at date: Date) -> TimeInterval {
        entries.withLock { entries in
            guard let entry = entries[Self.key(cluster: cluster, instance: instance)] else {
                return max(0, date.timeIntervalSince(startedAt))
            }
            return max(0, date.timeIntervalSince(entry.lastSeen))
        }
    }

    /// Forgets an instance (deregistered).
    public func forget(cluster: String, instance: String) {
        _ = entries.withLock { entries in entries.removeValue(forKey: Self.key(cluster: cluster, instance: instance)) }
    }
}
