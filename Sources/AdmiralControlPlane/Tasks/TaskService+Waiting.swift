import AdmiralModel
import AdmiralScheduler
import AdmiralStore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

extension TaskService {
    /// Places a cluster's tasks that wait in PROVISIONING, oldest first, each on its
    /// capacity provider's instances with its own strategy and constraints, as far as
    /// there is room; the rest keep waiting. Returns the tasks placed (PENDING now).
    public func placeWaitingTasks(cluster: String) async throws -> [TaskRecord] {
        let waiting = try await store.provisioningTasks(cluster: cluster)
        guard !waiting.isEmpty else { return [] }
        // What each waiting task needs to be placed, computed outside the transaction.
        var definitions: [String: ECS.TaskDefinition] = [:]
        var requests: [String: PlacementRequest] = [:]
        for task in waiting {
            let key = "\(task.family):\(task.revision)"
            if definitions[key] == nil {
                definitions[key] = try await store.taskDefinition(family: task.family, revision: task.revision)?.definition
            }
            guard let definition = definitions[key], let request = try? Self.placementRequest(task, definition: definition)
            else { continue }
            requests[task.id] = request
        }
        let snapshots = self.snapshots
        let prepared = requests
        let placed = try await store.placeProvisioningTasks(cluster: cluster) { instances, tasks in
            var engines: [String: PlacementEngine] = [:]
            var placed: [TaskRecord] = []
            for var task in tasks {
                guard let request = prepared[task.id] else { continue }
                let provider = task.task.capacityProviderName ?? ""
                if engines[provider] == nil {
                    let candidates = instances.filter { provider.isEmpty || $0.capacityProviderName == provider }
                    engines[provider] = PlacementEngine(
                        snapshot: ClusterSnapshot(instances: snapshots.snapshots(of: candidates)))
                }
                guard let id = engines[provider]?.place(request).placements.first,
                    let instance = instances.first(where: { $0.id == id })
                else { continue }
                TaskLaunch.assign(&task, to: instance)
                placed.append(task)
            }
            return placed
        }
        feed.tasksChanged(placed)
        return placed
    }

    /// The placement of one waiting task: its reservation, its group, the strategy and
    /// constraints it was launched with and its task definition's.
    static func placementRequest(_ task: TaskRecord, definition: ECS.TaskDefinition) throws -> PlacementRequest {
        let waiting =
            task.waitingPlacement
            ?? WaitingPlacement(placementStrategy: nil, placementConstraints: nil, serviceDefaults: task.serviceName != nil)
        let strategies = try PlacementStrategy.parse(
            waiting.placementStrategy,
            defaults: waiting.serviceDefaults ? PlacementStrategy.serviceDefault : PlacementStrategy.runTaskDefault)
        let constraints = try PlacementConstraint.parse(
            waiting.placementConstraints,
            taskDefinition: try PlacementConstraint.parseTaskDefinition(definition.placementConstraints))
        let reservation = task.reservation
        return PlacementRequest(
            count: 1, cpu: reservation.cpu, memory: reservation.memory, tcpPorts: Set(reservation.tcpPorts),
            udpPorts: Set(reservation.udpPorts), group: task.group, strategies: strategies, constraints: constraints,
            requiredAttributes: PlacementRequest.RequiredAttribute.from(definition.requiresAttributes),
            seed: UInt64.random(in: .min ... .max))
    }
}

/// Places the tasks that wait in PROVISIONING as soon as there is room for them: when a
/// container instance registers or changes, when a task stops and frees its reservation,
/// when a task starts to wait, and at least every `interval` besides.
public struct WaitingTaskPlacer: Service {
    let store: any Store
    let tasks: TaskService
    let feed: ChangeFeed
    let interval: Duration
    let logger: Logger

    /// Creates the placer.
    public init(store: any Store, tasks: TaskService, feed: ChangeFeed, interval: Duration = .seconds(2), logger: Logger)
    {
        self.store = store
        self.tasks = tasks
        self.feed = feed
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let waiter = feed.placement.register(ChangeFeed.placerKey)
                do {
                    try await placeAll()
                } catch where Task.isCancelled {
                    return
                } catch {
                    logger.error("waiting tasks not placed", metadata: ["error": .string("\(error)")])
                }
                _ = await waiter.wait(timeout: interval)
                // Changes come in bursts (a host registers, then reports its tasks): one
                // round takes them all.
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// One round over every cluster with waiting tasks.
    public func placeAll() async throws {
        for cluster in try await store.clustersWithProvisioningTasks() {
            let placed = try await tasks.placeWaitingTasks(cluster: cluster)
            if !placed.isEmpty {
                Counter(label: "admiral_waiting_tasks_placed_total").increment(by: placed.count)
                logger.info(
                    "waiting tasks placed", metadata: ["cluster": .string(cluster), "count": .stringConvertible(placed.count)])
            }
        }
    }
}
