import AdmiralModel
import AdmiralStore
import Foundation
import Testing

func instanceRecord(_ cluster: String, _ id: String, memory: Int = 1024, ports: [Int] = []) -> ContainerInstanceRecord {
    ContainerInstanceRecord(
        cluster: cluster, id: id, ec2InstanceId: "i-\(id)", registeredAt: Date(timeIntervalSince1970: 1_700_000_000),
        registered: InstanceResources(cpu: 2048, memory: memory, tcpPorts: ports))
}

func taskRecord(
    _ cluster: String, _ id: String, on instance: String, memory: Int = 256, ports: [Int] = [],
    group: String = "family:web", startedBy: String? = nil
) -> TaskRecord {
    TaskRecord(
        cluster: cluster, id: id, containerInstanceId: instance, family: "web", revision: 1, lastStatus: .pending,
        desiredStatus: .running, group: group, startedBy: startedBy,
        reservation: TaskReservation(cpu: 128, memory: memory, tcpPorts: ports),
        createdAt: Date(timeIntervalSince1970: 1_700_000_100), task: ECS.Task(), containerDefinitions: [])
}

@Suite("SQLite store: container instances, tasks and services")
struct SQLiteStoreTaskTests {
    @Test("task reservations are kept in their instance's usage until the task is STOPPED")
    func usage() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        let store = database.store
        _ = try await store.createCluster(clusterRecord("c"), tags: [])
        _ = try await store.registerContainerInstance(instanceRecord("c", "a", ports: [22]), reusing: nil)
        let created = try await store.createTasks(cluster: "c", tags: [ECS.Tag(key: "k", value: "v")]) { instances in
            #expect(instances.map(\.id) == ["a"])
            return PlacementOutcome(
                tasks: [taskRecord("c", "t1", on: "a", ports: [8080]), taskRecord("c", "t2", on: "a")], failures: [])
        }
        #expect(created.tasks.count == 2)
        var instance = try #require(try await store.containerInstances(cluster: "c", ids: ["a"])["a"])
        #expect(instance.remaining == InstanceResources(cpu: 2048 - 256, memory: 1024 - 512, tcpPorts: [22, 8080]))
        #expect(instance.usage.pendingTasks == 2 && instance.usage.groups == ["family:web": 2])
        #expect(instance.desiredVersion == 2)
        #expect(try await store.clusterCounts(named: ["c"])["c"]?.pendingTasks == 2)
        #expect(try await store.tags(of: .task(cluster: "c", id: "t1")) == [ECS.Tag(key: "k", value: "v")])

        _ = try await store.updateTasks(cluster: "c", ids: ["t1"]) { $0.lastStatus = .running }
        instance = try #require(try await store.containerInstances(cluster: "c", ids: ["a"])["a"])
        #expect(instance.usage.runningTasks == 1 && instance.usage.pendingTasks == 1)
        #expect(instance.desiredVersion == 2)

        _ = try await store.updateTasks(cluster: "c", ids: ["t1"]) { task in
            task.desiredStatus = .stopped
            task.lastStatus = .stopped
            task.task.stoppedAt = Date(timeIntervalSince1970: 1_700_000_200)
        }
        instance = try #require(try await store.containerInstances(cluster: "c", ids: ["a"])["a"])
        #expect(instance.remaining == InstanceResources(cpu: 2048 - 128, memory: 1024 - 256, tcpPorts: [22]))
        #expect(instance.usage.runningTasks == 0 && instance.usage.groups == ["family:web": 1])
        #expect(instance.desiredVersion == 3)
        #expect(try await store.instanceTasks(cluster: "c", containerInstanceId: "a").map(\.id) == ["t2"])

