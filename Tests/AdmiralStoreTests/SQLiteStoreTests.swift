import AdmiralModel
import AdmiralStore
import Foundation
import Testing

/// A fresh database file in a temporary folder, removed by `cleanup()`.
struct TemporaryDatabase {
    let folder: URL
    let store: SQLiteStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("admiral.sqlite").path)
    }

    func reopen() throws -> SQLiteStore {
        try store.close()
        return try SQLiteStore(path: folder.appendingPathComponent("admiral.sqlite").path)
    }

    func cleanup() {
        try? FileManager.default.removeItem(at: folder)
    }
}

func clusterRecord(_ name: String, status: ClusterRecord.Status = .active) -> ClusterRecord {
    ClusterRecord(
        name: name, status: status, cluster: ECS.Cluster(clusterName: name, settings: []),
        createdAt: Date(timeIntervalSince1970: 1_700_000_000))
}

func taskDefinition(_ family: String, image: String = "busybox") -> ECS.TaskDefinition {
    ECS.TaskDefinition(
        containerDefinitions: [ECS.ContainerDefinition(name: "app", image: image, memory: 64)],
        family: family, status: .active)
}

@Suite("SQLite store")
struct SQLiteStoreTests {
    @Test("creating a cluster twice returns the first one unchanged")
    func createClusterIsIdempotent() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        let first = try await db.store.createCluster(clusterRecord("web"), tags: [ECS.Tag(key: "team", value: "a")])
        var second = clusterRecord("web")
        second.cluster.settings = [ECS.ClusterSetting(name: .containerInsights, value: "enabled")]
        let again = try await db.store.createCluster(second, tags: [])
        #expect(first.created)
        #expect(!again.created)
        #expect(again.record == first.record)
        #expect(try await db.store.tags(of: .cluster(name: "web")) == [ECS.Tag(key: "team", value: "a")])
    }

    @Test("an INACTIVE cluster is replaced by a new one of the same name")
    func inactiveClusterIsReplaced() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        _ = try await db.store.createCluster(clusterRecord("web"), tags: [ECS.Tag(key: "old", value: "1")])
        _ = try await db.store.updateCluster(named: "web") { record, _ in record.status = .inactive }
        #expect(try await db.store.updateCluster(named: "web") { _, _ in } == nil)
        let again = try await db.store.createCluster(clusterRecord("web"), tags: [])
        #expect(again.created)
        #expect(try await db.store.cluster(named: "web")?.status == .active)
        #expect(try await db.store.tags(of: .cluster(name: "web")).isEmpty)
    }

    @Test("active clusters list in name order, page after page")
    func listClustersPaginates() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        for name in ["c", "a", "e", "b", "d"] { _ = try await db.store.createCluster(clusterRecord(name), tags: []) }
        _ = try await db.store.updateCluster(named: "d") { record, _ in record.status = .inactive }
        let first = try await db.store.listActiveClusters(after: nil, limit: 2).map(\.name)
        let second = try await db.store.listActiveClusters(after: first.last, limit: 2).map(\.name)
        let third = try await db.store.listActiveClusters(after: second.last, limit: 2).map(\.name)
        #expect(first == ["a", "b"])
        #expect(second == ["c", "e"])
        #expect(third.isEmpty)
    }

    @Test("a throwing update writes nothing")
    func throwingUpdateWritesNothing() async throws {
        struct Refused: Error {}
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        _ = try await db.store.createCluster(clusterRecord("web"), tags: [])
        await #expect(throws: Refused.self) {
            _ = try await db.store.updateCluster(named: "web") { record, _ in
                record.status = .inactive
                throw Refused()
            }
        }
        #expect(try await db.store.cluster(named: "web")?.status == .active)
    }

    @Test("concurrent registrations of one family get distinct consecutive revisions")
    func concurrentRevisions() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        let store = db.store
        let revisions = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await store.registerTaskDefinition(family: "web", definition: taskDefinition("web"), tags: []).revision
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(revisions.sorted() == Array(1...40))
    }

    @Test("revisions keep counting after the latest is deleted, and the latest ACTIVE one is found by family")
    func latestActiveRevision() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        for _ in 0..<3 {
            _ = try await db.store.registerTaskDefinition(family: "web", definition: taskDefinition("web"), tags: [])
        }
        _ = try await db.store.updateTaskDefinition(family: "web", revision: 3) { $0.status = .inactive }
        #expect(try await db.store.taskDefinition(family: "web", revision: nil)?.revision == 2)
        #expect(try await db.store.taskDefinition(family: "web", revision: 3)?.status == .inactive)
        let next = try await db.store.registerTaskDefinition(family: "web", definition: taskDefinition("web"), tags: [])
        #expect(next.revision == 4)
    }

    @Test("task definitions list by family and revision in both directions, or of one family")
    func listTaskDefinitions() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        for family in ["web", "worker", "api", "web_x"] {
            for _ in 0..<2 {
                _ = try await db.store.registerTaskDefinition(family: family, definition: taskDefinition(family), tags: [])
            }
        }
        let ascending = try await db.store.listTaskDefinitions(
            family: nil, statuses: [.active], descending: false, after: nil, limit: 100)
        #expect(
            ascending.map { "\($0.family):\($0.revision)" } == [
                "api:1", "api:2", "web:1", "web:2", "web_x:1", "web_x:2", "worker:1", "worker:2",
            ])
        let web = try await db.store.listTaskDefinitions(
            family: "web", statuses: [.active], descending: false, after: nil, limit: 100)
        #expect(web.map { "\($0.family):\($0.revision)" } == ["web:1", "web:2"])
        let descending = try await db.store.listTaskDefinitions(
            family: nil, statuses: [.active], descending: true,
            after: TaskDefinitionCursor(family: "web", revision: 1), limit: 3)
        #expect(descending.map { "\($0.family):\($0.revision)" } == ["api:2", "api:1"])
        #expect(
            try await db.store.listTaskDefinitions(
                family: "we", statuses: [.active], descending: false, after: nil, limit: 100
            ).isEmpty)
    }

    @Test("families filter by whether they have an ACTIVE revision")
    func families() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        for family in ["a", "b", "c"] {
            _ = try await db.store.registerTaskDefinition(family: family, definition: taskDefinition(family), tags: [])
        }
        _ = try await db.store.updateTaskDefinition(family: "b", revision: 1) { $0.status = .inactive }
        #expect(
            try await db.store.listTaskDefinitionFamilies(prefix: nil, status: .all, after: nil, limit: 10) == [
                "a", "b", "c",
            ])
        #expect(
            try await db.store.listTaskDefinitionFamilies(prefix: nil, status: .active, after: nil, limit: 10) == [
                "a", "c",
            ])
        #expect(
            try await db.store.listTaskDefinitionFamilies(prefix: nil, status: .inactive, after: nil, limit: 10) == [
                "b"
            ])
        #expect(try await db.store.listTaskDefinitionFamilies(prefix: nil, status: .all, after: "a", limit: 1) == ["b"])
        // `_` and `%` are not wildcards in a prefix.
        _ = try await db.store.registerTaskDefinition(family: "a_b", definition: taskDefinition("a_b"), tags: [])
        _ = try await db.store.registerTaskDefinition(family: "aXb", definition: taskDefinition("aXb"), tags: [])
        #expect(
            try await db.store.listTaskDefinitionFamilies(prefix: "a_", status: .all, after: nil, limit: 10) == ["a_b"])
    }

    @Test("tags are added, overwritten and removed in order, and refused for a missing resource")
    func tags() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        _ = try await db.store.createCluster(clusterRecord("web"), tags: [ECS.Tag(key: "a", value: "1")])
        let added = try await db.store.updateTags(
            of: .cluster(name: "web"), add: [ECS.Tag(key: "b", value: "2"), ECS.Tag(key: "a", value: "3")],
            removeKeys: []
        ) { _ in }
        #expect(added)
        #expect(
            try await db.store.tags(of: .cluster(name: "web")) == [
                ECS.Tag(key: "a", value: "3"), ECS.Tag(key: "b", value: "2"),
            ])
        _ = try await db.store.updateTags(of: .cluster(name: "web"), add: [], removeKeys: ["a", "zzz"]) { _ in }
        #expect(try await db.store.tags(of: .cluster(name: "web")) == [ECS.Tag(key: "b", value: "2")])
        let missing = try await db.store.updateTags(
            of: .cluster(name: "nope"), add: [ECS.Tag(key: "x", value: "y")], removeKeys: []
        ) { _ in }
        #expect(!missing)
    }

    @Test("everything committed is there after the database is reopened")
    func survivesReopen() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        _ = try await db.store.createCluster(clusterRecord("web"), tags: [])
        _ = try await db.store.registerTaskDefinition(
            family: "web", definition: taskDefinition("web", image: "nginx:1.27"), tags: [ECS.Tag(key: "k", value: "v")])
        let reopened = try db.reopen()
        #expect(try await reopened.cluster(named: "web")?.status == .active)
        let definition = try await reopened.taskDefinition(family: "web", revision: 1)
        #expect(definition?.definition.containerDefinitions?.first?.image == "nginx:1.27")
        #expect(definition?.definition.revision == 1)
        #expect(definition?.revision == 1)
        #expect(
            try await reopened.tags(of: .taskDefinition(family: "web", revision: 1)) == [ECS.Tag(key: "k", value: "v")])
        try reopened.close()
    }
}
