import AdmiralModel
import AdmiralStore
import Foundation

extension TaskService {
    /// The acknowledgment ECS answers state changes with.
    static let acknowledgment = "ACK"
    /// The reason an agent gives when an essential container exits.
    public static let essentialContainerExited = "Essential container in task exited"

    /// SubmitTaskStateChange: an agent reports a task's progress. Statuses only move
    /// forward, so a repeated or late report changes nothing.
    public func submitTaskStateChange(_ request: ECS.SubmitTaskStateChangeRequest, context: RequestContext)
        async throws -> ECS.SubmitTaskStateChangeResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        guard let identifier = request.task else {
            throw AdmiralError.invalidParameter("SubmitTaskStateChange needs the task.")
        }
        let id = try Self.taskId(identifier, cluster: cluster)
        let own = try await InstanceScope.ownContainerInstanceId(
            cluster: cluster, action: "ecs:SubmitTaskStateChange", context: context, store: store)
        let status = try request.status.map(Self.taskStatus)
        let containers = try (request.containers ?? []).map { change in
            (change, try change.status.map(Self.containerStatus))
        }
        let now = context.now
        let changed = try await store.updateTasks(cluster: cluster, ids: [id]) { task in
            try Self.checkOwner(task, own, "ecs:SubmitTaskStateChange", context)
            for (change, containerStatus) in containers {
                Self.apply(
                    change.containerName, runtimeId: change.runtimeId, status: containerStatus,
                    exitCode: change.exitCode, reason: change.reason, bindings: change.networkBindings, to: &task)
            }
            if let pulled = request.pullStartedAt, task.task.pullStartedAt == nil { task.task.pullStartedAt = pulled }
            if let pulled = request.pullStoppedAt, task.task.pullStoppedAt == nil { task.task.pullStoppedAt = pulled }
            if let status { Self.advance(&task, to: status, reason: request.reason, at: now) }
            if let stopped = request.executionStoppedAt, task.lastStatus == .stopped,
                task.task.executionStoppedAt == nil
            {
                task.task.executionStoppedAt = stopped
            }
        }
        if let task = changed.first {
            presence.seen(cluster: cluster, instance: task.containerInstanceId, at: now)
        } else if try await store.tasks(cluster: cluster, ids: [id])[id] == nil {
            throw AdmiralError.invalidParameter("The referenced task was not found.")
        }
        feed.tasksChanged(changed)
        return ECS.SubmitTaskStateChangeResponse(acknowledgment: Self.acknowledgment)
    }

    /// SubmitContainerStateChange: an agent reports one container's progress.
    public func submitContainerStateChange(
        _ request: ECS.SubmitContainerStateChangeRequest, context: RequestContext
    ) async throws -> ECS.SubmitContainerStateChangeResponse {
        let cluster = try NameRules.clusterName(request.cluster)
        guard let identifier = request.task, let name = request.containerName else {
            throw AdmiralError.invalidParameter("SubmitContainerStateChange needs the task and the containerName.")
        }
        let id = try Self.taskId(identifier, cluster: cluster)
        let own = try await InstanceScope.ownContainerInstanceId(
            cluster: cluster, action: "ecs:SubmitContainerStateChange", context: context, store: store)
        let status = try request.status.map(Self.containerStatus)
        let changed = try await store.updateTasks(cluster: cluster, ids: [id]) { task in
            try Self.checkOwner(task, own, "ecs:SubmitContainerStateChange", context)
            Self.apply(
                name, runtimeId: request.runtimeId, status: status, exitCode: request.exitCode,
                reason: request.reason, bindings: request.networkBindings, to: &task)
        }
        if changed.isEmpty, try await store.tasks(cluster: cluster, ids: [id])[id] == nil {
            throw AdmiralError.invalidParameter("The referenced task was not found.")
        }
        feed.tasksChanged(changed)
        return ECS.SubmitContainerStateChangeResponse(acknowledgment: Self.acknowledgment)
    }

    /// Admiral's SubmitContainerHealth: the health of a task's containers, and from it
    /// the task's (UNHEALTHY when an essential container is, HEALTHY when every
    /// essential container with a health check is).
    public func submitContainerHealth(_ request: SubmitContainerHealthRequest, context: RequestContext)
        async throws -> SubmitContainerHealthResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let id = try Self.taskId(request.task, cluster: cluster)
        let own = try await InstanceScope.ownContainerInstanceId(
            cluster: cluster, action: "ecs:SubmitContainerHealth", context: context, store: store)
        let reports = try request.containers.map { report in
            guard let status = ECS.HealthStatus(rawValue: report.healthStatus) else {
                throw AdmiralError.invalidParameter(
                    "Invalid healthStatus '\(report.healthStatus)'. Valid values: HEALTHY, UNHEALTHY, UNKNOWN.")
            }
            return (report.containerName, status)
        }
        let changed = try await store.updateTasks(cluster: cluster, ids: [id]) { task in
            try Self.checkOwner(task, own, "ecs:SubmitContainerHealth", context)
            guard task.lastStatus != .stopped else { return }
            for (name, status) in reports {
                guard let index = task.task.containers?.firstIndex(where: { $0.name == name }) else { continue }
                task.task.containers?[index].healthStatus = status
            }
            task.task.healthStatus = Self.taskHealth(task)
        }
        feed.tasksChanged(changed)
        return SubmitContainerHealthResponse()
    }

    /// Refuses an instance's report about a task of another instance (rolling back).
    static func checkOwner(_ task: TaskRecord, _ own: String?, _ action: String, _ context: RequestContext) throws {
        guard let own, let grant = context.instance, task.containerInstanceId != own else { return }
        throw InstanceScope.denied(
            action, grant, resource: context.names.taskARN(cluster: task.cluster, id: task.id))
    }

    // MARK: Transitions

    static func taskStatus(_ text: String) throws -> TaskStatus {
        guard let status = TaskStatus(rawValue: text) else {
            throw AdmiralError.invalidParameter(
                "Invalid task status '\(text)'. Valid values: \(TaskStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return status
    }

    static func containerStatus(_ text: String) throws -> ContainerStatus {
        guard let status = ContainerStatus(rawValue: text) else {
            throw AdmiralError.invalidParameter("Invalid container status '\(text)'. Valid values: PENDING, RUNNING, STOPPED.")
        }
        return status
    }

    /// Moves a task forward to `status`, with ECS's timestamps and, for a stop the agent
    /// decided on, its stop code: TaskFailedToStart before RUNNING, EssentialContainerExited after.
    static func advance(_ task: inout TaskRecord, to status: TaskStatus, reason: String?, at date: Date) {
        guard status > task.lastStatus else { return }
        let wasRunning = task.lastStatus >= .running
        task.lastStatus = status
        task.task.lastStatus = status.rawValue
        if status == .running, task.task.startedAt == nil { task.task.startedAt = date }
        guard status == .stopped else { return }
        if task.desiredStatus != .stopped {
            task.desiredStatus = .stopped
            task.task.desiredStatus = TaskStatus.stopped.rawValue
            task.task.stopCode = wasRunning ? .essentialContainerExited : .taskFailedToStart
            task.task.stoppedReason = reason ?? (wasRunning ? essentialContainerExited : "Task failed to start")
        } else if task.task.stoppedReason == nil {
            task.task.stoppedReason = reason
        }
        if task.task.stoppingAt == nil { task.task.stoppingAt = date }
        task.task.stoppedAt = date
        task.task.executionStoppedAt = task.task.executionStoppedAt ?? date
        for index in (task.task.containers ?? []).indices
        where ContainerStatus(rawValue: task.task.containers?[index].lastStatus ?? "") != .stopped {
            task.task.containers?[index].lastStatus = ContainerStatus.stopped.rawValue
        }
    }

    /// Applies one container's report to a task.
    static func apply(
        _ name: String?, runtimeId: String?, status: ContainerStatus?, exitCode: Int?, reason: String?,
        bindings: [ECS.NetworkBinding]?, to task: inout TaskRecord
    ) {
        guard let name, let index = task.task.containers?.firstIndex(where: { $0.name == name }),
            var container = task.task.containers?[index]
        else { return }
        let current = ContainerStatus(rawValue: container.lastStatus ?? "") ?? .pending
        if let runtimeId { container.runtimeId = runtimeId }
        if let status, status > current { container.lastStatus = status.rawValue }
        if let exitCode { container.exitCode = exitCode }
        if let reason, container.reason == nil { container.reason = reason }
        if let bindings, !bindings.isEmpty { container.networkBindings = bindings }
        task.task.containers?[index] = container
    }

    /// The task's health from its containers': UNHEALTHY when an essential container
    /// is, HEALTHY when every essential container with a health check is, else UNKNOWN.
    static func taskHealth(_ task: TaskRecord) -> ECS.HealthStatus {
        let checked = task.containerDefinitions.filter { ($0.essential ?? true) && $0.healthCheck != nil }.compactMap(
            \.name)
        guard !checked.isEmpty else { return .unknown }
        let statuses = checked.map { name in
            task.task.containers?.first { $0.name == name }?.healthStatus ?? .unknown
        }
        if statuses.contains(.unhealthy) { return .unhealthy }
        if statuses.allSatisfy({ $0 == .healthy }) { return .healthy }
        return .unknown
    }
}
