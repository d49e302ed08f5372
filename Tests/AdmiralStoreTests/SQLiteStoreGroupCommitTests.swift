import AdmiralModel
import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing

@testable import AdmiralStore

/// A refusal raised on purpose by a work inside a write batch.
struct RefusedOnPurpose: Error, Equatable {}

/// Holds GRDB's writer inside a group-commit write until `release()`, so that the writes
/// started meanwhile queue up and are committed together as one batch.
final class WriterHold: Sendable {
    private let entered = Atomic<Bool>(false)
    private let gate = DispatchSemaphore(value: 0)

    /// Starts the holding write; returns once the writer is held.
    func hold(_ store: SQLiteStore) async throws -> Task<Void, any Error> {
        let task = Task {
            try await store.groupCommit.write { _ in
                self.entered.store(true, ordering: .sequentiallyConsistent)
                self.gate.wait()
            }
        }
        try await eventually { self.entered.load(ordering: .sequentiallyConsistent) }
        return task
    }

    func release() {
        gate.signal()
    }
}

/// Waits (up to 10 s) until `condition` holds.
func eventually(_ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within 10 s")
            return
        }
        try await Task.sleep(for: .milliseconds(2))
    }
}

@Suite("SQLite store group commit")
struct SQLiteStoreGroupCommitTests {
    @Test(
        "registrations that share one commit get consecutive revisions, and a failing work among them takes nothing else down nor leaves a gap"
    )
    func failingWorkInBatch() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        let store = db.store
        _ = try await store.registerTaskDefinition(family: "web", definition: taskDefinition("web"), tags: [])

        let hold = WriterHold()
        let holding = try await hold.hold(store)
        let outcomes = try await withThrowingTaskGroup(of: Result<Int, RefusedOnPurpose>.self) { group in
            for index in 0..<30 {
                if index == 12 {
                    // Takes a revision like a registration, then throws: its savepoint is
                    // rolled back, revision included.
                    group.addTask {
                        do {
                            _ = try await store.groupCommit.write { db in
                                _ = try store.insertTaskDefinition(db, family: "web", body: Data("{}".utf8), tags: [])
                                throw RefusedOnPurpose()
                            }
                            return .success(-1)
                        } catch let error as RefusedOnPurpose {
                            return .failure(error)
                        }
                    }
                }
                group.addTask {
                    let record = try await store.registerTaskDefinition(
                        family: "web", definition: taskDefinition("web", image: "app:\(index)"),
                        tags: [ECS.Tag(key: "index", value: "\(index)")])
                    return .success(record.revision)
                }
            }
            // Every write is queued behind the held one: they make one batch.
            try await eventually { store.groupCommit.queuedCount == 31 }
            hold.release()
            return try await group.reduce(into: [Result<Int, RefusedOnPurpose>]()) { $0.append($1) }
        }
        try await holding.value

        let revisions = outcomes.compactMap { try? $0.get() }
        #expect(revisions.sorted() == Array(2...31))
        #expect(outcomes.filter { (try? $0.get()) == nil }.count == 1)
        let next = try await store.registerTaskDefinition(family: "web", definition: taskDefinition("web"), tags: [])
        #expect(next.revision == 32)

        let reopened = try db.reopen()
        let stored = try await reopened.listTaskDefinitions(
            family: "web", statuses: [.active], descending: false, after: nil, limit: 100)
        #expect(stored.map(\.revision) == Array(1...32))
        // Each revision holds the definition and the tags of the call that got it.
        for record in stored where record.revision > 1 && record.revision < 32 {
            let image = try #require(record.definition.containerDefinitions?.first?.image)
            let index = try #require(image.split(separator: ":").last.map(String.init))
            #expect(
                try await reopened.tags(of: .taskDefinition(family: "web", revision: record.revision))
                    == [ECS.Tag(key: "index", value: index)])
        }
        #expect(try await reopened.taskDefinition(family: "web", revision: nil)?.revision == 32)
        try reopened.close()
    }

    @Test("a failing work alone in its batch writes nothing")
    func failingWorkAlone() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        let store = db.store
        await #expect(throws: RefusedOnPurpose.self) {
            try await store.groupCommit.write { db in
                _ = try store.insertTaskDefinition(db, family: "web", body: Data("{}".utf8), tags: [])
                throw RefusedOnPurpose()
            }
        }
        #expect(try await store.taskDefinition(family: "web", revision: nil) == nil)
        let next = try await store.registerTaskDefinition(family: "web", definition: taskDefinition("web"), tags: [])
        #expect(next.revision == 1)
    }

    @Test("many concurrent registrations over several families get distinct consecutive revisions per family")
    func concurrentFamilies() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        let store = db.store
        let families = ["api", "web", "worker"]
        let registered = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for index in 0..<300 {
                let family = families[index % families.count]
                group.addTask {
                    (
                        family,
                        try await store.registerTaskDefinition(
                            family: family, definition: taskDefinition(family), tags: []
                        ).revision
                    )
                }
            }
            return try await group.reduce(into: [String: [Int]]()) { $0[$1.0, default: []].append($1.1) }
        }
        for family in families {
            #expect(registered[family]?.sorted() == Array(1...100))
            #expect(try await store.taskDefinition(family: family, revision: nil)?.revision == 100)
        }
    }

    @Test("when the batch's transaction cannot commit, every caller in it gets the error and nothing is written")
    func failedCommit() async throws {
        let db = try TemporaryDatabase()
        defer { db.cleanup() }
        let store = db.store
        // A deferred foreign key check fails at COMMIT, after every work has succeeded.
        try await store.pool.write { db in
            try db.execute(sql: "CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            try db.execute(
                sql: "CREATE TABLE child (parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
        }
        let hold = WriterHold()
        let holding = try await hold.hold(store)
        let failures = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await store.groupCommit.write { db in
                        try db.execute(sql: "INSERT INTO child (parent) VALUES (42)")
                    }
                    return false
                } catch { return true }
            }
            for _ in 0..<5 {
                group.addTask {
                    do {
                        _ = try await store.registerTaskDefinition(
                            family: "web", definition: taskDefinition("web"), tags: [])
                        return false
                    } catch { return true }
                }
            }
            try await eventually { store.groupCommit.queuedCount == 6 }
            hold.release()
            return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
        }
        try await holding.value
        #expect(failures == 6)
        #expect(try await store.taskDefinition(family: "web", revision: nil) == nil)
        let next = try await store.registerTaskDefinition(family: "web", definition: taskDefinition("web"), tags: [])
        #expect(next.revision == 1)
    }
}
