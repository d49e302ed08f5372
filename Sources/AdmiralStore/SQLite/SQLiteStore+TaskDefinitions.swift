import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore {
    public func registerTaskDefinition(
        family: String,
        definition: ECS.TaskDefinition,
        tags: [ECS.Tag]
    ) async throws -> TaskDefinitionRecord {
        // The body is encoded before taking the single writer: revision and ARN live in
        // columns and the rendered answer, not in the stored body.
        var stored = definition
        stored.family = family
        stored.revision = nil
        stored.taskDefinitionArn = nil
        stored.status = .active
        let body = try encode(stored)
        let revision = try await pool.write { db -> Int in
            let last =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT last_revision FROM task_definition_families WHERE family = ?"),
                    arguments: [family]) ?? 0
            let revision = last + 1
            try db.cachedStatement(
                sql: """
                    INSERT INTO task_definition_families (family, last_revision) VALUES (?, ?)
                    ON CONFLICT(family) DO UPDATE SET last_revision = excluded.last_revision
                    """
            ).execute(arguments: [family, revision])
            try db.cachedStatement(
                sql: "INSERT INTO task_definitions (family, revision, status, body) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [family, revision, ECS.TaskDefinitionStatus.active.rawValue, body])
            try self.writeTags(
                db, resource: Self.tagKey(.taskDefinition(family: family, revision: revision)), tags: tags)
            return revision
        }
        stored.revision = revision
        let record = TaskDefinitionRecord(family: family, revision: revision, status: .active, definition: stored)
        taskDefinitionCache.wrote(record, latestActive: revision)
        return record
    }

    public func taskDefinition(family: String, revision: Int?) async throws -> TaskDefinitionRecord? {
        if let cached = taskDefinitionCache.lookup(family: family, revision: revision) { return cached }
        let generation = taskDefinitionCache.generation()
        let record = try await readTaskDefinition(family: family, revision: revision)
        if let record {
            taskDefinitionCache.fill(record, asLatest: revision == nil, generation: generation)
        }
        return record
    }

    func readTaskDefinition(family: String, revision: Int?) async throws -> TaskDefinitionRecord? {
        try await pool.read { db in
            let row: Row?
            if let revision {
                row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM task_definitions WHERE family = ? AND revision = ?"),
                    arguments: [family, revision])
            } else {
                row = try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT * FROM task_definitions WHERE family = ? AND status = 'ACTIVE'
                            ORDER BY revision DESC LIMIT 1
                            """),
                    arguments: [family])
            }
            return try row.map { try self.taskDefinitionRecord($0) }
        }
    }

    public func listTaskDefinitions(
        family: String?, statuses: [ECS.TaskDefinitionStatus], descending: Bool,
        after cursor: TaskDefinitionCursor?, limit: Int
    ) async throws -> [TaskDefinitionRecord] {
        try await pool.read { db in
            var sql =
                "SELECT * FROM task_definitions WHERE status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))"
            var arguments = StatementArguments(statuses.map(\.rawValue))
            if let family, !family.isEmpty {
                sql += " AND family = ?"
                arguments += [family]
            }
            if let cursor {
                sql += descending ? " AND (family, revision) < (?, ?)" : " AND (family, revision) > (?, ?)"
                arguments += [cursor.family, cursor.revision]
            }
            sql += descending ? " ORDER BY family DESC, revision DESC" : " ORDER BY family, revision"
            sql += " LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try self.taskDefinitionRecord($0) }
        }
    }

    public func listTaskDefinitionFamilies(
        prefix: String?, status: FamilyStatusFilter, after name: String?, limit: Int
    ) async throws -> [String] {
        try await pool.read { db in
            var sql = "SELECT f.family FROM task_definition_families f WHERE f.family > ?"
            var arguments: StatementArguments = [name ?? ""]
            if let prefix, !prefix.isEmpty {
                sql += " AND substr(f.family, 1, ?) = ?"
                arguments += [prefix.count, prefix]
            }
            let hasActive =
                "EXISTS (SELECT 1 FROM task_definitions t WHERE t.family = f.family AND t.status = 'ACTIVE')"
            switch status {
            case .active: sql += " AND \(hasActive)"
            case .inactive: sql += " AND NOT \(hasActive)"
            case .all: break
            }
            sql += " AND EXISTS (SELECT 1 FROM task_definitions t WHERE t.family = f.family)"
            sql += " ORDER BY f.family LIMIT ?"
            arguments += [limit]
            return try String.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    public func updateTaskDefinition(
        family: String, revision: Int,
        _ change: @Sendable (inout TaskDefinitionRecord) throws -> Void
    ) async throws -> TaskDefinitionRecord? {
        let result = try await pool.write { db -> (TaskDefinitionRecord, Int?)? in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT * FROM task_definitions WHERE family = ? AND revision = ?",
                    arguments: [family, revision])
            else { return nil }
            var record = try self.taskDefinitionRecord(row)
            try change(&record)
            try db.execute(
                sql: "UPDATE task_definitions SET status = ?, body = ? WHERE family = ? AND revision = ?",
                arguments: [record.status.rawValue, try self.encode(record.definition), family, revision])
            let latest = try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT max(revision) FROM task_definitions WHERE family = ? AND status = 'ACTIVE'"),
                arguments: [family])
            return (record, latest)
        }
        guard let (record, latest) = result else { return nil }
        taskDefinitionCache.wrote(record, latestActive: latest)
        return record
    }

    func taskDefinitionRecord(_ row: Row) throws -> TaskDefinitionRecord {
        let statusText: String = row["status"]
        let revision: Int = row["revision"]
        var definition = try decode(ECS.TaskDefinition.self, from: row["body"])
        definition.revision = revision
        return TaskDefinitionRecord(
            family: row["family"],
            revision: revision,
            status: ECS.TaskDefinitionStatus(rawValue: statusText) ?? .inactive,
            definition: definition)
    }
}
