import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// The domain services and controllers of one control plane, over one store, sharing
/// one change feed and one table of agent presence.
public struct ControlPlane: Sendable {
    /// How the controllers behave.
    public struct Settings: Sendable {
        public var liveness: InstanceLivenessController.Settings
        /// How long stopped tasks stay describable.
        public var stoppedTaskRetention: Duration

        /// Creates settings with ECS-like defaults.
        public init(
            liveness: InstanceLivenessController.Settings = .init(), stoppedTaskRetention: Duration = .seconds(3600)
        ) {
            self.liveness = liveness
            self.stoppedTaskRetention = stoppedTaskRetention
        }
    }

    public let store: any Store
    public let feed: ChangeFeed
    public let presence: AgentPresence
    public let settings: Settings

    public let clusters: ClusterService
    public let taskDefinitions: TaskDefinitionService
    public let tags: TagService
    public let containerInstances: ContainerInstanceService
    public let attributes: AttributeService
    public let tasks: TaskService
    public let agent: AgentService

    /// Creates the control plane over a store.
    public init(store: any Store, settings: Settings = Settings(), startedAt: Date = Date()) {
        let feed = ChangeFeed()
        let presence = AgentPresence(startedAt: startedAt)
        self.store = store
        self.feed = feed
        self.presence = presence
        self.settings = settings
        self.clusters = ClusterService(store: store)
        self.taskDefinitions = TaskDefinitionService(store: store)
        self.tags = TagService(store: store)
        self.containerInstances = ContainerInstanceService(store: store, feed: feed, presence: presence)
        self.attributes = AttributeService(store: store, feed: feed)
        self.tasks = TaskService(store: store, feed: feed, presence: presence)
        self.agent = AgentService(store: store, feed: feed, presence: presence)
    }

    /// The long-running controllers, to run in the process's service group.
    public func controllers(logger: Logger) -> [any Service] {
        [
            InstanceLivenessController(
                store: store, feed: feed, presence: presence, settings: settings.liveness, logger: logger),
            StoppedTaskReaper(store: store, retention: settings.stoppedTaskRetention, logger: logger),
        ]
    }
}
