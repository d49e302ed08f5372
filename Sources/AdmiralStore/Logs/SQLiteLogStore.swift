import AdmiralModel
import Foundation
import GRDB

/// The `LogStore` on SQLite, in a database file of its own (`logs.sqlite` beside the
/// control plane's), so that log ingestion has its own writer and never queues behind
/// (or in front of) task writes.
///
/// Events are rows of `log_events` keyed by an increasing id, indexed by
/// (group, timestamp) for FilterLogEvents and retention and by (stream, timestamp) for
/// GetLogEvents. A PutLogEvents is committed to the WAL before it is answered; concurrent
/// ones share a transaction, committed from the low-priority ``BackgroundPool`` so that
/// log traffic takes the cores the control plane leaves. Each stream keeps `next_ordinal`, the number of the next event its
/// producer (an Admiral agent) has not delivered yet, updated in the same transaction
/// as the events: that is what makes a resent batch store nothing twice.
public final class SQLiteLogStore: LogStore {
    let writer: any DatabaseWriter
    /// PutLogEvents calls, committed in groups.
    let commits: GroupCommitWriter
    let encoder = JSONEncoder()
    let decoder = JSONDecoder()

    /// Opens (creating and migrating when needed) the database at `path`.
    public convenience init(path: String) throws {
        try self.init(writer: try SideDatabase.open(path: path, label: "admiral-logs"))
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
            try db.execute(sql: "DELETE FROM log_events WHERE group_id = ?", arguments: [id])
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
            try db.execute(sql: "DELETE FROM log_events WHERE stream_id = ?", arguments: [id])
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

    // MARK: Events

    public func putEvents(
        group: String, stream: String, events: [LogEventWrite], ingestionTime: Int, ordinal: Int64?, batchCount: Int
    ) async throws -> LogPutOutcome {
        try await commits.write { db in
            let groupId = try Self.groupId(db, group)
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, next_ordinal FROM log_streams WHERE group_id = ? AND name = ?",
                    arguments: [groupId, stream])
            else { throw LogStoreErrors.streamNotFound }
            let streamId: Int64 = row["id"]
            let nextOrdinal: Int64 = row["next_ordinal"]
            var kept = events
            if let ordinal {
                kept = events.filter { ordinal + Int64($0.index) >= nextOrdinal }
            }
            if !kept.isEmpty {
                let insert = try db.cachedStatement(
                    sql: "INSERT INTO log_events (group_id, stream_id, ts, ingest, message) VALUES (?, ?, ?, ?, ?)")
                var bytes = 0
                var first = Int.max
                var last = Int.min
                for event in kept {
                    try insert.execute(arguments: [groupId, streamId, event.timestamp, ingestionTime, event.message])
                    bytes += event.message.utf8.count
                    first = min(first, event.timestamp)
                    last = max(last, event.timestamp)
                }
                try db.execute(
                    sql: """
                        UPDATE log_streams SET first_ts = min(coalesce(first_ts, ?), ?),
                            last_ts = max(coalesce(last_ts, ?), ?), last_ingest = ?, stored_bytes = stored_bytes + ?
                        WHERE id = ?
                        """,
                    arguments: [first, first, last, last, ingestionTime, bytes, streamId])
            }
            if let ordinal {
                try db.execute(
                    sql: "UPDATE log_streams SET next_ordinal = max(next_ordinal, ?) WHERE id = ?",
                    arguments: [ordinal + Int64(batchCount), streamId])
            }
            return LogPutOutcome(stored: kept.count, duplicates: events.count - kept.count)
        }
    }

