import AdmiralModel
import Foundation
import GRDB

extension SQLiteStore {
    static func tagKey(_ resource: TaggableResource) -> String {
        switch resource {
        case .cluster(let name): "cluster/\(name)"
        case .taskDefinition(let family, let revision): "task-definition/\(family):\(revision)"
        case .task(let cluster, let id): "task/\(cluster)/\(id)"
        case .containerInstance(let cluster, let id): "container-instance/\(cluster)/\(id)"
        case .service(let cluster, let name): "service/\(cluster)/\(name)"
        case .capacityProvider(let name): "capacity-provider/\(name)"
        }
    }

    public func tags(of resource: TaggableResource) async throws -> [ECS.Tag] {
        try await pool.read { db in try self.fetchTags(db, resource: Self.tagKey(resource)) }
    }

    public func updateTags(
        of resource: TaggableResource, add: [ECS.Tag], removeKeys: [String],
        check: @Sendable ([ECS.Tag]) throws -> Void
    ) async throws -> Bool {
        try await timedWrite { db in
            guard try self.exists(db, resource) else { return false }
            let key = Self.tagKey(resource)
            var tags = try self.fetchTags(db, resource: key)
            for tag in add {
                if let index = tags.firstIndex(where: { $0.key == tag.key }) {
                    tags[index].value = tag.value
                } else {
                    tags.append(tag)
                }
            }
            tags.removeAll { removeKeys.contains($0.key ?? "") }
            try check(tags)
            try db.execute(sql: "DELETE FROM tags WHERE resource = ?", arguments: [key])
            try self.writeTags(db, resource: key, tags: tags)
            return true
        }
    }

    func exists(_ db: Database, _ resource: TaggableResource) throws -> Bool {
        switch resource {
        case .cluster(let name):
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM clusters WHERE name = ? AND status = 'ACTIVE'", arguments: [name])
                ?? false
        case .taskDefinition(let family, let revision):
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM task_definitions WHERE family = ? AND revision = ?",
                arguments: [family, revision]) ?? false
        case .task(let cluster, let id):
            try Bool.fetchOne(db, sql: "SELECT 1 FROM tasks WHERE cluster = ? AND id = ?", arguments: [cluster, id])
                ?? false
        case .containerInstance(let cluster, let id):
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM container_instances WHERE cluster = ? AND id = ? AND status != 'INACTIVE'",
                arguments: [cluster, id]) ?? false
        case .service(let cluster, let name):
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM services WHERE cluster = ? AND name = ? AND status != 'INACTIVE'",
                arguments: [cluster, name]) ?? false
        case .capacityProvider(let name):
            try Bool.fetchOne(
                db, sql: "SELECT 1 FROM capacity_providers WHERE name = ? AND status != 'INACTIVE'", arguments: [name])
                ?? false
        }
    }

    func fetchTags(_ db: Database, resource: String) throws -> [ECS.Tag] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT key, value FROM tags WHERE resource = ? ORDER BY position"),
            arguments: [resource]
        ).map { ECS.Tag(key: $0["key"], value: $0["value"]) }
    }

    func writeTags(_ db: Database, resource: String, tags: [ECS.Tag]) throws {
        for (position, tag) in tags.enumerated() {
            try db.cachedStatement(
                sql: """
                    INSERT INTO tags (resource, key, value, position) VALUES (?, ?, ?, ?)
                    ON CONFLICT(resource, key) DO UPDATE SET value = excluded.value
                    """
            ).execute(arguments: [resource, tag.key ?? "", tag.value ?? "", position])
        }
    }
}
