import AdmiralModel
import Foundation
import GRDB

extension SQLiteMetricStore {
    /// The columns an alarm is read from.
    static let alarmColumns =
        "body, state_value, state_reason, state_reason_data, state_updated, state_transitioned, actions_invoked_at"

    /// An alarm from its row: the configuration in `body`, with the state of its last
    /// evaluation from the state columns when one was written since.
    func alarm(_ row: Row) throws -> AlarmRecord {
        var alarm = try decoder.decode(AlarmRecord.self, from: row["body"] as Data)
        if let value = row["state_value"] as String? {
            AlarmStateColumns(
                stateValue: value, stateReason: row["state_reason"], stateReasonData: row["state_reason_data"],
                stateUpdated: row["state_updated"], stateTransitioned: row["state_transitioned"],
                actionsInvokedAt: row["actions_invoked_at"]
            ).apply(to: &alarm)
        }
        return alarm
    }

    public func alarms() async throws -> [AlarmRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.alarmColumns) FROM alarms ORDER BY name").map(self.alarm)
        }
    }

    public func alarms(named names: [String]) async throws -> [AlarmRecord] {
        guard !names.isEmpty else { return [] }
        return try await writer.read { db in
            try names.compactMap { name in
                try Row.fetchOne(
                    db, sql: "SELECT \(Self.alarmColumns) FROM alarms WHERE name = ?", arguments: [name]
                ).map(self.alarm)
            }
        }
    }

    public func putAlarm(_ alarm: AlarmRecord, history: AlarmHistoryRecord?) async throws {
        let body = try encoder.encode(alarm)
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO alarms (name, version, body) VALUES (?, ?, ?)",
                arguments: [alarm.name, alarm.version, body])
            if let history {
                try self.insertHistory(db, history)
            }
        }
    }

    public func updateAlarmState(_ alarm: AlarmRecord, history: [AlarmHistoryRecord]) async throws -> Bool {
        try await updateAlarmStates([(alarm, history)]) == [true]
    }

    /// Writes only what an evaluation changes (``AlarmStateColumns``), where rewriting each
    /// whole alarm cost most of a pass that changed 10,000.
    public func updateAlarmStates(_ updates: [(AlarmRecord, [AlarmHistoryRecord])]) async throws -> [Bool] {
        try await writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    UPDATE alarms SET state_value = ?, state_reason = ?, state_reason_data = ?, state_updated = ?,
                    state_transitioned = ?, actions_invoked_at = ? WHERE name = ? AND version = ?
                    """)
            var written: [Bool] = []
            for (alarm, history) in updates {
                let state = AlarmStateColumns(alarm)
                try statement.execute(arguments: [
                    state.stateValue, state.stateReason, state.stateReasonData, state.stateUpdated,
                    state.stateTransitioned, state.actionsInvokedAt, alarm.name, alarm.version,
                ])
                guard db.changesCount == 1 else {
                    written.append(false)
                    continue
                }
                for item in history {
                    try self.insertHistory(db, item)
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
        try await writer.write { db in
            for item in items {
                try self.insertHistory(db, item)
            }
        }
    }

    func insertHistory(_ db: Database, _ record: AlarmHistoryRecord) throws {
        let item = record.item
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO alarm_history (alarm_name, type, ts, body, alarm_type, summary, data)
                VALUES (?, ?, ?, X'', ?, ?, ?)
                """)
        try statement.execute(arguments: [
            item.alarmName ?? "", item.historyItemType?.rawValue ?? "", (item.timestamp ?? Date()).timeIntervalSince1970,
            item.alarmType?.rawValue, item.historySummary ?? "", item.historyData,
        ])
    }

    /// A history item from its row: from its columns, or (`summary` NULL) the whole item
    /// in `body` as the first release wrote it with Foundation's `JSONEncoder`.
    func historyItem(_ row: Row) throws -> CloudWatch.AlarmHistoryItem {
        guard let summary = row["summary"] as String? else {
            return try decoder.decode(CloudWatch.AlarmHistoryItem.self, from: row["body"] as Data)
        }
        return CloudWatch.AlarmHistoryItem(
            alarmName: row["alarm_name"], alarmType: (row["alarm_type"] as String?).flatMap(CloudWatch.AlarmType.init),
            timestamp: Date(timeIntervalSince1970: row["ts"]),
            historyItemType: (row["type"] as String?).flatMap(CloudWatch.HistoryItemType.init), historySummary: summary,
            historyData: row["data"])
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
            var sql = "SELECT id, alarm_name, type, ts, body, alarm_type, summary, data FROM alarm_history"
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

/// The part of an alarm that its evaluations change, stored in columns of its own apart
/// from its configuration; times as epoch seconds.
struct AlarmStateColumns {
    var stateValue: String?
    var stateReason: String?
    var stateReasonData: String?
    var stateUpdated: Double?
    var stateTransitioned: Double?
    var actionsInvokedAt: Double?

    init(
        stateValue: String?, stateReason: String?, stateReasonData: String?, stateUpdated: Double?,
        stateTransitioned: Double?, actionsInvokedAt: Double?
    ) {
        self.stateValue = stateValue
        self.stateReason = stateReason
        self.stateReasonData = stateReasonData
        self.stateUpdated = stateUpdated
        self.stateTransitioned = stateTransitioned
        self.actionsInvokedAt = actionsInvokedAt
    }

    init(_ alarm: AlarmRecord) {
        if let metric = alarm.metricAlarm {
            stateValue = metric.stateValue?.rawValue
            stateReason = metric.stateReason
            stateReasonData = metric.stateReasonData
            stateUpdated = metric.stateUpdatedTimestamp?.timeIntervalSince1970
            stateTransitioned = metric.stateTransitionedTimestamp?.timeIntervalSince1970
        } else if let composite = alarm.compositeAlarm {
            stateValue = composite.stateValue?.rawValue
            stateReason = composite.stateReason
            stateReasonData = composite.stateReasonData
            stateUpdated = composite.stateUpdatedTimestamp?.timeIntervalSince1970
            stateTransitioned = composite.stateTransitionedTimestamp?.timeIntervalSince1970
        }
        actionsInvokedAt = alarm.actionsInvokedAt?.timeIntervalSince1970
    }

    func apply(to alarm: inout AlarmRecord) {
        alarm.setState(
            stateValue.flatMap(CloudWatch.StateValue.init(rawValue:)), reason: stateReason,
            reasonData: stateReasonData, updated: stateUpdated.map(Date.init(timeIntervalSince1970:)),
            transitioned: stateTransitioned.map(Date.init(timeIntervalSince1970:)))
        alarm.actionsInvokedAt = actionsInvokedAt.map(Date.init(timeIntervalSince1970:))
    }
}
