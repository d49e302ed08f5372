import Foundation
import Synchronization

/// Decoded rows by their stored body, so that reading rows again (an instance's or a
/// service's tasks at every agent poll and scheduler pass, every service at every
/// controller sweep and metrics publication) decodes only the rows that changed since:
/// comparing a few kilobytes costs far less than decoding them.
///
/// Coherent without coordination: an entry is used only when the row's body is byte for
/// byte the one it was decoded from.
final class DecodedRowCache<Record: Sendable>: Sendable {
    private struct Entry {
        var body: Data
        var record: Record
    }

    /// Entries kept at most; past that the cache starts again empty.
    let capacity: Int

    private let entries = Mutex([String: Entry]())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// The record stored as `body` under `key`, decoding it (with `decode`) when it is not
    /// the body last seen there.
    func record(key: String, body: Data, decode: (Data) throws -> Record) throws -> Record {
        if let cached = entries.withLock({ $0[key] }), cached.body == body { return cached.record }
        let record = try decode(body)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(body: body, record: record)
        }
        return record
    }

    /// Forgets a row that was deleted.
    func remove(key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}
