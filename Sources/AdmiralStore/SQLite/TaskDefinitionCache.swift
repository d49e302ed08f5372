import Synchronization

/// Task definition revisions recently read or written, so that DescribeTaskDefinition
/// (the call every task launch makes) does not go to SQLite and decode JSON each time.
///
/// Coherent because one `SQLiteStore` is the only writer of its database: every write
/// method updates or drops entries before it returns, and a read only fills the cache
/// when no write ran while it was reading (the generation counter), so a stale row
/// can never be cached after the write that replaced it was acknowledged. Writes update
/// it on GRDB's writer queue right after their commit, so in commit order: two
/// registrations of one family committed together cannot leave the older one as the
/// family's latest. A store
/// shared by several processes (PostgreSQL) must not use this cache as it is.
final class TaskDefinitionCache: Sendable {
    private struct State {
        var records: [String: TaskDefinitionRecord] = [:]
        /// The latest ACTIVE revision of each family, where known.
        var latest: [String: Int] = [:]
        var generation: UInt64 = 0
    }

    /// Entries kept at most; past that the cache starts again empty.
    static let capacity = 10_000

    private let state = Mutex(State())

    static func key(_ family: String, _ revision: Int) -> String { "\(family):\(revision)" }

    /// The cached revision, or the latest ACTIVE one when `revision` is nil.
    func lookup(family: String, revision: Int?) -> TaskDefinitionRecord? {
        state.withLock { state in
            guard let revision = revision ?? state.latest[family] else { return nil }
            return state.records[Self.key(family, revision)]
        }
    }

    /// The generation to pass to `fill` after a read.
    func generation() -> UInt64 {
        state.withLock { $0.generation }
    }

    /// Caches what a read found, unless a write ran since `generation` was taken.
    func fill(_ record: TaskDefinitionRecord, asLatest: Bool, generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            Self.insert(record, into: &state)
            if asLatest { state.latest[record.family] = record.revision }
        }
    }

    /// Records a committed write of `record`; `latestActive` is the family's latest ACTIVE
    /// revision after the write when the writer knows it.
    func wrote(_ record: TaskDefinitionRecord, latestActive: Int?) {
        state.withLock { state in
            state.generation &+= 1
            Self.insert(record, into: &state)
            if let latestActive {
                state.latest[record.family] = latestActive
            } else {
                state.latest[record.family] = nil
            }
        }
    }

    private static func insert(_ record: TaskDefinitionRecord, into state: inout State) {
        if state.records.count >= capacity {
            state.records.removeAll(keepingCapacity: true)
            state.latest.removeAll(keepingCapacity: true)
        }
        state.records[key(record.family, record.revision)] = record
    }
}
