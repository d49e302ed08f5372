import AdmiralModel
import AdmiralStore
import Foundation
import Logging

/// The server's side of `AdmiralAgentV1.SubmitTaskUsage`: an agent reports what its
/// running tasks use every metrics interval, and the latest figures go into the
/// ``TaskUsageTable`` that the metrics publisher reads.
public struct TaskUsageService: Sendable {
    let store: any Store
    let presence: AgentPresence
    let table: TaskUsageTable
    let logger: Logger

    /// Creates the service; reports are recorded in `table`.
    public init(store: any Store, presence: AgentPresence, table: TaskUsageTable, logger: Logger) {
        self.store = store
        self.presence = presence
        self.table = table
        self.logger = logger
    }

    /// SubmitTaskUsage: records the usage of the instance's tasks, keyed by task ARN as
    /// ECS names it and timed by the server's receipt. Tasks that are not placed on the
    /// instance, or are STOPPED, are left out: a task that stopped since the agent
    /// measured it has nothing left to publish.
    public func submit(_ request: SubmitTaskUsageRequest, context: RequestContext) async throws
        -> SubmitTaskUsageResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let instanceId = try TaskService.instanceId(request.containerInstanceArn, cluster: cluster)
        let reports = try request.tasks.map { usage in
            guard usage.cpuUnits.isFinite, usage.cpuUnits >= 0, usage.memoryMiB.isFinite, usage.memoryMiB >= 0 else {
                throw AdmiralError.invalidParameter(
                    "The usage of task '\(usage.taskArn)' must have cpuUnits and memoryMiB of 0 or more.")
            }
            return (try TaskService.taskId(usage.taskArn, cluster: cluster), usage)
        }
        guard let instance = try await store.containerInstances(cluster: cluster, ids: [instanceId])[instanceId] else {
            throw AdmiralError.invalidParameter(
                "The container instance \(instanceId) is not registered in cluster '\(cluster)'; register it again.")
        }
        try InstanceScope.checkCluster(cluster, action: "ecs:SubmitTaskUsage", context: context)
        try InstanceScope.checkContainerInstance(instance, action: "ecs:SubmitTaskUsage", context: context)
        let now = context.now
        presence.seen(cluster: cluster, instance: instanceId, at: now)
        guard instance.status != .inactive, !reports.isEmpty else { return SubmitTaskUsageResponse() }

        let placed = Set(try await store.instanceTasks(cluster: cluster, containerInstanceId: instanceId).map(\.id))
        var recorded: [String: TaskUsage] = [:]
        for (id, usage) in reports where placed.contains(id) {
            recorded[context.names.taskARN(cluster: cluster, id: id)] = TaskUsage(
                cpuUnits: usage.cpuUnits, memoryMiB: usage.memoryMiB, measuredAt: now)
        }
        table.record(recorded)
        if logger.logLevel <= .debug {
            for (arn, usage) in recorded.sorted(by: { $0.key < $1.key }) {
                logger.debug(
                    "task usage recorded",
                    metadata: [
                        "cluster": .string(cluster), "task.arn": .string(arn),
                        "cpu.units": .string(String(format: "%.1f", usage.cpuUnits)),
                        "memory.mib": .string(String(format: "%.1f", usage.memoryMiB)),
                    ])
            }
        }
        return SubmitTaskUsageResponse()
    }
}
