import AdmiralModel
import Foundation
import GRDB
import Synchronization

/// The `MetricStore` on SQLite, in a database file of its own (`metrics.sqlite` beside
/// the control plane's), so that metric ingestion has its own writer.
///
/// A bucket is one row keyed by (metric, start, resolution) holding a `MetricAggregate`
/// in its compact binary form; a PutMetricData merges its values into the rows of its
/// buckets in one transaction, committed to the WAL before the call is answered.
/// Metrics get a row id on first sight, kept in memory afterwards.
public final class SQLiteMetricStore: MetricStore {
    let writer: any DatabaseWriter
    let metricIds = Mutex<[MetricIdentity: Int64]>([:])
    /// Puts, committed in groups: concurrent PutMetricData calls share a transaction.
    let commits: GroupCommitWriter
    /// Alarm configurations, with Foundation's default dates (seconds since 2001).
    let encoder = JSONEncoder()
    let decoder = JSONDecoder()

    /// Opens (creating and migrating when needed) the database at `path`.
    public convenience init(path: String) throws {
        try self.init(writer: try SideDatabase.open(path: path, label: "admiral-metrics"))
    }

    /// A store in memory, for tests and for servers started without a data folder.
    public static func inMemory() throws -> SQLiteMetricStore {
        try SQLiteMetricStore(writer: try DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        commits = GroupCommitWriter(writer: writer, inBackground: true)
        try Self.migrator.migrate(writer)
    }

    /// Closes the database.
    public func close() throws {
        try writer.close()
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-metrics-alarms-dashboards") { db in
            try db.execute(
                sql: """
                    CREATE TABLE metrics (
                        id INTEGER PRIMARY KEY,
                        namespace TEXT NOT NULL,
                        name TEXT NOT NULL,
                        dimensions TEXT NOT NULL,
                        last_published REAL NOT NULL,
                        UNIQUE (namespace, name, dimensions)
                    );
                    CREATE TABLE datapoints (
                        metric_id INTEGER NOT NULL,
                        ts INTEGER NOT NULL,
                        resolution INTEGER NOT NULL,
                        unit TEXT NOT NULL,
                        aggregate BLOB NOT NULL,
                        PRIMARY KEY (metric_id, ts, resolution, unit)
                    ) WITHOUT ROWID;
                    CREATE INDEX datapoints_age ON datapoints(resolution, ts);

                    CREATE TABLE alarms (
                        name TEXT PRIMARY KEY NOT NULL,
                        version INTEGER NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE TABLE alarm_history (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        alarm_name TEXT NOT NULL,
                        type TEXT NOT NULL,
                        ts REAL NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX alarm_history_name ON alarm_history(alarm_name, ts);
                    CREATE INDEX alarm_history_ts ON alarm_history(ts);

                    CREATE TABLE dashboards (
                        name TEXT PRIMARY KEY NOT NULL,
                        body TEXT NOT NULL,
                        last_modified REAL NOT NULL
                    );
                    CREATE TABLE cloudwatch_tags (
                        resource TEXT NOT NULL,
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        PRIMARY KEY (resource, key)
                    );
                    """)
        }
        migrator.registerMigration("v2-alarm-state-apart") { db in
            // An evaluation writes only the alarm's state, into columns of its own (NULL
            // until the first evaluation after the configuration was put, whose body then
            // holds the state); history items are columns too (`summary` NULL: an item of
            // the first release, whole in `body`).
            try db.execute(
                sql: """
                    ALTER TABLE alarms ADD COLUMN state_value TEXT;
                    ALTER TABLE alarms ADD COLUMN state_reason TEXT;
                    ALTER TABLE alarms ADD COLUMN state_reason_data TEXT;
                    ALTER TABLE alarms ADD COLUMN state_updated REAL;
                    ALTER TABLE alarms ADD COLUMN state_transitioned REAL;
                    ALTER TABLE alarms ADD COLUMN actions_invoked_at REAL;
                    ALTER TABLE alarm_history ADD COLUMN alarm_type TEXT;
                    ALTER TABLE alarm_history ADD COLUMN summary TEXT;
                    ALTER TABLE alarm_history ADD COLUMN data TEXT;
                    """)
        }
        return migrator
    }

    // MARK: Metrics

    public func put(_ writes: [MetricWrite], publishedAt: Date) async throws {
        guard !writes.isEmpty else { return }
        let known = metricIds.withLock { ids in writes.map { ids[$0.metric] } }
        _ = try await commits.write(
            { db in try Self.merge(writes, known: known, publishedAt: publishedAt, in: db) },
            committed: { assigned in
                if !assigned.isEmpty { self.metricIds.withLock { ids in ids.merge(assigned) { $1 } } }
            })
    }

