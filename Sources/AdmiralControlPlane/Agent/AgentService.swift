import AdmiralModel
import AdmiralStore
import Foundation
import ServiceLifecycle

/// The server's side of the agent protocol: the long poll that hands an instance its
/// desired tasks and doubles as the agent's heartbeat.
public struct AgentService: Sendable {
    let store: any Store
    let feed: ChangeFeed
    let presence: AgentPresence
    /// The longest the server holds a poll, whatever the agent asks: half the silence
    /// after which an agent counts as disconnected, so that a live agent (which polls
    /// again as soon as a poll returns) is never silent that long.
    let maximumHold: Duration

    /// How long a poll is held when the agent does not say.
    public static let defaultPollWait: Duration = .seconds(20)

    /// Creates the service; polls are held at most half of `disconnectAfter`.
    public init(
        store: any Store, feed: ChangeFeed, presence: AgentPresence,
        disconnectAfter: Duration = InstanceLivenessController.Settings().disconnectAfter
    ) {
        self.store = store
        self.feed = feed
        self.presence = presence
        self.maximumHold = disconnectAfter / 2
    }

    /// PollDesiredState: answers at once when the instance's desired tasks are not the
    /// version the agent knows, otherwise when they change or the wait ends.
    public func poll(_ request: PollDesiredStateRequest, context: RequestContext) async throws
        -> PollDesiredStateResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let id = try TaskService.instanceId(request.containerInstanceArn, cluster: cluster)
        if context.instance != nil {
            try InstanceScope.checkCluster(cluster, action: "ecs:Poll", context: context)
            try InstanceScope.checkContainerInstance(
                try await self.instance(cluster: cluster, id: id), action: "ecs:Poll", context: context)
        }
        let waitSeconds = min(
            max(request.waitSeconds ?? Self.defaultPollWait.seconds, 0), AgentProtocol.maximumPollWaitSeconds,
            maximumHold.seconds)
        presence.pollStarted(cluster: cluster, instance: id)
        defer { presence.pollEnded(cluster: cluster, instance: id) }

        let waiter = feed.instances.register(ChangeFeed.instanceKey(cluster: cluster, id: id))
        var instance = try await self.instance(cluster: cluster, id: id)
        if !instance.agentConnected, instance.status != .inactive {
            instance =
                try await store.updateContainerInstance(cluster: cluster, id: id) { $0.agentConnected = true }
                ?? instance
            feed.instanceChanged(cluster: cluster, id: id)
        }
        if instance.desiredVersion == request.knownVersion, instance.status != .inactive, waitSeconds > 0 {
            // A server shutting down answers held polls at once rather than waiting them out.
            let timeout = Duration.milliseconds(Int(waitSeconds * 1000))
            _ = await cancelWhenGracefulShutdown { await waiter.wait(timeout: timeout) }
            instance = try await self.instance(cluster: cluster, id: id)
        }
        return try await desiredState(of: instance, context: context)
    }

    func instance(cluster: String, id: String) async throws -> ContainerInstanceRecord {
        guard let instance = try await store.containerInstances(cluster: cluster, ids: [id])[id] else {
            throw AdmiralError.invalidParameter(
                "The container instance \(id) is not registered in cluster '\(cluster)'; register it again.")
        }
        return instance
    }

    /// What the agent is to do with a task: a DEACTIVATING task keeps running while the
    /// load balancer drains its targets; the scheduler moves it on to STOPPING after.
    static func agentDesiredStatus(of task: TaskRecord) -> TaskStatus {
        task.lastStatus == .deactivating ? .running : task.desiredStatus
    }

    /// The instance's tasks as the agent needs them.
    func desiredState(of instance: ContainerInstanceRecord, context: RequestContext) async throws
        -> PollDesiredStateResponse
    {
        let tasks =
            instance.status == .inactive
            ? [] : try await store.instanceTasks(cluster: instance.cluster, containerInstanceId: instance.id)
        var agentTasks: [AgentTask] = []
        agentTasks.reserveCapacity(tasks.count)
        for task in tasks {
            let definition = try await store.taskDefinition(family: task.family, revision: task.revision)?.definition
            agentTasks.append(
                AgentTask(
                    taskArn: context.names.taskARN(cluster: task.cluster, id: task.id), family: task.family,
                    revision: task.revision, desiredStatus: Self.agentDesiredStatus(of: task).rawValue,
                    lastStatus: task.lastStatus.rawValue, networkMode: definition?.networkMode?.rawValue,
                    containers: task.containerDefinitions, volumes: definition?.volumes,
                    cpu: task.reservation.cpu, memory: task.reservation.memory, version: task.version))
        }
        return PollDesiredStateResponse(
            version: instance.desiredVersion, instanceStatus: instance.status.rawValue, tasks: agentTasks)
    }
}
