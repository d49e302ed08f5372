import AdmiralModel
import Foundation
import GRDB

/// The `ScalingStore` on SQLite, in `autoscaling.sqlite` beside the control plane's
/// database. Each object is a JSON body under its kind and key; activities are kept in
/// arrival order.
public final class SQLiteScalingStore: ScalingStore {
    let writer: any DatabaseWriter
    let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()
    let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// Opens (creating when needed) the database at `path`.
    public convenience init(path: String) throws {
        try self.init(writer: try SideDatabase.open(path: path, label: "admiral-autoscaling"))
    }

    /// A store in memory, for tests and for control planes built without a data folder.
    public static func inMemory() throws -> SQLiteScalingStore {
        try SQLiteScalingStore(writer: try DatabaseQueue())
    }

    init(writer: any DatabaseWriter) throws {
        self.writer = writer
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-scaling") { db in
            try db.execute(
                sql: """
                    CREATE TABLE scaling_objects (
                        kind TEXT NOT NULL,
                        resource_id TEXT NOT NULL,
                        name TEXT NOT NULL,
                        body BLOB NOT NULL,
                        PRIMARY KEY (kind, resource_id, name)
                    );
                    CREATE TABLE scaling_activities (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        resource_id TEXT NOT NULL,
                        body BLOB NOT NULL
                    );
                    CREATE INDEX scaling_activities_resource ON scaling_activities(resource_id, id);
                    """)
        }
        try migrator.migrate(writer)
    }

    /// Closes the database.
    public func close() throws {
        try writer.close()
    }

    enum Kind: String {
        case target, policy, scheduled
    }

    func all<T: Decodable & Sendable>(_ kind: Kind, resourceId: String?, as type: T.Type) async throws -> [T] {
        let decoder = self.decoder
        return try await writer.read { db in
            var sql = "SELECT body FROM scaling_objects WHERE kind = ?"
            var arguments: StatementArguments = [kind.rawValue]
            if let resourceId {
                sql += " AND resource_id = ?"
                arguments += [resourceId]
            }
            sql += " ORDER BY resource_id, name"
            return try Data.fetchAll(db, sql: sql, arguments: arguments).map { try decoder.decode(type, from: $0) }
        }
    }

    func put(_ kind: Kind, resourceId: String, name: String, body: some Encodable) async throws {
        let data = try encoder.encode(body)
        try await writer.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO scaling_objects (kind, resource_id, name, body) VALUES (?, ?, ?, ?)",
                arguments: [kind.rawValue, resourceId, name, data])
        }
    }

    public func targets() async throws -> [ScalableTargetRecord] {
        try await all(.target, resourceId: nil, as: ScalableTargetRecord.self)
    }

    public func target(resourceId: String) async throws -> ScalableTargetRecord? {
        try await all(.target, resourceId: resourceId, as: ScalableTargetRecord.self).first
    }

    public func putTarget(_ target: ScalableTargetRecord) async throws {
        try await put(.target, resourceId: target.resourceId, name: "", body: target)
    }

    public func deleteTarget(resourceId: String) async throws -> [ApplicationAutoScaling.ScalingPolicy] {
        let policies = try await self.policies(resourceId: resourceId)
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM scaling_objects WHERE resource_id = ?", arguments: [resourceId])
        }
        return policies
    }

    public func policies(resourceId: String?) async throws -> [ApplicationAutoScaling.ScalingPolicy] {
        try await all(.policy, resourceId: resourceId, as: ApplicationAutoScaling.ScalingPolicy.self)
    }

    public func putPolicy(_ policy: ApplicationAutoScaling.ScalingPolicy) async throws {
        try await put(.policy, resourceId: policy.resourceId, name: policy.policyName, body: policy)
    }

    public func deletePolicy(resourceId: String, name: String) async throws -> ApplicationAutoScaling.ScalingPolicy? {
        let existing = try await policies(resourceId: resourceId).first { $0.policyName == name }
        guard existing != nil else { return nil }
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM scaling_objects WHERE kind = ? AND resource_id = ? AND name = ?",
                arguments: [Kind.policy.rawValue, resourceId, name])
        }
        return existing
    }

    public func scheduledActions(resourceId: String?) async throws -> [ScheduledActionRecord] {
        try await all(.scheduled, resourceId: resourceId, as: ScheduledActionRecord.self)
    }

    public func putScheduledAction(_ action: ScheduledActionRecord) async throws {
        try await put(
            .scheduled, resourceId: action.action.resourceId, name: action.action.scheduledActionName, body: action)
    }

    public func deleteScheduledAction(resourceId: String, name: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM scaling_objects WHERE kind = ? AND resource_id = ? AND name = ?",
                arguments: [Kind.scheduled.rawValue, resourceId, name])
            return db.changesCount > 0
        }
    }

    public func appendActivity(_ activity: ApplicationAutoScaling.ScalingActivity) async throws {
        let data = try encoder.encode(activity)
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO scaling_activities (resource_id, body) VALUES (?, ?)",
                arguments: [activity.resourceId, data])
        }
    }

    public func activities(resourceId: String?, after: Int64?, limit: Int) async throws
        -> (activities: [ApplicationAutoScaling.ScalingActivity], next: Int64?)
    {
        let decoder = self.decoder
        return try await writer.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let resourceId {
                conditions.append("resource_id = ?")
                arguments += [resourceId]
            }
            if let after {
                conditions.append("id < ?")
                arguments += [after]
            }
            var sql = "SELECT id, body FROM scaling_activities"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments += [limit + 1]
            var rows = try Row.fetchAll(db, sql: sql, arguments: arguments)
            var next: Int64?
            if rows.count > limit {
                rows.removeLast()
                next = rows.last?["id"]
            }
            return (
                try rows.map {
                    try decoder.decode(ApplicationAutoScaling.ScalingActivity.self, from: $0["body"] as Data)
                }, next
            )
        }
    }
}

/// A scaling store in memory, for control planes built without a data folder (tests).
public enum InMemoryScalingStore {
    /// A new, empty store.
    public static func make() -> any ScalingStore {
        do {
            return try SQLiteScalingStore.inMemory()
        } catch {
            preconditionFailure("SQLite could not open an in-memory database: \(error)")
        }
    }
}
