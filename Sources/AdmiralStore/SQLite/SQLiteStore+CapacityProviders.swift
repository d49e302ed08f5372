import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore {
    static func registerCapacityProviders(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-capacity-providers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE capacity_providers (
                        name TEXT PRIMARY KEY NOT NULL,
                        status TEXT NOT NULL,
                        created_at REAL NOT NULL,
                        body BLOB NOT NULL
                    );
                    """)
        }
    }

    public func createCapacityProvider(
        _ record: CapacityProviderRecord, tags: [ECS.Tag],
        check: @Sendable ([CapacityProviderRecord]) throws -> Void
    ) async throws -> CapacityProviderRecord {
        try await timedWrite { db in
            let existing = try self.fetchCapacityProviders(db)
            try check(existing)
            try db.execute(
                sql: "DELETE FROM capacity_providers WHERE name = ?", arguments: [record.name])
            try db.execute(
                sql: "DELETE FROM tags WHERE resource = ?",
                arguments: [Self.tagKey(.capacityProvider(name: record.name))])
            try db.execute(
                sql: "INSERT INTO capacity_providers (name, status, created_at, body) VALUES (?, ?, ?, ?)",
                arguments: [
                    record.name, record.provider.status?.rawValue ?? "ACTIVE", record.createdAt.timeIntervalSince1970,
                    try self.encode(record.provider),
                ])
            try self.writeTags(db, resource: Self.tagKey(.capacityProvider(name: record.name)), tags: tags)
            return record
        }
    }

    public func capacityProviders() async throws -> [CapacityProviderRecord] {
        try await pool.read { db in try self.fetchCapacityProviders(db) }
    }

    public func updateCapacityProvider(
        named name: String,
        _ change: @Sendable (inout CapacityProviderRecord, [ClusterRecord]) throws -> Void
    ) async throws -> CapacityProviderRecord? {
        try await timedWrite { db in
            guard var record = try self.fetchCapacityProviders(db, name: name).first else { return nil }
            let clusters = try Row.fetchAll(
                db, sql: "SELECT name, status, created_at, body FROM clusters WHERE status = 'ACTIVE'"
            ).map { try self.clusterRecord($0) }
            try change(&record, clusters)
            try db.execute(
                sql: "UPDATE capacity_providers SET status = ?, body = ? WHERE name = ?",
                arguments: [record.provider.status?.rawValue ?? "ACTIVE", try self.encode(record.provider), name])
            return record
        }
    }

    func fetchCapacityProviders(_ db: Database, name: String? = nil) throws -> [CapacityProviderRecord] {
        let rows =
            if let name {
                try Row.fetchAll(
                    db, sql: "SELECT name, created_at, body FROM capacity_providers WHERE name = ?", arguments: [name])
            } else {
                try Row.fetchAll(db, sql: "SELECT name, created_at, body FROM capacity_providers ORDER BY name")
            }
        return try rows.map { row in
            CapacityProviderRecord(
                name: row["name"], provider: try self.decode(ECS.CapacityProvider.self, from: row["body"]),
                createdAt: Date(timeIntervalSince1970: row["created_at"]))
        }
    }
}
