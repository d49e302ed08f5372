import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore {
    public func createCluster(_ record: ClusterRecord, tags: [ECS.Tag]) async throws -> (
        record: ClusterRecord, created: Bool
    ) {
        let body = try encode(record.cluster)
        return try await timedWrite { db in
            if let existing = try self.fetchCluster(db, name: record.name), existing.status == .active {
                return (existing, false)
            }
            try db.execute(
                sql: """
                    INSERT INTO clusters (name, status, created_at, body) VALUES (?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET status = excluded.status,
                        created_at = excluded.created_at, body = excluded.body
                    """,
                arguments: [record.name, record.status.rawValue, record.createdAt.timeIntervalSince1970, body])
            let key = Self.tagKey(.cluster(name: record.name))
            try db.execute(sql: "DELETE FROM tags WHERE resource = ?", arguments: [key])
            try self.writeTags(db, resource: key, tags: tags)
            return (record, true)
        }
    }

    public func cluster(named name: String) async throws -> ClusterRecord? {
        try await pool.read { db in try self.fetchCluster(db, name: name) }
    }

    public func clusters(named names: [String]) async throws -> [String: ClusterRecord] {
        try await pool.read { db in
            var result: [String: ClusterRecord] = [:]
            for name in Set(names) {
                if let record = try self.fetchCluster(db, name: name) { result[name] = record }
            }
            return result
        }
    }

    public func clusterCounts(named names: [String]) async throws -> [String: ClusterCounts] {
        try await pool.read { db in
            var result: [String: ClusterCounts] = [:]
            for name in Set(names) { result[name] = try self.fetchCounts(db, cluster: name) }
            return result
        }
    }

    /// The live counts of one cluster, from the rows that own them.
    func fetchCounts(_ db: Database, cluster: String) throws -> ClusterCounts {
        var counts = ClusterCounts()
        counts.registeredContainerInstances =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT count(*) FROM container_instances WHERE cluster = ? AND status IN ('ACTIVE', 'DRAINING')"
                ), arguments: [cluster]) ?? 0
        let services = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT status, count(*) AS n FROM services WHERE cluster = ? GROUP BY status"),
            arguments: [cluster])
        for row in services {
            let status: String = row["status"]
            let count: Int = row["n"]
            if status == ServiceRecord.Status.active.rawValue { counts.activeServices = count }
            if status == ServiceRecord.Status.draining.rawValue { counts.drainingServices = count }
        }
        let statuses = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT last_status, count(*) AS n FROM tasks
                    WHERE cluster = ? AND last_status != 'STOPPED' GROUP BY last_status
                    """), arguments: [cluster])
        for row in statuses {
            let status = TaskStatus(rawValue: row["last_status"]) ?? .pending
            let count: Int = row["n"]
            if status == .running {
                counts.runningTasks += count
            } else if status < .running {
                counts.pendingTasks += count
            }
        }
        return counts
    }

    public func listActiveClusters(after name: String?, limit: Int) async throws -> [ClusterRecord] {
        try await pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM clusters WHERE status = 'ACTIVE' AND name > ?
                    ORDER BY name LIMIT ?
                    """,
                arguments: [name ?? "", limit])
            return try rows.map { try self.clusterRecord($0) }
        }
    }

    public func updateCluster(
        named name: String,
        _ change: @Sendable (inout ClusterRecord, ClusterCounts) throws -> Void
    ) async throws -> ClusterRecord? {
        try await timedWrite { db in
            guard var record = try self.fetchCluster(db, name: name), record.status == .active else {
                return nil
            }
            try change(&record, try self.fetchCounts(db, cluster: name))
            try db.execute(
                sql: "UPDATE clusters SET status = ?, body = ? WHERE name = ?",
                arguments: [record.status.rawValue, try self.encode(record.cluster), name])
            return record
        }
    }

    func fetchCluster(_ db: Database, name: String) throws -> ClusterRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM clusters WHERE name = ?", arguments: [name])
        else { return nil }
        return try clusterRecord(row)
    }

    func clusterRecord(_ row: Row) throws -> ClusterRecord {
        let statusText: String = row["status"]
        return ClusterRecord(
            name: row["name"],
            status: ClusterRecord.Status(rawValue: statusText) ?? .inactive,
            cluster: try decode(ECS.Cluster.self, from: row["body"]),
            createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }
}
