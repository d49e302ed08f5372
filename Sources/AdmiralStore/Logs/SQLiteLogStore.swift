import AdmiralModel
import Foundation
import GRDB

/// The `LogStore` on SQLite, in a database file of its own (`logs.sqlite` beside the
/// control plane's), so that log ingestion has its own writer and never queues behind
/// (or in front of) task writes.
///
/// The events of a PutLogEvents call are one row of `log_chunks` (a ``LogChunk``), indexed
/// by (stream, oldest timestamp) and (stream, newest timestamp) for GetLogEvents and by
/// (group, oldest timestamp) for FilterLogEvents and retention; reads merge the chunks a
/// range touches into time order. A PutLogEvents is committed to the WAL before it is
/// answered; concurrent ones share a transaction, committed from the low-priority
/// ``BackgroundPool`` so that log traffic takes the cores the control plane leaves.
///
/// Each stream keeps `next_ordinal`, the number of the next event its producer (an
/// Admiral agent) has not delivered yet, updated in the same transaction as the events:
/// that is what makes a resent batch store nothing twice.
public final class SQLiteLogStore: LogStore {
    let writer: any DatabaseWriter
    /// PutLogEvents calls, committed in groups.
    let commits: GroupCommitWriter
    let encoder = JSONEncoder()
    let decoder = JSONDecoder()

    /// Opens (creating and migrating when needed) the database at `path`.
    public convenience init(path: String) throws {
        try self.init(writer: try SideDatabase.open(path: path, label: "admiral-logs", mappedBytes: 1 << 30))
    }

