import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore {
    public func registerContainerInstance(_ record: ContainerInstanceRecord, reusing id: String?) async throws
        -> ContainerInstanceRecord
    {
        try await timedWrite { db in
            try self.requireActiveCluster(db, record.cluster)
            if let id, var existing = try self.fetchInstance(db, cluster: record.cluster, id: id),
                existing.status != .inactive
            {
                existing.ec2InstanceId = record.ec2InstanceId
                existing.registered = record.registered
                existing.attributes = Self.mergedAttributes(existing.attributes, registering: record.attributes)
                existing.versionInfo = record.versionInfo
                existing.privateIpAddress = record.privateIpAddress
                existing.agentConnected = true
                existing.version += 1
                try self.writeInstance(db, existing)
                return existing
            }
            try self.writeInstance(db, record)
            return record
        }
    }

    /// The attributes of a re-registering agent, keeping custom attributes that were put
    /// through PutAttributes and that the agent does not report itself.
    static func mergedAttributes(_ current: [ECS.Attribute], registering reported: [ECS.Attribute])
        -> [ECS.Attribute]
    {
        let reportedNames = Set(reported.map(\.name))
        let kept = current.filter { !reportedNames.contains($0.name) && !$0.name.hasPrefix("ecs.") }
            .filter { !$0.name.hasPrefix("com.amazonaws.ecs.") }
        return reported + kept
    }

    public func containerInstances(cluster: String, ids: [String]) async throws -> [String: ContainerInstanceRecord]
    {
        try await pool.read { db in
            var found: [String: ContainerInstanceRecord] = [:]
            for id in Set(ids) {
                if let record = try self.fetchInstance(db, cluster: cluster, id: id) { found[id] = record }
            }
            return found
        }
    }

    public func containerInstance(cluster: String, ec2InstanceId: String) async throws -> ContainerInstanceRecord? {
        try await pool.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT id, row_version, body FROM container_instances
                    WHERE cluster = ? AND ec2_instance_id = ? AND status != 'INACTIVE' LIMIT 1
                    """,
                arguments: [cluster, ec2InstanceId])
            return try row.map { try self.instanceRecord($0, cluster: cluster) }
        }
    }

    public func listContainerInstances(
        cluster: String, statuses: [ContainerInstanceStatus]?, after cursor: String?, limit: Int
    ) async throws -> [ContainerInstanceRecord] {
        try await pool.read { db in
            var sql = "SELECT id, row_version, body FROM container_instances WHERE cluster = ? AND id > ?"
            var arguments: StatementArguments = [cluster, cursor ?? ""]
            if let statuses {
                sql += " AND status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))"
                arguments += StatementArguments(statuses.map(\.rawValue))
            }
            sql += " ORDER BY id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                try self.instanceRecord($0, cluster: cluster)
            }
        }
    }

    public func liveContainerInstances() async throws -> [ContainerInstanceRecord] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT cluster, id, row_version, body FROM container_instances WHERE status != 'INACTIVE'"
            ).map { row in try self.instanceRecord(row, cluster: row["cluster"]) }
        }
    }

    public func updateContainerInstance(
        cluster: String, id: String, _ change: @Sendable (inout ContainerInstanceRecord) throws -> Void
    ) async throws -> ContainerInstanceRecord? {
        try await timedWrite { db in
            guard var record = try self.fetchInstance(db, cluster: cluster, id: id) else { return nil }
            let before = record
            try change(&record)
            guard record != before else { return record }
            record.version = before.version + 1
            try self.writeInstance(db, record)
            return record
        }
    }

    public func deregisterContainerInstance(
        cluster: String, id: String, at date: Date,
        check: @Sendable ([TaskRecord]) throws -> Void,
        stop: @Sendable (inout TaskRecord) throws -> Void
    ) async throws -> (instance: ContainerInstanceRecord, stoppedTasks: [TaskRecord])? {
        try await timedWrite { db in
            guard var instance = try self.fetchInstance(db, cluster: cluster, id: id), instance.status != .inactive
            else { return nil }
            let active = try self.fetchInstanceTasks(db, cluster: cluster, instance: id)
            try check(active)
            var stopped: [TaskRecord] = []
            for task in active {
                var updated = task
                try stop(&updated)
                guard updated != task else { continue }
                updated.version = task.version + 1
                try self.writeTask(db, updated)
                Self.account(old: task, new: updated, in: &instance)
                stopped.append(updated)
            }
            instance.status = .inactive
            instance.agentConnected = false
            instance.deregisteredAt = date
            instance.version += 1
            try self.writeInstance(db, instance)
            return (instance, stopped)
        }
    }

    // MARK: Rows

    func requireActiveCluster(_ db: Database, _ name: String) throws {
        let status = try String.fetchOne(
            db.cachedStatement(sql: "SELECT status FROM clusters WHERE name = ?"), arguments: [name])
        guard status == ClusterRecord.Status.active.rawValue else {
            throw AdmiralError(.clusterNotFound, "Cluster not found.")
        }
    }

    func fetchInstance(_ db: Database, cluster: String, id: String) throws -> ContainerInstanceRecord? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: "SELECT id, row_version, body FROM container_instances WHERE cluster = ? AND id = ?"),
            arguments: [cluster, id])
        return try row.map { try self.instanceRecord($0, cluster: cluster) }
    }

    /// Decodes an instance row (`id`, `row_version` and `body`), through the cache.
    func instanceRecord(_ row: Row, cluster: String) throws -> ContainerInstanceRecord {
        let key = "\(cluster)/\(row["id"] as String)"
        let rowVersion: Int64 = row["row_version"]
        if let cached = instanceCache.lookup(key: key, rowVersion: rowVersion) { return cached }
        let record = try decode(ContainerInstanceRecord.self, from: row["body"])
        instanceCache.fill(key: key, rowVersion: rowVersion, record: record)
        return record
    }

    func writeInstance(_ db: Database, _ record: ContainerInstanceRecord) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO container_instances (cluster, id, ec2_instance_id, status, row_version, body)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(cluster, id) DO UPDATE SET ec2_instance_id = excluded.ec2_instance_id,
                    status = excluded.status, row_version = excluded.row_version, body = excluded.body
                """
        ).execute(arguments: [
            record.cluster, record.id, record.ec2InstanceId, record.status.rawValue,
            instanceCache.nextRowVersion(), try encode(record),
        ])
    }
}
