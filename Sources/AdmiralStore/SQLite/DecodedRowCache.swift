import Foundation
import Synchronization

/// Decoded task rows by their stored body, so that reading an instance's or a service's
/// tasks again (every agent poll, every scheduler pass) decodes only the tasks that
/// changed since: comparing a few kilobytes costs far less than decoding them.
///
/// Coherent without coordination: an entry is used only when the row's body is byte for
/// byte the one it was decoded from.
final class TaskCache: Sendable {
    private struct Entry {
        var body: Data
        var record: TaskRecord
    }

    /// Entries kept at most; past that the cache starts again empty.
    static let capacity = 50_000

    private let entries = Mutex([String: Entry]())

    /// The record stored as `body` under `key`, decoding it (with `decode`) when it is not
    /// the body last seen there.
    func record(key: String, body: Data, decode: (Data) throws -> TaskRecord) throws -> TaskRecord {
        if let cached = entries.withLock({ $0[key] }), cached.body == body { return cached.record }
        let record = try decode(body)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(body: body, record: record)
        }
        return record
    }

    /// Forgets a task whose row was deleted.
    func remove(key: String) {
        _ = entries.withLock { $0.removeValue(forKey: key) }
    }
}