    /// A store in memory, for tests and for servers started without a data folder.
    public static func inMemory() throws -> SQLiteLogStore {
        try SQLiteLogStore(writer: try DatabaseQueue())
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
        migrator.registerMigration("v1-log-groups-streams-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE log_groups (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        created INTEGER NOT NULL,
                        retention INTEGER,
                        kms_key TEXT,
                        class TEXT NOT NULL,
                        protected INTEGER NOT NULL,
                        tags TEXT NOT NULL
                    );
                    CREATE TABLE log_streams (
                        id INTEGER PRIMARY KEY,
                        group_id INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        first_ts INTEGER,
                        last_ts INTEGER,
                        last_ingest INTEGER,
                        stored_bytes INTEGER NOT NULL DEFAULT 0,
                        next_ordinal INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (group_id, name)
                    );
                    CREATE TABLE log_events (
                        id INTEGER PRIMARY KEY,
                        group_id INTEGER NOT NULL,
                        stream_id INTEGER NOT NULL,
                        ts INTEGER NOT NULL,
                        ingest INTEGER NOT NULL,
                        message TEXT NOT NULL
                    );
                    CREATE INDEX log_events_stream ON log_events(stream_id, ts);
                    CREATE INDEX log_events_group ON log_events(group_id, ts);
                    CREATE TABLE log_metric_filters (
                        group_id INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (group_id, name)
                    );
                    """)
        }
        migrator.registerMigration("v2-log-chunks") { db in
            try db.execute(
                sql: """
                    CREATE TABLE log_chunks (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        group_id INTEGER NOT NULL,
                        stream_id INTEGER NOT NULL,
                        min_ts INTEGER NOT NULL,
                        max_ts INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        bytes INTEGER NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX log_chunks_stream_min ON log_chunks(stream_id, min_ts);
                    CREATE INDEX log_chunks_stream_max ON log_chunks(stream_id, max_ts);
                    CREATE INDEX log_chunks_group ON log_chunks(group_id, min_ts);
                    """)
            try Self.moveEventsToChunks(db)
            try db.execute(sql: "DROP TABLE log_events")
        }
        return migrator
    }

    // MARK: Groups

    static func groupId(_ db: Database, _ name: String) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM log_groups WHERE name = ?", arguments: [name])
        else { throw LogStoreErrors.groupNotFound }
        return id
    }

    public func createGroup(_ group: LogGroupRecord) async throws {
        let tags = String(decoding: try encoder.encode(group.tags), as: UTF8.self)
        try await writer.write { db in
            if try Int64.fetchOne(db, sql: "SELECT id FROM log_groups WHERE name = ?", arguments: [group.name]) != nil {
                throw LogStoreErrors.groupExists
            }
            try db.execute(
                sql: """
                    INSERT INTO log_groups (name, created, retention, kms_key, class, protected, tags)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    group.name, group.creationTime, group.retentionInDays, group.kmsKeyId, group.logGroupClass,
                    group.deletionProtection, tags,
                ])
        }
    }

    public func deleteGroup(named name: String) async throws {
        try await writer.write { db in
            let id = try Self.groupId(db, name)
            try db.execute(sql: "DELETE FROM log_chunks WHERE group_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM log_streams WHERE group_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM log_metric_filters WHERE group_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM log_groups WHERE id = ?", arguments: [id])
        }
    }

    static let groupColumns = """
        SELECT g.id, g.name, g.created, g.retention, g.kms_key, g.class, g.protected, g.tags,
            (SELECT coalesce(sum(stored_bytes), 0) FROM log_streams WHERE group_id = g.id) AS stored,
            (SELECT count(*) FROM log_metric_filters WHERE group_id = g.id) AS filters
        FROM log_groups g
        """

    func group(_ row: Row) throws -> LogGroupRecord {
        let tagText: String = row["tags"]
        return LogGroupRecord(
            name: row["name"], creationTime: row["created"], retentionInDays: row["retention"],
            kmsKeyId: row["kms_key"], logGroupClass: row["class"], deletionProtection: row["protected"],
            tags: try decoder.decode([String: String].self, from: Data(tagText.utf8)), storedBytes: row["stored"],
            metricFilterCount: row["filters"])
    }

    public func group(named name: String) async throws -> LogGroupRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: Self.groupColumns + " WHERE g.name = ?", arguments: [name]).map(self.group)
        }
    }

    public func groups(prefix: String?, contains: String?, after: String?, limit: Int) async throws
        -> [LogGroupRecord]
    {
        try await writer.read { db in
            var sql = Self.groupColumns + " WHERE 1"
            var arguments: StatementArguments = []
            if let prefix {
                sql += " AND substr(g.name, 1, ?) = ?"
                arguments += [prefix.utf8.count, prefix]
            }
            if let contains {
                sql += " AND instr(g.name, ?) > 0"
                arguments += [contains]
            }
            if let after {
                sql += " AND g.name > ?"
                arguments += [after]
            }
            sql += " ORDER BY g.name LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(self.group)
        }
    }

    public func updateGroup(named name: String, _ change: @Sendable (inout LogGroupRecord) throws -> Void)
        async throws
    {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: Self.groupColumns + " WHERE g.name = ?", arguments: [name])
            else { throw LogStoreErrors.groupNotFound }
            var record = try self.group(row)
            try change(&record)
            let tags = String(decoding: try self.encoder.encode(record.tags), as: UTF8.self)
            try db.execute(
                sql: "UPDATE log_groups SET retention = ?, protected = ?, tags = ? WHERE name = ?",
                arguments: [record.retentionInDays, record.deletionProtection, tags, name])
        }
    }

    // MARK: Streams

    public func createStream(group: String, name: String, creationTime: Int) async throws {
        try await writer.write { db in
            let groupId = try Self.groupId(db, group)
            if try Int64.fetchOne(
                db, sql: "SELECT id FROM log_streams WHERE group_id = ? AND name = ?", arguments: [groupId, name])
                != nil
            {
                throw LogStoreErrors.streamExists
            }
            try db.execute(
                sql: "INSERT INTO log_streams (group_id, name, created) VALUES (?, ?, ?)",
                arguments: [groupId, name, creationTime])
        }
    }

    public func deleteStream(group: String, name: String) async throws {
        try await writer.write { db in
            let groupId = try Self.groupId(db, group)
            guard
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM log_streams WHERE group_id = ? AND name = ?", arguments: [groupId, name])
            else { throw LogStoreErrors.streamNotFound }
            try db.execute(sql: "DELETE FROM log_chunks WHERE stream_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM log_streams WHERE id = ?", arguments: [id])
        }
    }

    public func streams(
        group: String, prefix: String?, order: LogStreamOrder, descending: Bool, offset: Int, limit: Int
    ) async throws -> [LogStreamRecord] {
        try await writer.read { db in
            let groupId = try Self.groupId(db, group)
            var sql = """
                SELECT name, created, first_ts, last_ts, last_ingest, stored_bytes FROM log_streams
                WHERE group_id = ?
                """
            var arguments: StatementArguments = [groupId]
            if let prefix {
                sql += " AND substr(name, 1, ?) = ?"
                arguments += [prefix.utf8.count, prefix]
            }
            let direction = descending ? "DESC" : "ASC"
            switch order {
            case .name: sql += " ORDER BY name \(direction)"
            case .lastEventTime: sql += " ORDER BY coalesce(last_ts, 0) \(direction), name \(direction)"
            }
            sql += " LIMIT ? OFFSET ?"
            arguments += [limit, offset]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                LogStreamRecord(
                    name: row["name"], creationTime: row["created"], firstEventTimestamp: row["first_ts"],
                    lastEventTimestamp: row["last_ts"], lastIngestionTime: row["last_ingest"],
                    storedBytes: row["stored_bytes"])
            }
        }
    }

    // MARK: Metric filters

    public func putMetricFilter(_ filter: MetricFilterRecord, limit: Int) async throws {
        let body = try encoder.encode(filter)
        try await writer.write { db in
            let groupId = try Self.groupId(db, filter.group)
            let exists =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM log_metric_filters WHERE group_id = ? AND name = ?",
                    arguments: [groupId, filter.name]) ?? 0
            let count =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM log_metric_filters WHERE group_id = ?", arguments: [groupId])
                ?? 0
            if exists == 0 && count >= limit {
                throw AdmiralError(
                    .limitExceeded, "Log group \(filter.group) already has \(limit) metric filters, the most allowed.")
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO log_metric_filters (group_id, name, body) VALUES (?, ?, ?)",
                arguments: [groupId, filter.name, body])
        }
    }

    public func metricFilters(group: String?) async throws -> [MetricFilterRecord] {
        try await writer.read { db in
            var sql = "SELECT f.body FROM log_metric_filters f JOIN log_groups g ON g.id = f.group_id"
            var arguments: StatementArguments = []
            if let group {
                sql += " WHERE g.name = ?"
                arguments += [group]
            }
            sql += " ORDER BY g.name, f.name"
            return try Data.fetchAll(db, sql: sql, arguments: arguments).map {
                try self.decoder.decode(MetricFilterRecord.self, from: $0)
            }
        }
    }

    public func deleteMetricFilter(group: String, name: String) async throws {
        try await writer.write { db in
            let groupId = try Self.groupId(db, group)
            try db.execute(
                sql: "DELETE FROM log_metric_filters WHERE group_id = ? AND name = ?", arguments: [groupId, name])
            if db.changesCount == 0 { throw LogStoreErrors.filterNotFound }
        }
    }
}

/// A log store in memory, for control planes built without a data folder (tests).
public enum InMemoryLogStore {
    /// A new, empty store.
    public static func make() -> any LogStore {
        do {
            return try SQLiteLogStore.inMemory()
        } catch {
            preconditionFailure("SQLite could not open an in-memory database: \(error)")
        }
    }
}
