import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// Marks agents disconnected when their polls stop, and stops the tasks of instances
/// whose agent stays away past the grace period, so that services replace them.
public struct InstanceLivenessController: Service {
    /// When an agent counts as disconnected and when its instance counts as lost.
    public struct Settings: Sendable {
        /// Silence after which `agentConnected` becomes false. A polling agent is never
        /// silent for long: it polls again as soon as a poll returns.
        public var disconnectAfter: Duration
        /// Silence after which the instance's tasks are stopped (`--instance-lost-after`).
        public var lostAfter: Duration
        /// How often instances are checked.
        public var checkInterval: Duration

        /// Creates settings; the defaults are 15 s, 60 s and 1 s.
        public init(
            disconnectAfter: Duration = .seconds(15), lostAfter: Duration = .seconds(60),
            checkInterval: Duration = .seconds(1)
        ) {
            self.disconnectAfter = disconnectAfter
            self.lostAfter = max(lostAfter, disconnectAfter)
            self.checkInterval = checkInterval
        }
    }

    let store: any Store
    let feed: ChangeFeed
    let presence: AgentPresence
    let settings: Settings
    let logger: Logger

    /// Creates the controller.
    public init(store: any Store, feed: ChangeFeed, presence: AgentPresence, settings: Settings, logger: Logger) {
        self.store = store
        self.feed = feed
        self.presence = presence
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        try await runPeriodically(every: settings.checkInterval, logger: logger, failure: "liveness check failed") {
            try await check(at: Date())
        }
    }

    /// One pass over every live instance.
    public func check(at now: Date) async throws {
        let disconnectAfter = settings.disconnectAfter.seconds
        let lostAfter = settings.lostAfter.seconds
        for instance in try await store.liveContainerInstances() {
            let silence = presence.silence(cluster: instance.cluster, instance: instance.id, at: now)
            if silence >= disconnectAfter, instance.agentConnected {
                _ = try await store.updateContainerInstance(cluster: instance.cluster, id: instance.id) {
                    $0.agentConnected = false
                }
                logger.notice(
                    "agent disconnected",
                    metadata: ["cluster": .string(instance.cluster), "container.instance": .string(instance.id)])
                feed.instanceChanged(cluster: instance.cluster, id: instance.id)
            }
            if silence >= lostAfter, !instance.usage.groups.isEmpty {
                try await stopTasks(of: instance, silence: silence, at: now)
            }
        }
    }

    /// Stops every task of a lost instance: the server cannot reach them, so it records
    /// them STOPPED; the agent stops their containers if it comes back.
    func stopTasks(of instance: ContainerInstanceRecord, silence: TimeInterval, at now: Date) async throws {
        let tasks = try await store.instanceTasks(cluster: instance.cluster, containerInstanceId: instance.id)
        guard !tasks.isEmpty else { return }
        let reason =
            "Task stopped because the agent of container instance \(instance.ec2InstanceId) has been disconnected for "
            + "more than \(Int(settings.lostAfter.seconds)) seconds."
        let changed = try await store.updateTasks(cluster: instance.cluster, ids: tasks.map(\.id)) { task in
            guard task.lastStatus != .stopped else { return }
            if task.desiredStatus != .stopped {
                task.desiredStatus = .stopped
                task.task.desiredStatus = TaskStatus.stopped.rawValue
                task.task.stoppedReason = reason
                task.task.stoppingAt = now
            }
            task.lastStatus = .stopped
            task.task.lastStatus = TaskStatus.stopped.rawValue
            task.task.stoppedAt = now
            task.task.executionStoppedAt = task.task.executionStoppedAt ?? now
            for index in (task.task.containers ?? []).indices {
                task.task.containers?[index].lastStatus = ContainerStatus.stopped.rawValue
            }
        }
        logger.warning(
            "container instance lost; its tasks are stopped",
            metadata: [
                "cluster": .string(instance.cluster), "container.instance": .string(instance.id),
                "tasks": .stringConvertible(changed.count),
            ])
        feed.tasksChanged(changed)
    }
}
