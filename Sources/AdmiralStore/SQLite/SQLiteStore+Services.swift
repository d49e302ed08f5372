import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore {
    public func createService(
        _ record: ServiceRecord, tags: [ECS.Tag], sameRequest: @Sendable (ServiceRecord) -> Bool
    ) async throws -> (record: ServiceRecord, created: Bool) {
        try await timedWrite { db in
            try self.requireActiveCluster(db, record.cluster)
            if let existing = try self.fetchService(db, cluster: record.cluster, name: record.name),
                existing.status != .inactive
            {
                guard sameRequest(existing) else {
                    throw AdmiralError.invalidParameter("Creation of service was not idempotent.")
                }
                return (existing, false)
            }
            try self.writeService(db, record)
            let key = Self.tagKey(.service(cluster: record.cluster, name: record.name))
            try db.execute(sql: "DELETE FROM tags WHERE resource = ?", arguments: [key])
            try self.writeTags(db, resource: key, tags: tags)
            return (record, true)
        }
    }

    public func services(cluster: String, names: [String]) async throws -> [String: ServiceRecord] {
        try await pool.read { db in
            var found: [String: ServiceRecord] = [:]
            for name in Set(names) {
                if let record = try self.fetchService(db, cluster: cluster, name: name) { found[name] = record }
            }
            return found
        }
    }

    public func listServices(
        cluster: String, schedulingStrategy: ECS.SchedulingStrategy?, after cursor: String?, limit: Int
    ) async throws -> [ServiceRecord] {
        try await pool.read { db in
            var sql = "SELECT cluster, name, body FROM services WHERE cluster = ? AND status = 'ACTIVE' AND name > ?"
            var arguments: StatementArguments = [cluster, cursor ?? ""]
            if let schedulingStrategy {
                sql += " AND scheduling_strategy = ?"
                arguments += [schedulingStrategy.rawValue]
            }
            sql += " ORDER BY name LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try self.serviceRecord($0) }
        }
    }

    public func liveServices(cluster: String?) async throws -> [ServiceRecord] {
        try await pool.read { db in
            var sql = "SELECT cluster, name, body FROM services WHERE status IN ('ACTIVE', 'DRAINING')"
            var arguments: StatementArguments = []
            if let cluster {
                sql += " AND cluster = ?"
                arguments += [cluster]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY cluster, name", arguments: arguments).map {
                try self.serviceRecord($0)
            }
        }
    }

    public func updateService(
        cluster: String, name: String, _ change: @Sendable (inout ServiceRecord) throws -> Void
    ) async throws -> ServiceRecord? {
        try await timedWrite { db in
            guard var record = try self.fetchService(db, cluster: cluster, name: name) else { return nil }
            let before = record
            try change(&record)
            guard record != before else { return record }
            record.version = before.version + 1
            try self.writeService(db, record)
            return record
        }
    }

    public func serviceTasks(cluster: String, service: String, stoppedSince: Date?) async throws -> [TaskRecord] {
        try await pool.read { db in
            var sql = "SELECT id, body FROM tasks WHERE cluster = ? AND service = ? AND (last_status != 'STOPPED'"
            var arguments: StatementArguments = [cluster, service]
            if let stoppedSince {
                sql += " OR stopped_at >= ?"
                arguments += [stoppedSince.timeIntervalSince1970]
            }
            sql += ") ORDER BY id"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                try self.taskRecord($0, cluster: cluster)
            }
        }
    }

    // MARK: Rows

    func fetchService(_ db: Database, cluster: String, name: String) throws -> ServiceRecord? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT cluster, name, body FROM services WHERE cluster = ? AND name = ?"),
            arguments: [cluster, name])
        return try row.map { try serviceRecord($0) }
    }

    func writeService(_ db: Database, _ record: ServiceRecord) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO services (cluster, name, status, scheduling_strategy, body) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(cluster, name) DO UPDATE SET status = excluded.status,
                    scheduling_strategy = excluded.scheduling_strategy, body = excluded.body
                """
        ).execute(arguments: [
            record.cluster, record.name, record.status.rawValue, record.schedulingStrategy.rawValue,
            try encode(record),
        ])
    }
}
