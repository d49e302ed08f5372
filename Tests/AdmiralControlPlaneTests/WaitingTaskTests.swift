import AdmiralControlPlane
import AdmiralModel
import AdmiralScheduler
import AdmiralStore
import Foundation
import Testing

/// Tasks launched with a capacity provider strategy that their provider has no room for
/// wait in PROVISIONING, on no instance, until it has; stopping one ends it at once.
@Suite("Tasks waiting in PROVISIONING for capacity")
struct WaitingTaskTests {
    let folder: URL
    let store: SQLiteStore
    let controlPlane: ControlPlane
    let context = RequestContext(
        names: ECSNames(region: "us-east-1", accountId: "000000000000"), principalARN: "arn:aws:iam::000000000000:user/t")

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-waiting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("admiral.sqlite").path)
        controlPlane = ControlPlane(store: store)
    }

    func cleanup() {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A cluster `wait` and a task definition `wide` whose task reserves 1,000 MiB.
    func prepare() async throws -> TaskLaunch {
        _ = try await controlPlane.clusters.createCluster(ECS.CreateClusterRequest(clusterName: "wait"), context: context)
        _ = try await controlPlane.taskDefinitions.register(
            ECS.RegisterTaskDefinitionRequest(
                family: "wide",
                containerDefinitions: [ECS.ContainerDefinition(name: "main", image: "busybox", memory: 1000)]),
            context: context)
        let definition = try #require(try await store.taskDefinition(family: "wide", revision: nil))
        var launch = try TaskLaunch(
            cluster: "wait", definition: definition, overrides: nil, group: nil, startedBy: "test", tags: [],
            strategies: [.random], constraints: nil)
        launch.capacityProviderStrategy = [ECS.CapacityProviderStrategyItem(capacityProvider: "cp", weight: 1)]
        return launch
    }

    /// Registers a 2,048 MiB container instance of capacity provider `provider`.
    func register(_ ec2InstanceId: String, provider: String?) async throws -> String {
        let response = try await controlPlane.containerInstances.register(
            ECS.RegisterContainerInstanceRequest(
                cluster: "wait", instanceIdentityDocument: #"{"instanceId": "\#(ec2InstanceId)"}"#,
                totalResources: [
                    ECS.Resource(name: "CPU", type: "INTEGER", integerValue: 2048),
                    ECS.Resource(name: "MEMORY", type: "INTEGER", integerValue: 2048),
                ]),
            context: context)
        let arn = try #require(response.containerInstance?.containerInstanceArn)
        let id = String(arn.split(separator: "/").last ?? "")
        _ = try await store.updateContainerInstance(cluster: "wait", id: id) { $0.capacityProviderName = provider }
        return id
    }

    @Test("with no instance of its provider, RunTask's tasks wait in PROVISIONING instead of failing")
    func waitWithoutInstances() async throws {
        defer { cleanup() }
        let launch = try await prepare()
        // An instance of no provider does not take them either.
        _ = try await register("i-00000000000000001", provider: nil)
        let (tasks, failures) = try await controlPlane.tasks.launchTasks(launch, count: 3, at: Date())
        #expect(failures.isEmpty)
        #expect(tasks.count == 3)
        #expect(tasks.allSatisfy { $0.lastStatus == .provisioning && !$0.isPlaced && $0.desiredStatus == .running })
        #expect(tasks.allSatisfy { $0.task.capacityProviderName == "cp" })
        let rendered = TaskService.render(try #require(tasks.first), tags: nil, names: context.names)
        #expect(rendered.lastStatus == "PROVISIONING")
        #expect(rendered.containerInstanceArn == nil)
        #expect(rendered.availabilityZone == nil)
        #expect(try await store.provisioningTasks(cluster: "wait").count == 3)
        #expect(try await store.clustersWithProvisioningTasks() == ["wait"])
        // Nothing to place them on: they keep waiting.
        #expect(try await controlPlane.tasks.placeWaitingTasks(cluster: "wait").isEmpty)
    }

    @Test("waiting tasks are placed, oldest first, as far as their provider's new instance has room")
    func placedWhenRoomAppears() async throws {
        defer { cleanup() }
        let launch = try await prepare()
        let (tasks, _) = try await controlPlane.tasks.launchTasks(launch, count: 3, at: Date())
        let instance = try await register("i-00000000000000002", provider: "cp")
        let placed = try await controlPlane.tasks.placeWaitingTasks(cluster: "wait")
        // 2,048 MiB holds two tasks of 1,000.
        #expect(placed.count == 2)
        #expect(placed.allSatisfy { $0.containerInstanceId == instance && $0.lastStatus == .pending })
        #expect(placed.allSatisfy { $0.waitingPlacement == nil && $0.task.attributes?.isEmpty == false })
        let stored = try await store.tasks(cluster: "wait", ids: tasks.map(\.id))
        #expect(stored.values.filter { $0.lastStatus == .provisioning }.count == 1)
        let record = try #require(try await store.containerInstances(cluster: "wait", ids: [instance])[instance])
        #expect(record.usage.memory == 2000)
        #expect(record.usage.pendingTasks == 2)
        // The agent sees its two tasks; the third waits for another instance.
        #expect(try await store.instanceTasks(cluster: "wait", containerInstanceId: instance).count == 2)
        #expect(try await controlPlane.tasks.placeWaitingTasks(cluster: "wait").isEmpty)
    }

    @Test("stopping a waiting task stops it at once; it is never placed afterwards")
    func stopWhileWaiting() async throws {
        defer { cleanup() }
        let launch = try await prepare()
        let (tasks, _) = try await controlPlane.tasks.launchTasks(launch, count: 1, at: Date())
        let task = try #require(tasks.first)
        let stoppedAt = Date()
        let stopped = try await controlPlane.tasks.stopTasks(
            cluster: "wait", ids: [task.id], reason: "not needed", code: .userInitiated, at: stoppedAt)
        let record = try #require(stopped.first)
        #expect(record.lastStatus == .stopped && record.desiredStatus == .stopped)
        #expect(record.task.stoppedAt == stoppedAt)
        #expect(record.task.containers?.allSatisfy { $0.lastStatus == "STOPPED" } == true)
        #expect(try await store.provisioningTasks(cluster: "wait").isEmpty)
        _ = try await register("i-00000000000000003", provider: "cp")
        #expect(try await controlPlane.tasks.placeWaitingTasks(cluster: "wait").isEmpty)
        #expect(try await store.tasks(cluster: "wait", ids: [task.id])[task.id]?.lastStatus == .stopped)
    }

    @Test("without a capacity provider strategy, what cannot be placed still fails as before")
    func noStrategyStillFails() async throws {
        defer { cleanup() }
        var launch = try await prepare()
        launch.capacityProviderStrategy = []
        _ = try await register("i-00000000000000004", provider: nil)
        let (tasks, failures) = try await controlPlane.tasks.launchTasks(launch, count: 3, at: Date())
        #expect(tasks.count == 2)
        #expect(tasks.allSatisfy { $0.isPlaced })
        #expect(failures.contains { $0.reason == "RESOURCE:MEMORY" })
    }
}
