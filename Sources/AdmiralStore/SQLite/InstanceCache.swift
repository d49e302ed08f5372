import Synchronization

/// Decoded container instance rows by their `row_version`, so that building a placement
/// snapshot decodes only the instances that changed since the last one.
///
/// Coherent without coordination with writers: a `row_version` is assigned once, from a
/// counter that only grows (and restarts above the largest stored value), so an entry
/// can only ever match the row it was decoded from.
final class InstanceCache: Sendable {
    private struct Entry {
        var rowVersion: Int64
        var record: ContainerInstanceRecord
    }

    /// Entries kept at most; past that the cache starts again empty.
    static let capacity = 100_000

    private let entries = Mutex([String: Entry]())
    private let counter: Atomic<Int64>

    init(lastRowVersion: Int64) {
        counter = Atomic(lastRowVersion)
    }

    /// A row version never handed out before.
    func nextRowVersion() -> Int64 {
        counter.wrappingAdd(1, ordering: .relaxed).newValue
    }

    func lookup(key: String, rowVersion: Int64) -> ContainerInstanceRecord? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.rowVersion == rowVersion else { return nil }
            return entry.record
        }
    }

    func fill(key: String, rowVersion: Int64, record: ContainerInstanceRecord) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(rowVersion: rowVersion, record: record)
        }
    }
}
