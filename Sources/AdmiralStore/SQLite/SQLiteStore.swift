import AdmiralModel
import Foundation
import GRDB
import Metrics

/// The `Store` on SQLite through GRDB, in WAL mode.
///
/// Writes are serialized by GRDB's pool and committed before a method returns. With
/// `synchronous = NORMAL` a commit reaches the WAL file before returning, so a killed
/// process loses nothing acknowledged; only a power loss may lose the last commits
/// (use `durability: .full` to fsync every commit). Concurrent task definition writes
/// share one transaction and one commit (`GroupCommitWriter`); each still returns only
/// after that commit.
public final class SQLiteStore: Store {
    /// How hard a commit is pushed to the disk.
    public enum Durability: Sendable {
        /// Committed to the WAL before returning: survives a killed process.
        case processCrash
        /// fsync on every commit: survives a power loss too.
        case full
    }

    /// How much of the database file reads may map (256 MiB).
    static let mmapSize = 256 << 20

    let pool: DatabasePool
    /// Task definition writes, committed in groups (see `GroupCommitWriter`).
    let groupCommit: GroupCommitWriter
    let taskDefinitionCache = TaskDefinitionCache()
    let instanceCache: InstanceCache
    let taskCache = DecodedRowCache<TaskRecord>(capacity: 50_000)
    let serviceCache = DecodedRowCache<ServiceRecord>(capacity: 20_000)
    let encoder = ECS.makeEncoder()
    let decoder = ECS.makeDecoder()

    /// Opens (creating and migrating when needed) the database at `path`.
    public init(path: String, durability: Durability = .processCrash) throws {
        var configuration = Configuration()
        let synchronous = durability == .full ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            // Reads map the file instead of copying pages in with pread: placement reads
            // every instance row of a cluster in each RunTask transaction.
            try db.execute(sql: "PRAGMA mmap_size = \(Self.mmapSize)")
        }
        configuration.busyMode = .timeout(10)
        configuration.label = "admiral"
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        let lastRowVersion = try pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT max(row_version) FROM container_instances") ?? 0
        }
        self.pool = pool
        self.groupCommit = GroupCommitWriter(writer: pool)
        self.instanceCache = InstanceCache(lastRowVersion: lastRowVersion)
    }

    /// Closes the database.
    public func close() throws {
        try pool.close()
    }

    /// A write transaction, its time recorded as `admiral_store_write_seconds` by the
    /// store method that ran it (the Prometheus endpoint shows it).
    func timedWrite<T: Sendable>(
        function: String = #function, _ updates: @Sendable (Database) throws -> T
    ) async throws -> T {
        let start = ContinuousClock.now
        defer {
            let elapsed = (ContinuousClock.now - start).components
            Timer(label: "admiral_store_write_seconds", dimensions: [("operation", Self.operationName(function))])
                .recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        }
        return try await pool.write(updates)
    }

    /// `createTasks(_:placement:)` → `createTasks`.
    static func operationName(_ function: String) -> String {
        String(function.prefix { $0 != "(" })
    }

    func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value)
    }

    func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder.decode(type, from: data)
    }

    /// Decodes a task row (`id` and `body`) of `cluster`, through the cache.
    func taskRecord(_ row: Row, cluster: String) throws -> TaskRecord {
        try taskCache.record(key: "\(cluster)/\(row["id"] as String)", body: row["body"]) {
            try decode(TaskRecord.self, from: $0)
        }
    }

    /// Decodes a service row (`cluster`, `name` and `body`), through the cache.
    func serviceRecord(_ row: Row) throws -> ServiceRecord {
        try serviceCache.record(key: "\(row["cluster"] as String)/\(row["name"] as String)", body: row["body"]) {
            try decode(ServiceRecord.self, from: $0)
        }
    }
}