        #expect(try await store.deleteTasks(stoppedBefore: Date(timeIntervalSince1970: 1_700_000_100)) == 0)
        #expect(try await store.deleteTasks(stoppedBefore: Date(timeIntervalSince1970: 1_700_000_300)) == 1)
        #expect(try await store.tasks(cluster: "c", ids: ["t1", "t2"]).keys.sorted() == ["t2"])
        #expect(try await store.tags(of: .task(cluster: "c", id: "t1")).isEmpty)
    }

    @Test("concurrent placements see each other's reservations: an instance is never overbooked")
    func concurrentPlacements() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        let store = database.store
        _ = try await store.createCluster(clusterRecord("c"), tags: [])
        _ = try await store.registerContainerInstance(instanceRecord("c", "a", memory: 1000), reusing: nil)
        let placed = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await store.createTasks(cluster: "c", tags: []) { instances in
                        guard let instance = instances.first, instance.remaining.memory >= 100 else {
                            return PlacementOutcome(tasks: [], failures: [ECS.Failure(reason: "RESOURCE:MEMORY")])
                        }
                        return PlacementOutcome(tasks: [taskRecord("c", "t\(index)", on: "a", memory: 100)], failures: [])
                    }.tasks.count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(placed == 10)
        let instance = try #require(try await store.containerInstances(cluster: "c", ids: ["a"])["a"])
        #expect(instance.remaining.memory == 0)
    }

    @Test("a placement that throws, or names an instance outside the cluster, creates nothing")
    func failedPlacementWritesNothing() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        let store = database.store
        _ = try await store.createCluster(clusterRecord("c"), tags: [])
        _ = try await store.registerContainerInstance(instanceRecord("c", "a"), reusing: nil)
        await #expect(throws: AdmiralError.self) {
            _ = try await store.createTasks(cluster: "c", tags: []) { _ in
                PlacementOutcome(tasks: [taskRecord("c", "t1", on: "a"), taskRecord("c", "t2", on: "elsewhere")], failures: [])
            }
        }
        #expect(try await store.tasks(cluster: "c", ids: ["t1", "t2"]).isEmpty)
        #expect(try await store.containerInstances(cluster: "c", ids: ["a"])["a"]?.usage == InstanceUsage())
        await #expect(throws: AdmiralError.self) {
            _ = try await store.createTasks(cluster: "nope", tags: []) { _ in PlacementOutcome(tasks: [], failures: []) }
        }
    }

    @Test("re-registering with the kept id keeps the instance, its usage and custom attributes")
    func reRegistration() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        let store = database.store
        _ = try await store.createCluster(clusterRecord("c"), tags: [])
        var first = instanceRecord("c", "a")
        first.attributes = [ECS.Attribute(name: "ecs.os-type", value: "linux")]
        _ = try await store.registerContainerInstance(first, reusing: nil)
        _ = try await store.createTasks(cluster: "c", tags: []) { _ in
            PlacementOutcome(tasks: [taskRecord("c", "t1", on: "a")], failures: [])
        }
        _ = try await store.updateContainerInstance(cluster: "c", id: "a") {
            $0.attributes.append(ECS.Attribute(name: "rack", value: "r1"))
            $0.agentConnected = false
        }
        var again = instanceRecord("c", "b", memory: 2048)
        again.attributes = [ECS.Attribute(name: "ecs.os-type", value: "linux")]
        let stored = try await store.registerContainerInstance(again, reusing: "a")
        #expect(stored.id == "a" && stored.agentConnected && stored.registered.memory == 2048)
        #expect(stored.usage.pendingTasks == 1)
        #expect(stored.attributes.map(\.name).sorted() == ["ecs.os-type", "rack"])
        let reopened = try database.reopen()
        defer { try? reopened.close() }
        #expect(try await reopened.containerInstances(cluster: "c", ids: ["a"])["a"] == stored)
    }

    @Test("deregistration stops the instance's tasks in the same transaction, or refuses and changes nothing")
    func deregistration() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        let store = database.store
        _ = try await store.createCluster(clusterRecord("c"), tags: [])
        _ = try await store.registerContainerInstance(instanceRecord("c", "a"), reusing: nil)
        _ = try await store.createTasks(cluster: "c", tags: []) { _ in
            PlacementOutcome(tasks: [taskRecord("c", "t1", on: "a")], failures: [])
        }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            _ = try await store.deregisterContainerInstance(
                cluster: "c", id: "a", at: Date(), check: { if !$0.isEmpty { throw Refused() } }, stop: { _ in })
        }
        #expect(try await store.containerInstances(cluster: "c", ids: ["a"])["a"]?.status == .active)
        let result = try #require(
            try await store.deregisterContainerInstance(
                cluster: "c", id: "a", at: Date(), check: { _ in },
                stop: { task in task.desiredStatus = .stopped }))
        #expect(result.instance.status == .inactive && result.stoppedTasks.map(\.id) == ["t1"])
        #expect(try await store.tasks(cluster: "c", ids: ["t1"])["t1"]?.desiredStatus == .stopped)
        #expect(try await store.clusterCounts(named: ["c"])["c"]?.registeredContainerInstances == 0)
    }

    @Test("services: idempotent creation, listing by status and strategy, counts, and a service's tasks")
    func services() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        let store = database.store
        _ = try await store.createCluster(clusterRecord("c"), tags: [])
        let web = ServiceRecord(
            cluster: "c", name: "web", status: .active, service: ECS.Service(desiredCount: 2), clientToken: "t")
        #expect(try await store.createService(web, tags: [], sameRequest: { _ in true }).created)
        let retry = try await store.createService(web, tags: [], sameRequest: { $0.clientToken == "t" })
        #expect(!retry.created && retry.record == web)
        await #expect(throws: AdmiralError.self) {
            _ = try await store.createService(web, tags: [], sameRequest: { _ in false })
        }
        let daemon = ServiceRecord(
            cluster: "c", name: "agent", status: .active, service: ECS.Service(schedulingStrategy: .daemon),
            clientToken: nil)
        _ = try await store.createService(daemon, tags: [], sameRequest: { _ in false })
        #expect(try await store.listServices(cluster: "c", schedulingStrategy: nil, after: nil, limit: 10).map(\.name) == ["agent", "web"])
        #expect(try await store.listServices(cluster: "c", schedulingStrategy: .daemon, after: nil, limit: 10).map(\.name) == ["agent"])
        _ = try await store.updateService(cluster: "c", name: "web") { $0.status = .draining }
        #expect(try await store.listServices(cluster: "c", schedulingStrategy: nil, after: nil, limit: 10).map(\.name) == ["agent"])
        #expect(try await store.liveServices(cluster: "c").count == 2)
        let counts = try #require(try await store.clusterCounts(named: ["c"])["c"])
        #expect(counts.activeServices == 1 && counts.drainingServices == 1)

        _ = try await store.registerContainerInstance(instanceRecord("c", "a"), reusing: nil)
        _ = try await store.createTasks(cluster: "c", tags: []) { _ in
            PlacementOutcome(
                tasks: [
                    taskRecord("c", "t1", on: "a", group: "service:web", startedBy: "ecs-svc/1"),
                    taskRecord("c", "t2", on: "a", group: "service:web", startedBy: "ecs-svc/1"),
                    taskRecord("c", "t3", on: "a"),
                ], failures: [])
        }
        _ = try await store.updateTasks(cluster: "c", ids: ["t2"]) { task in
            task.lastStatus = .stopped
            task.task.stoppedAt = Date(timeIntervalSince1970: 1_700_000_500)
        }
        #expect(try await store.serviceTasks(cluster: "c", service: "web", stoppedSince: nil).map(\.id) == ["t1"])
        #expect(
            try await store.serviceTasks(
                cluster: "c", service: "web", stoppedSince: Date(timeIntervalSince1970: 1_700_000_400)
            ).map(\.id) == ["t1", "t2"])
    }
}