    /// Merges the writes into their buckets; returns the ids of the metrics it created or
    /// found (those `known` did not have).
    static func merge(_ writes: [MetricWrite], known: [Int64?], publishedAt: Date, in db: Database) throws
        -> [MetricIdentity: Int64]
    {
        var assigned: [MetricIdentity: Int64] = [:]
        let now = publishedAt.timeIntervalSince1970
        let touch = try db.cachedStatement(
            sql: "UPDATE metrics SET last_published = max(last_published, ?) WHERE id = ?")
        let find = try db.cachedStatement(
            sql: "SELECT id FROM metrics WHERE namespace = ? AND name = ? AND dimensions = ?")
        let insert = try db.cachedStatement(
            sql: "INSERT INTO metrics (namespace, name, dimensions, last_published) VALUES (?, ?, ?, ?)")
        let read = try db.cachedStatement(
            sql: "SELECT aggregate FROM datapoints WHERE metric_id = ? AND ts = ? AND resolution = ? AND unit = ?")
        let store = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO datapoints (metric_id, ts, resolution, unit, aggregate) VALUES (?, ?, ?, ?, ?)"
        )
        var touched: Set<Int64> = []
        for (index, write) in writes.enumerated() {
            var id = known[index] ?? assigned[write.metric]
            if id == nil {
                let key = write.metric.dimensionKey
                if let existing = try Int64.fetchOne(find, arguments: [write.metric.namespace, write.metric.name, key]) {
                    id = existing
                } else {
                    try insert.execute(arguments: [write.metric.namespace, write.metric.name, key, now])
                    id = db.lastInsertedRowID
                }
                assigned[write.metric] = id
            }
            guard let id else { continue }
            if touched.insert(id).inserted {
                try touch.execute(arguments: [now, id])
            }
            let ts = Int64(write.timestamp.timeIntervalSince1970.rounded(.down))
            var aggregate = write.aggregate
            if let bytes = try Data.fetchOne(read, arguments: [id, ts, write.resolution, write.unit]) {
                var stored = try MetricAggregate(decoding: bytes)
                stored.merge(aggregate)
                aggregate = stored
            }
            try store.execute(arguments: [id, ts, write.resolution, write.unit, Data(aggregate.encoded())])
        }
        return assigned
    }

    public func listMetrics(
        namespace: String?, name: String?, activeSince: Date?, after: String?, limit: Int,
        matching: @Sendable (MetricIdentity) -> Bool
    ) async throws -> (metrics: [MetricListing], next: String?) {
        let afterId = after.flatMap(Int64.init) ?? 0
        return try await writer.read { db in
            var sql = "SELECT id, namespace, name, dimensions, last_published FROM metrics WHERE id > ?"
            var arguments: StatementArguments = [afterId]
            if let namespace {
                sql += " AND namespace = ?"
                arguments += [namespace]
            }
            if let name {
                sql += " AND name = ?"
                arguments += [name]
            }
            if let activeSince {
                sql += " AND last_published >= ?"
                arguments += [activeSince.timeIntervalSince1970]
            }
            sql += " ORDER BY id"
            var found: [MetricListing] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            var lastId: Int64 = 0
            while let row = try rows.next() {
                let identity = MetricIdentity(
                    namespace: row["namespace"], name: row["name"],
                    dimensions: MetricIdentity.dimensions(fromKey: row["dimensions"]))
                guard matching(identity) else { continue }
                if found.count == limit {
                    return (found, String(lastId))
                }
                lastId = row["id"]
                found.append(
                    MetricListing(
                        metric: identity, lastPublished: Date(timeIntervalSince1970: row["last_published"])))
            }
            return (found, nil)
        }
    }

    public func datapoints(of metric: MetricIdentity, from start: Date, to end: Date, unit: String?) async throws
        -> [StoredDatapoint]
    {
        let cached = metricIds.withLock { $0[metric] }
        return try await writer.read { db in
            let id: Int64
            if let cached {
                id = cached
            } else if let found = try Int64.fetchOne(
                db, sql: "SELECT id FROM metrics WHERE namespace = ? AND name = ? AND dimensions = ?",
                arguments: [metric.namespace, metric.name, metric.dimensionKey])
            {
                id = found
            } else {
                return []
            }
            let statement = try db.cachedStatement(
                sql: """
                    SELECT ts, resolution, unit, aggregate FROM datapoints
                    WHERE metric_id = ? AND ts >= ? AND ts < ? AND (? IS NULL OR unit = ?) ORDER BY ts
                    """)
            let rows = try Row.fetchCursor(
                statement,
                arguments: [
                    id, Int64(start.timeIntervalSince1970.rounded(.up)), Int64(end.timeIntervalSince1970.rounded(.up)),
                    unit, unit,
                ])
            var points: [StoredDatapoint] = []
            while let row = try rows.next() {
                let ts: Int64 = row["ts"]
                guard Double(ts) < end.timeIntervalSince1970 else { continue }
                let bytes: Data = row["aggregate"]
                points.append(
                    StoredDatapoint(
                        timestamp: Date(timeIntervalSince1970: Double(ts)), resolution: row["resolution"],
                        unit: row["unit"], aggregate: try MetricAggregate(decoding: bytes)))
            }
            return points
        }
    }

    public func datapoints(of metrics: [MetricIdentity], from start: Date, to end: Date) async throws
        -> [MetricIdentity: [StoredDatapoint]]
    {
        let cached = metricIds.withLock { ids in metrics.map { ids[$0] } }
        return try await writer.read { db in
            let find = try db.cachedStatement(
                sql: "SELECT id FROM metrics WHERE namespace = ? AND name = ? AND dimensions = ?")
            let select = try db.cachedStatement(
                sql: """
                    SELECT ts, resolution, unit, aggregate FROM datapoints
                    WHERE metric_id = ? AND ts >= ? AND ts < ? ORDER BY ts
                    """)
            let from = Int64(start.timeIntervalSince1970.rounded(.up))
            let to = Int64(end.timeIntervalSince1970.rounded(.up))
            var result: [MetricIdentity: [StoredDatapoint]] = [:]
            for (metric, known) in zip(metrics, cached) where result[metric] == nil {
                guard
                    let id = try known
                        ?? Int64.fetchOne(find, arguments: [metric.namespace, metric.name, metric.dimensionKey])
                else {
                    result[metric] = []
                    continue
                }
                var points: [StoredDatapoint] = []
                let rows = try Row.fetchCursor(select, arguments: [id, from, to])
                while let row = try rows.next() {
                    let ts: Int64 = row["ts"]
                    guard Double(ts) < end.timeIntervalSince1970 else { continue }
                    let bytes: Data = row["aggregate"]
                    points.append(
                        StoredDatapoint(
                            timestamp: Date(timeIntervalSince1970: Double(ts)), resolution: row["resolution"],
                            unit: row["unit"], aggregate: try MetricAggregate(decoding: bytes)))
                }
                result[metric] = points
            }
            return result
        }
    }

    /// CloudWatch's retention tiers: buckets of `resolution` seconds older than `age`
    /// become buckets of `next` seconds (or are dropped when `next` is nil).
    static let tiers: [(resolution: Int, age: TimeInterval, next: Int?)] = [
        (1, 3 * 3600, 60),
        (60, 15 * 86400, 300),
        (300, 63 * 86400, 3600),
        (3600, 455 * 86400, nil),
    ]

    public func rollUp(now: Date) async throws -> Int {
        var changed = 0
        for tier in Self.tiers {
            let cutoff = Int64((now.timeIntervalSince1970 - tier.age).rounded(.down))
            changed += try await writer.write { db -> Int in
                guard let next = tier.next else {
                    try db.execute(
                        sql: "DELETE FROM datapoints WHERE resolution = ? AND ts < ?",
                        arguments: [tier.resolution, cutoff])
                    return db.changesCount
                }
                struct Bucket: Hashable {
                    var metricId: Int64
                    var ts: Int64
                    var unit: String
                }
                var merged: [Bucket: MetricAggregate] = [:]
                var count = 0
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT metric_id, ts, unit, aggregate FROM datapoints WHERE resolution = ? AND ts < ?",
                    arguments: [tier.resolution, cutoff])
                while let row = try rows.next() {
                    count += 1
                    let ts: Int64 = row["ts"]
                    let bucket = ts - ((ts % Int64(next)) + Int64(next)) % Int64(next)
                    let bytes: Data = row["aggregate"]
                    let aggregate = try MetricAggregate(decoding: bytes)
                    let key = Bucket(metricId: row["metric_id"], ts: bucket, unit: row["unit"])
                    if merged[key] != nil {
                        merged[key]?.merge(aggregate)
                    } else {
                        merged[key] = aggregate
                    }
                }
                guard count > 0 else { return 0 }
                try db.execute(
                    sql: "DELETE FROM datapoints WHERE resolution = ? AND ts < ?", arguments: [tier.resolution, cutoff])
                let read = try db.cachedStatement(
                    sql:
                        "SELECT aggregate FROM datapoints WHERE metric_id = ? AND ts = ? AND resolution = ? AND unit = ?"
                )
                let store = try db.cachedStatement(
                    sql:
                        "INSERT OR REPLACE INTO datapoints (metric_id, ts, resolution, unit, aggregate) VALUES (?, ?, ?, ?, ?)"
                )
                for (key, var aggregate) in merged {
                    let arguments: StatementArguments = [key.metricId, key.ts, next, key.unit]
                    if let bytes = try Data.fetchOne(read, arguments: arguments) {
                        var stored = try MetricAggregate(decoding: bytes)
                        stored.merge(aggregate)
                        aggregate = stored
                    }
                    try store.execute(arguments: arguments + [Data(aggregate.encoded())])
                }
                return count
            }
        }
        return changed
    }
}

/// A metric store in memory, for control planes built without a data folder (tests).
public enum InMemoryMetricStore {
    /// A new, empty store.
    public static func make() -> any MetricStore {
        do {
            return try SQLiteMetricStore.inMemory()
        } catch {
            preconditionFailure("SQLite could not open an in-memory database: \(error)")
        }
    }
}
