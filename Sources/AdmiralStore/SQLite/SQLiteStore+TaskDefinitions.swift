import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore {
    public func registerTaskDefinition(
        family: String,
        definition: ECS.EncodedTaskDefinition,
        tags: [ECS.Tag]
    ) async throws -> TaskDefinitionRecord {
        // Encoded before joining a write batch; revision and ARN live in columns and the
        // rendered answer, not in the stored body.
        let body = definition.json
        let stored = definition.definition
        let cache = taskDefinitionCache
        let revision = try await groupCommit.write { db in
            try self.insertTaskDefinition(db, family: family, body: body, tags: tags)
        } committed: { revision in
            cache.wrote(Self.registeredRecord(family: family, revision: revision, stored), latestActive: revision)
        }
        return Self.registeredRecord(family: family, revision: revision, stored)
    }

    static func registeredRecord(family: String, revision: Int, _ definition: ECS.TaskDefinition)
        -> TaskDefinitionRecord
    {
        var definition = definition
        definition.revision = revision
        return TaskDefinitionRecord(family: family, revision: revision, status: .active, definition: definition)
    }

    /// Takes the family's next revision and inserts it, ACTIVE, with its tags; returns
    /// the revision. Two statements: the family's counter (an upsert that returns the
    /// new value) and the revision's row.
    func insertTaskDefinition(_ db: Database, family: String, body: Data, tags: [ECS.Tag]) throws -> Int {
        guard
            let revision = try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        INSERT INTO task_definition_families (family, last_revision) VALUES (?, 1)
                        ON CONFLICT(family) DO UPDATE SET last_revision = last_revision + 1
                        RETURNING last_revision
                        """),
                arguments: [family])
        else { throw DatabaseError(message: "the revision counter of family '\(family)' returned no row") }
        try db.cachedStatement(
            sql: "INSERT INTO task_definitions (family, revision, status, body) VALUES (?, ?, 'ACTIVE', ?)"
        ).execute(arguments: [family, revision, body])
        if !tags.isEmpty {
            try writeTags(db, resource: Self.tagKey(.taskDefinition(family: family, revision: revision)), tags: tags)
        }
        return revision
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
        let cache = taskDefinitionCache
        return try await timedWrite { db -> TaskDefinitionRecord? in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM task_definitions WHERE family = ? AND revision = ?"),
                    arguments: [family, revision])
            else { return nil }
            var record = try self.taskDefinitionRecord(row)
            try change(&record)
            try db.cachedStatement(
                sql: "UPDATE task_definitions SET status = ?, body = ? WHERE family = ? AND revision = ?"
            ).execute(arguments: [record.status.rawValue, try self.encode(record.definition), family, revision])
            let latest = try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT max(revision) FROM task_definitions WHERE family = ? AND status = 'ACTIVE'"),
                arguments: [family])
            // On the writer queue after the commit, in commit order with registrations.
            db.afterNextTransaction { [record] _ in cache.wrote(record, latestActive: latest) }
            return record
        }
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