    public func events(
        group: String, stream: String, start: Int?, end: Int?, after: LogPosition?, before: LogPosition?,
        forward: Bool, limit: Int, maxBytes: Int
    ) async throws -> [StoredLogEvent] {
        try await writer.read { db in
            let groupId = try Self.groupId(db, group)
            guard
                let streamId = try Int64.fetchOne(
                    db, sql: "SELECT id FROM log_streams WHERE group_id = ? AND name = ?",
                    arguments: [groupId, stream])
            else { throw LogStoreErrors.streamNotFound }
            var sql = "SELECT id, ts, ingest, message FROM log_events WHERE stream_id = ?"
            var arguments: StatementArguments = [streamId]
            if let start {
                sql += " AND ts >= ?"
                arguments += [start]
            }
            if let end {
                sql += " AND ts < ?"
                arguments += [end]
            }
            if let after {
                sql += " AND (ts > ? OR (ts = ? AND id > ?))"
                arguments += [after.timestamp, after.timestamp, after.id]
            }
            if let before {
                sql += " AND (ts < ? OR (ts = ? AND id < ?))"
                arguments += [before.timestamp, before.timestamp, before.id]
            }
            sql += forward ? " ORDER BY ts, id" : " ORDER BY ts DESC, id DESC"
            sql += " LIMIT ?"
            arguments += [limit]
            var found: [StoredLogEvent] = []
            var bytes = 0
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let message: String = row["message"]
                bytes += message.utf8.count + Logs.Limits.eventOverhead
                if bytes > maxBytes && !found.isEmpty { break }
                found.append(
                    StoredLogEvent(
                        id: row["id"], stream: stream, timestamp: row["ts"], ingestionTime: row["ingest"],
                        message: message))
            }
            return forward ? found : found.reversed()
        }
    }

    public func filterEvents(
        group: String, streams: [String]?, prefix: String?, start: Int?, end: Int?, after: LogPosition?, limit: Int,
        maxBytes: Int, scanLimit: Int, matching: @Sendable (String) -> Bool
    ) async throws -> LogFilterPage {
        try await writer.read { db in
            let groupId = try Self.groupId(db, group)
            var names: [Int64: String] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, name FROM log_streams WHERE group_id = ? ORDER BY name", arguments: [groupId])
            let wanted = streams.map(Set.init)
            for row in rows {
                let name: String = row["name"]
                if let wanted, !wanted.contains(name) { continue }
                if let prefix, !name.hasPrefix(prefix) { continue }
                names[row["id"]] = name
            }
            let searched = names.values.sorted()
            guard !names.isEmpty else { return LogFilterPage(events: [], streams: searched, next: nil) }
            let allStreams = streams == nil && prefix == nil
            var sql = "SELECT id, stream_id, ts, ingest, message FROM log_events WHERE group_id = ?"
            var arguments: StatementArguments = [groupId]
            if !allStreams {
                sql += " AND stream_id IN (\(names.keys.map { String($0) }.joined(separator: ",")))"
            }
            if let start {
                sql += " AND ts >= ?"
                arguments += [start]
            }
            if let end {
                sql += " AND ts <= ?"
                arguments += [end]
            }
            if let after {
                sql += " AND (ts > ? OR (ts = ? AND id > ?))"
                arguments += [after.timestamp, after.timestamp, after.id]
            }
            sql += " ORDER BY ts, id"
            var found: [StoredLogEvent] = []
            var bytes = 0
            var scanned = 0
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try cursor.next() {
                let position = LogPosition(timestamp: row["ts"], id: row["id"])
                if found.count == limit || scanned == scanLimit {
                    return LogFilterPage(
                        events: found, streams: searched,
                        next: LogPosition(timestamp: position.timestamp, id: position.id - 1))
                }
                scanned += 1
                let message: String = row["message"]
                guard matching(message) else { continue }
                let size = message.utf8.count + Logs.Limits.eventOverhead
                if bytes + size > maxBytes && !found.isEmpty {
                    return LogFilterPage(
                        events: found, streams: searched,
                        next: LogPosition(timestamp: position.timestamp, id: position.id - 1))
                }
                bytes += size
                let streamId: Int64 = row["stream_id"]
                found.append(
                    StoredLogEvent(
                        id: position.id, stream: names[streamId] ?? "", timestamp: position.timestamp,
                        ingestionTime: row["ingest"], message: message))
            }
            return LogFilterPage(events: found, streams: searched, next: nil)
        }
    }

    public func expire(now: Int) async throws -> Int {
        try await writer.write { db in
            let groups = try Row.fetchAll(
                db, sql: "SELECT id, retention FROM log_groups WHERE retention IS NOT NULL")
            var removed = 0
            for row in groups {
                let id: Int64 = row["id"]
                let days: Int = row["retention"]
                let cutoff = now - days * 86_400_000
                let streams = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT stream_id, count(*) AS n, sum(length(CAST(message AS BLOB))) AS bytes
                        FROM log_events WHERE group_id = ? AND ts < ? GROUP BY stream_id
                        """, arguments: [id, cutoff])
                guard !streams.isEmpty else { continue }
                try db.execute(sql: "DELETE FROM log_events WHERE group_id = ? AND ts < ?", arguments: [id, cutoff])
                removed += db.changesCount
                for stream in streams {
                    let streamId: Int64 = stream["stream_id"]
                    let bytes: Int = stream["bytes"]
                    try db.execute(
                        sql: """
                            UPDATE log_streams SET stored_bytes = max(0, stored_bytes - ?),
                                first_ts = (SELECT min(ts) FROM log_events WHERE stream_id = ?)
                            WHERE id = ?
                            """, arguments: [bytes, streamId, streamId])
                }
            }
            return removed
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
