import AdmiralModel
import Foundation
import GRDB

extension SQLiteMetricStore {
    /// An alarm from its row: the configuration in `body`, with the state of its last
    /// evaluation from `state` when one was written since.
    func alarm(_ row: Row) throws -> AlarmRecord {
        var alarm = try decoder.decode(AlarmRecord.self, from: row["body"] as Data)
        if let state = row["state"] as Data? {
            try WireJSONDecoder.decode(AlarmStateColumns.self, from: Array(state), reference: stateDecoder)
                .apply(to: &alarm)
        }
        return alarm
    }

    public func alarms() async throws -> [AlarmRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT body, state FROM alarms ORDER BY name").map(self.alarm)
        }
    }

    public func alarms(named names: [String]) async throws -> [AlarmRecord] {
        guard !names.isEmpty else { return [] }
        return try await writer.read { db in
            try names.compactMap { name in
                try Row.fetchOne(db, sql: "SELECT body, state FROM alarms WHERE name = ?", arguments: [name])
                    .map(self.alarm)
            }
        }
    }

    public func putAlarm(_ alarm: AlarmRecord, history: AlarmHistoryRecord?) async throws {
        let body = try encoder.encode(alarm)
        let historyBody = try history.map { try Self.historyBody($0) }
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO alarms (name, version, body, state) VALUES (?, ?, ?, NULL)",
                arguments: [alarm.name, alarm.version, body])
            if let history, let historyBody {
                try self.insertHistory(db, history, body: historyBody)
            }
        }
    }

    public func updateAlarmState(_ alarm: AlarmRecord, history: [AlarmHistoryRecord]) async throws -> Bool {
        try await updateAlarmStates([(alarm, history)]) == [true]
    }

    /// Writes only what an evaluation changes (``AlarmStateColumns``), a few hundred bytes
    /// an alarm, where rewriting the whole alarm cost most of a pass that changed 10,000.
    public func updateAlarmStates(_ updates: [(AlarmRecord, [AlarmHistoryRecord])]) async throws -> [Bool] {
        let encoded = try updates.map { update in
            (
                update.0.name, update.0.version, try WireJSONEncoder.encode(AlarmStateColumns(update.0)),
                try update.1.map { ($0, try Self.historyBody($0)) }
            )
        }
        return try await writer.write { db in
            let statement = try db.cachedStatement(sql: "UPDATE alarms SET state = ? WHERE name = ? AND version = ?")
            var written: [Bool] = []
            for (name, version, state, history) in encoded {
                try statement.execute(arguments: [Data(state), name, version])
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
        let bodies = try items.map { try Self.historyBody($0) }
        try await writer.write { db in
            for (item, body) in zip(items, bodies) {
                try self.insertHistory(db, item, body: body)
            }
        }
    }

    /// A history item as stored (format 2): `WireJSONEncoder`'s JSON, times as epoch seconds.
    static func historyBody(_ record: AlarmHistoryRecord) throws -> Data {
        Data(try WireJSONEncoder.encode(record.item))
    }

    func insertHistory(_ db: Database, _ record: AlarmHistoryRecord, body: Data) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO alarm_history (alarm_name, type, ts, body, format) VALUES (?, ?, ?, ?, 2)")
        try statement.execute(arguments: [
            record.item.alarmName ?? "", record.item.historyItemType?.rawValue ?? "",
            (record.item.timestamp ?? Date()).timeIntervalSince1970, body,
        ])
    }

    /// A history item from its row: format 1 (the first release's) is Foundation's
    /// `JSONEncoder` with its default dates (seconds since 2001), format 2 epoch seconds.
    func historyItem(_ row: Row) throws -> CloudWatch.AlarmHistoryItem {
        let body = row["body"] as Data
        if (row["format"] as Int) == 1 {
            return try decoder.decode(CloudWatch.AlarmHistoryItem.self, from: body)
        }
        return try WireJSONDecoder.decode(CloudWatch.AlarmHistoryItem.self, from: Array(body), reference: stateDecoder)
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
            var sql = "SELECT id, body, format FROM alarm_history"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY id \(order) LIMIT ?"
            arguments += [limit + 1]
            var items = try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                AlarmHistoryRecord(
                    id: row["id"],
                    item: try self.historyItem(row))
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

/// The part of an alarm that its evaluations change, stored in the `state` column apart
/// from its configuration; times as epoch seconds.
struct AlarmStateColumns: Codable {
    var stateValue: String?
    var stateReason: String?
    var stateReasonData: String?
    var stateUpdatedTimestamp: Double?
    var stateTransitionedTimestamp: Double?
    var actionsInvokedAt: Double?

    init(_ alarm: AlarmRecord) {
        if let metric = alarm.metricAlarm {
            stateValue = metric.stateValue?.rawValue
            stateReason = metric.stateReason
            stateReasonData = metric.stateReasonData
            stateUpdatedTimestamp = metric.stateUpdatedTimestamp?.timeIntervalSince1970
            stateTransitionedTimestamp = metric.stateTransitionedTimestamp?.timeIntervalSince1970
        } else if let composite = alarm.compositeAlarm {
            stateValue = composite.stateValue?.rawValue
            stateReason = composite.stateReason
            stateReasonData = composite.stateReasonData
            stateUpdatedTimestamp = composite.stateUpdatedTimestamp?.timeIntervalSince1970
            stateTransitionedTimestamp = composite.stateTransitionedTimestamp?.timeIntervalSince1970
        }
        actionsInvokedAt = alarm.actionsInvokedAt?.timeIntervalSince1970
    }

    func apply(to alarm: inout AlarmRecord) {
        let value = stateValue.flatMap(CloudWatch.StateValue.init(rawValue:))
        let updated = stateUpdatedTimestamp.map(Date.init(timeIntervalSince1970:))
        let transitioned = stateTransitionedTimestamp.map(Date.init(timeIntervalSince1970:))
        if alarm.metricAlarm != nil {
            alarm.metricAlarm?.stateValue = value
            alarm.metricAlarm?.stateReason = stateReason
            alarm.metricAlarm?.stateReasonData = stateReasonData
            alarm.metricAlarm?.stateUpdatedTimestamp = updated
            alarm.metricAlarm?.stateTransitionedTimestamp = transitioned
        } else if alarm.compositeAlarm != nil {
            alarm.compositeAlarm?.stateValue = value
            alarm.compositeAlarm?.stateReason = stateReason
            alarm.compositeAlarm?.stateReasonData = stateReasonData
            alarm.compositeAlarm?.stateUpdatedTimestamp = updated
            alarm.compositeAlarm?.stateTransitionedTimestamp = transitioned
        }
        alarm.actionsInvokedAt = actionsInvokedAt.map(Date.init(timeIntervalSince1970:))
    }
}
