import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore {
    public func createTasks(
        cluster: String, tags: [ECS.Tag],
        _ place: @Sendable ([ContainerInstanceRecord]) throws -> PlacementOutcome
    ) async throws -> PlacementOutcome {
        try await timedWrite { db in
            try self.requireActiveCluster(db, cluster)
            let instances = try self.fetchPlaceableInstances(db, cluster: cluster)
            let outcome = try place(instances)
            var touched: [String: ContainerInstanceRecord] = [:]
            for task in outcome.tasks {
                guard task.isPlaced else {
                    // Waits in PROVISIONING: it holds nothing anywhere yet.
                    try self.writeTask(db, task)
                    if !tags.isEmpty {
                        try self.writeTags(db, resource: Self.tagKey(.task(cluster: cluster, id: task.id)), tags: tags)
                    }
                    continue
                }
                guard var instance = touched[task.containerInstanceId] ?? instances.first(where: {
                    $0.id == task.containerInstanceId
                }) else {
                    throw AdmiralError(.server, "A task was placed on an instance that is not in the cluster.")
                }
                try self.writeTask(db, task)
                if task.lastStatus.holdsResources {
                    instance.usage.add(task.reservation, group: task.group, status: task.lastStatus)
                }
                instance.desiredVersion += 1
                instance.version += 1
                touched[instance.id] = instance
                if !tags.isEmpty {
                    try self.writeTags(db, resource: Self.tagKey(.task(cluster: cluster, id: task.id)), tags: tags)
                }
            }
            for instance in touched.values { try self.writeInstance(db, instance) }
            return outcome
        }
    }

    public func clustersWithProvisioningTasks() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT cluster FROM tasks WHERE last_status = 'PROVISIONING' ORDER BY cluster")
        }
    }

    public func provisioningTasks(cluster: String) async throws -> [TaskRecord] {
        try await pool.read { db in try self.fetchProvisioningTasks(db, cluster: cluster) }
    }

    public func placeProvisioningTasks(
        cluster: String, _ place: @Sendable ([ContainerInstanceRecord], [TaskRecord]) throws -> [TaskRecord]
    ) async throws -> [TaskRecord] {
        try await timedWrite { db in
            let waiting = try self.fetchProvisioningTasks(db, cluster: cluster).filter { $0.desiredStatus == .running }
            guard !waiting.isEmpty else { return [] }
            let ordered = try self.fetchPlaceableInstances(db, cluster: cluster)
            var instances = Dictionary(ordered.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let waitingIds = Set(waiting.map(\.id))
            var placed: [TaskRecord] = []
            for var task in try place(ordered, waiting) {
                guard waitingIds.contains(task.id), task.isPlaced, var instance = instances[task.containerInstanceId]
                else { continue }
                task.version += 1
                try self.writeTask(db, task)
                if task.lastStatus.holdsResources {
                    instance.usage.add(task.reservation, group: task.group, status: task.lastStatus)
                }
                instance.desiredVersion += 1
                instance.version += 1
                instances[instance.id] = instance
                placed.append(task)
            }
            for id in Set(placed.map(\.containerInstanceId)) {
                if let instance = instances[id] { try self.writeInstance(db, instance) }
            }
            return placed
        }
    }

    /// The cluster's container instances that are not INACTIVE, by id. A cursor reads each
    /// row in place: the body is copied out only when the cache does not hold that row
    /// version.
    func fetchPlaceableInstances(_ db: Database, cluster: String) throws -> [ContainerInstanceRecord] {
        var instances: [ContainerInstanceRecord] = []
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT id, row_version, body FROM container_instances
                    WHERE cluster = ? AND status != 'INACTIVE' ORDER BY id
                    """),
            arguments: [cluster])
        while let row = try rows.next() {
            instances.append(try self.instanceRecord(row, cluster: cluster))
        }
        return instances
    }

    func fetchProvisioningTasks(_ db: Database, cluster: String) throws -> [TaskRecord] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT id, body FROM tasks WHERE cluster = ? AND last_status = 'PROVISIONING' ORDER BY id"),
            arguments: [cluster]
        ).map { try taskRecord($0, cluster: cluster) }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    public func tasks(cluster: String, ids: [String]) async throws -> [String: TaskRecord] {
        try await pool.read { db in
            var found: [String: TaskRecord] = [:]
            for id in Set(ids) {
                if let task = try self.fetchTask(db, cluster: cluster, id: id) { found[id] = task }
            }
            return found
        }
    }

    public func listTasks(_ filter: TaskFilter, after cursor: String?, limit: Int) async throws -> [TaskRecord] {
        try await pool.read { db in
            var sql = "SELECT id, body FROM tasks WHERE cluster = ? AND id > ?"
            var arguments: StatementArguments = [filter.cluster, cursor ?? ""]
            let columns: [(String, String?)] = [
                ("container_instance", filter.containerInstanceId), ("family", filter.family),
                ("started_by", filter.startedBy), ("service", filter.serviceName),
                ("desired_status", filter.desiredStatus?.rawValue),
            ]
            for (column, value) in columns {
                guard let value else { continue }
                sql += " AND \(column) = ?"
                arguments += [value]
            }
            sql += " ORDER BY id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
                try self.taskRecord($0, cluster: filter.cluster)
            }
        }
    }

    public func instanceTasks(cluster: String, containerInstanceId: String) async throws -> [TaskRecord] {
        try await pool.read { db in
            try self.fetchInstanceTasks(db, cluster: cluster, instance: containerInstanceId)
        }
    }

    public func updateTasks(
        cluster: String, ids: [String], _ change: @Sendable (inout TaskRecord) throws -> Void
    ) async throws -> [TaskRecord] {
        try await timedWrite { db in
            var changed: [TaskRecord] = []
            var instances: [String: ContainerInstanceRecord] = [:]
            var seen: Set<String> = []
            for id in ids where seen.insert(id).inserted {
                guard let task = try self.fetchTask(db, cluster: cluster, id: id) else { continue }
                var updated = task
                try change(&updated)
                guard updated != task else { continue }
                updated.version = task.version + 1
                try self.writeTask(db, updated)
                changed.append(updated)
                let instanceId = task.containerInstanceId
                if instances[instanceId] == nil {
                    instances[instanceId] = try self.fetchInstance(db, cluster: cluster, id: instanceId)
                }
                if var instance = instances[instanceId] {
                    Self.account(old: task, new: updated, in: &instance)
                    instances[instanceId] = instance
                }
            }
            for instance in instances.values { try self.writeInstance(db, instance) }
            return changed
        }
    }

    public func deleteTasks(stoppedBefore date: Date) async throws -> Int {
        try await timedWrite { db in
            let ids = try Row.fetchAll(
                db, sql: "SELECT cluster, id FROM tasks WHERE stopped_at IS NOT NULL AND stopped_at < ?",
                arguments: [date.timeIntervalSince1970])
            for row in ids {
                let cluster: String = row["cluster"]
                let id: String = row["id"]
                try db.execute(sql: "DELETE FROM tasks WHERE cluster = ? AND id = ?", arguments: [cluster, id])
                self.taskCache.remove(key: "\(cluster)/\(id)")
                try db.execute(
                    sql: "DELETE FROM tags WHERE resource = ?",
                    arguments: [Self.tagKey(.task(cluster: cluster, id: id))])
            }
            return ids.count
        }
    }

    // MARK: Rows

    /// Brings an instance's usage and desired version in line with one task's change.
    static func account(old: TaskRecord, new: TaskRecord, in instance: inout ContainerInstanceRecord) {
        var changed = false
        if old.lastStatus.holdsResources {
            if !new.lastStatus.holdsResources {
                instance.usage.remove(old.reservation, group: old.group, status: old.lastStatus)
                changed = true
            } else if old.lastStatus != new.lastStatus {
                instance.usage.move(from: old.lastStatus, to: new.lastStatus)
                changed = true
            }
        }
        if old.desiredStatus != new.desiredStatus {
            instance.desiredVersion += 1
            changed = true
        }
        if changed { instance.version += 1 }
    }

    func fetchTask(_ db: Database, cluster: String, id: String) throws -> TaskRecord? {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, body FROM tasks WHERE cluster = ? AND id = ?"), arguments: [cluster, id])
        return try row.map { try taskRecord($0, cluster: cluster) }
    }

    func fetchInstanceTasks(_ db: Database, cluster: String, instance: String) throws -> [TaskRecord] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, body FROM tasks WHERE cluster = ? AND container_instance = ? AND last_status != 'STOPPED'
                    ORDER BY id
                    """),
            arguments: [cluster, instance]
        ).map { try taskRecord($0, cluster: cluster) }
    }

    func writeTask(_ db: Database, _ task: TaskRecord) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO tasks (cluster, id, container_instance, family, last_status, desired_status,
                    started_by, service, stopped_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(cluster, id) DO UPDATE SET container_instance = excluded.container_instance,
                    last_status = excluded.last_status,
                    desired_status = excluded.desired_status, stopped_at = excluded.stopped_at,
                    body = excluded.body
                """
        ).execute(arguments: [
            task.cluster, task.id, task.containerInstanceId, task.family, task.lastStatus.rawValue,
            task.desiredStatus.rawValue, task.startedBy, task.serviceName,
            task.lastStatus == .stopped ? (task.task.stoppedAt ?? Date()).timeIntervalSince1970 : nil,
            try encode(task),
        ])
    }
}
