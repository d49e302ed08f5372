import AdmiralScheduler
import AdmiralStore
import Synchronization

/// The scheduler's view of each container instance, kept by the record's version (which
/// goes up with every change of the instance), so that placing a task on a cluster of n
/// instances converts only the instances that changed since the last placement.
final class InstanceSnapshotCache: Sendable {
    private struct Entry {
        var version: Int
        var snapshot: InstanceSnapshot
    }

    /// Entries kept at most; past that the cache starts again empty.
    static let capacity = 200_000

    private let entries = Mutex([String: [String: Entry]]())

    /// The snapshots of `records` (all of one cluster), in their order.
    func snapshots(of records: [ContainerInstanceRecord]) -> [InstanceSnapshot] {
        guard let cluster = records.first?.cluster else { return [] }
        return entries.withLock { entries in
            var known = entries.removeValue(forKey: cluster) ?? [:]
            if entries.values.reduce(known.count, { $0 + $1.count }) >= Self.capacity { known.removeAll() }
            var result: [InstanceSnapshot] = []
            result.reserveCapacity(records.count)
            for record in records {
                if let entry = known[record.id], entry.version == record.version {
                    result.append(entry.snapshot)
                } else {
                    let snapshot = InstanceSnapshot(record)
                    known[record.id] = Entry(version: record.version, snapshot: snapshot)
                    result.append(snapshot)
                }
            }
            entries[cluster] = known
            return result
        }
    }
}
