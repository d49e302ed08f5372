import AdmiralModel
import Foundation
import GRDB

extension SQLiteMetricStore {
    public func alarms() async throws -> [AlarmRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT body FROM alarms ORDER BY name").map { row in
                try self.decoder.decode(AlarmRecord.self, from: row["body"] as Data)
            }
        }
    }

    public func alarms(named names: [String]) async throws -> [AlarmRecord] {
        guard !names.isEmpty else { return [] }
        return try await writer.read { db in
            try names.compactMap { name in
                try Data.fetchOne(db, sql: "SELECT body FROM alarms WHERE name = ?", arguments: [name]).map {
                    try self.decoder.decode(AlarmRecord.self, from: $0)
                }
            }
        }
    }

    public func putAlarm(_ alarm: AlarmRecord, history: AlarmHistoryRecord?) async throws {
        let body = try encoder.encode(alarm)
        let historyBody = try history.map { try encoder.encode($0.item) }
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO alarms (name, version, body) VALUES (?, ?, ?)",
                arguments: [alarm.name, alarm.version, body])
            if let history, let historyBody {
                try self.insertHistory(db, history, body: historyBody)
            }
        }
    }

    public func updateAlarmState(_ alarm: AlarmRecord, history: [AlarmHistoryRecord]) async throws -> Bool {
        let body = try encoder.encode(alarm)
        let bodies = try history.map { try encoder.encode($0.item) }
        return try await writer.write { db in
            try db.execute(
                sql: "UPDATE alarms SET body = ? WHERE name = ? AND version = ?",
                arguments: [body, alarm.name, alarm.version])
            guard db.changesCount == 1 else { return false }
            for (item, body) in zip(history, bodies) {
                try self.insertHistory(db, item, body: body)
            }
            return true
        }
    }

    public func updateAlarmStates(_ updates: [(AlarmRecord, [AlarmHistoryRecord])]) async throws -> [Bool] {
        let encoded = try updates.map { update in
            (
                update.0.name, update.0.version, try encoder.encode(update.0),
                try update.1.map { ($0, try encoder.encode($0.item)) }
            )
        }
        return try await writer.write { db in
            let statement = try db.cachedStatement(sql: "UPDATE alarms SET body = ? WHERE name = ? AND version = ?")
            var written: [Bool] = []
            for (name, version, body, history) in encoded {
                try statement.execute(arguments: [body, name, version])
                guard db.changesCount == 1 else {
                    written.append(false)
                    continue
                }
                for (item, body) in history {
                    try self.insertHistory(db, item, body: body)
                }
                written.append(true)
            }
            return written
        }
    }

    public func deleteAlarms(named names: [String]) async throws -> [String] {
        try await writer.write { db in
            var deleted: [String] = []
            for name in names {
                try db.execute(sql: "DELETE FROM alarms WHERE name = ?", arguments: [name])
                if db.changesCount > 0 { deleted.append(name) }
            }
            return deleted
        }
    }

    public func appendHistory(_ items: [AlarmHistoryRecord]) async throws {
        let bodies = try items.map { try encoder.encode($0.item) }
        try await writer.write { db in
            for (item, body) in zip(items, bodies) {
                try self.insertHistory(db, item, body: body)
            }
        }
    }

    func insertHistory(_ db: Database, _ record: AlarmHistoryRecord, body: Data) throws {
        try db.execute(
            sql: "INSERT INTO alarm_history (alarm_name, type, ts, body) VALUES (?, ?, ?, ?)",
            arguments: [
                record.item.alarmName ?? "", record.item.historyItemType?.rawValue ?? "",
                (record.item.timestamp ?? Date()).timeIntervalSince1970, body,
            ])
    }

    public func history(
        alarmName: String?, type: String?, from: Date?, to: Date?, ascending: Bool, after: Int64?, limit: Int
    ) async throws -> (items: [AlarmHistoryRecord], next: Int64?) {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let alarmName {
                conditions.append("alarm_name = ?")
                arguments += [alarmName]
            }
            if let type {
                conditions.append("type = ?")
                arguments += [type]
            }
            if let from {
                conditions.append("ts >= ?")
                arguments += [from.timeIntervalSince1970]
            }
            if let to {
                conditions.append("ts <= ?")
                arguments += [to.timeIntervalSince1970]
            }
            if let after {
                conditions.append(ascending ? "id > ?" : "id < ?")
                arguments += [after]
            }
            let order = ascending ? "ASC" : "DESC"
            var sql = "SELECT id, body FROM alarm_history"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY id \(order) LIMIT ?"
            arguments += [limit + 1]
            var items = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                AlarmHistoryRecord(
                    id: row["id"],
                    item: try self.decoder.decode(CloudWatch.AlarmHistoryItem.self, from: row["body"] as Data))
            }
            var next: Int64?
            if items.count > limit {
                items.removeLast()
                next = items.last?.id
            }
            return (items, next)
        }
    }

    // MARK: Dashboards

    public func putDashboard(_ dashboard: DashboardRecord) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO dashboards (name, body, last_modified) VALUES (?, ?, ?)",
                arguments: [dashboard.name, dashboard.body, dashboard.lastModified.timeIntervalSince1970])
        }
    }

    public func dashboard(named name: String) async throws -> DashboardRecord? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM dashboards WHERE name = ?", arguments: [name]).map(Self.dashboard)
        }
    }

    public func dashboards(prefix: String?) async throws -> [DashboardRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM dashboards ORDER BY name").map(Self.dashboard)
                .filter { prefix == nil || $0.name.hasPrefix(prefix ?? "") }
        }
    }

    public func deleteDashboards(named names: [String]) async throws -> [String] {
        try await writer.write { db in
            var deleted: [String] = []
            for name in names {
                try db.execute(sql: "DELETE FROM dashboards WHERE name = ?", arguments: [name])
                if db.changesCount > 0 { deleted.append(name) }
            }
            return deleted
        }
    }

    static func dashboard(_ row: Row) -> DashboardRecord {
        DashboardRecord(
            name: row["name"], body: row["body"], lastModified: Date(timeIntervalSince1970: row["last_modified"]))
    }

    // MARK: Tags

    public func tags(of resource: String) async throws -> [CloudWatch.Tag] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT key, value FROM cloudwatch_tags WHERE resource = ? ORDER BY position",
                arguments: [resource]
            ).map { CloudWatch.Tag(key: $0["key"], value: $0["value"]) }
        }
    }

    public func setTags(_ tags: [CloudWatch.Tag], of resource: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM cloudwatch_tags WHERE resource = ?", arguments: [resource])
            for (position, tag) in tags.enumerated() {
                try db.execute(
                    sql: "INSERT INTO cloudwatch_tags (resource, key, value, position) VALUES (?, ?, ?, ?)",
                    arguments: [resource, tag.key, tag.value, position])
            }
        }
    }
}
