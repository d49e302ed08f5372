import AdmiralModel
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
        /// Where load balancers listen.
        public var loadBalancerAddressing: LoadBalancerAddressing
        /// How the service scheduler behaves.
        public var services: ServiceController.Settings
        /// How often Admiral publishes its own CloudWatch metrics (CloudWatch: every minute).
        public var metricsInterval: Duration
        /// The period of the alarms target tracking creates, and of the repeat of scaling
        /// actions while an alarm stays in ALARM (AWS: 60 s).
        public var scalingPeriod: Int
        /// The server's availability zones (`--availability-zones`; the region's a, b and c).
        public var availabilityZones: [String] = ["us-east-1a", "us-east-1b", "us-east-1c"]
        /// How the EC2 instance controller paces itself.
        public var instances = InstanceController.Settings()

        /// Creates settings with ECS-like defaults.
        public init(
            liveness: InstanceLivenessController.Settings = .init(), stoppedTaskRetention: Duration = .seconds(3600),
            loadBalancerAddressing: LoadBalancerAddressing = .loopbackPerLoadBalancer,
            services: ServiceController.Settings = .init(), metricsInterval: Duration = .seconds(60),
            scalingPeriod: Int = 60
        ) {
            self.services = services
            self.metricsInterval = metricsInterval
            self.scalingPeriod = scalingPeriod
            self.liveness = liveness
            self.stoppedTaskRetention = stoppedTaskRetention
            self.loadBalancerAddressing = loadBalancerAddressing
        }
    }

    public let store: any Store & LoadBalancerStore
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
    public let loadBalancing: LoadBalancingService
    public let services: ServiceOperations
    /// CloudWatch: metrics, alarms, dashboards.
    public let cloudWatch: CloudWatchService
    /// The latest CPU and memory use of each task, as agents report it.
    public let taskUsage = TaskUsageTable()
    /// Application Auto Scaling: scalable targets, policies, scheduled actions.
    public let autoScaling: ApplicationAutoScalingService
    /// CloudWatch Logs: log groups, streams, events, metric filters.
    public let logs: LogsService
    /// EC2 Auto Scaling: launch configurations, groups and their instances.
    public let ec2AutoScaling: EC2AutoScalingService
    /// ECS capacity providers: Auto Scaling groups joined to clusters.
    public let capacityProviders: CapacityProviderService
    /// Where target health comes from: the data plane's health checks.
    public let targetHealth: any TargetHealthSource
    /// The credentials issued to EC2 instances (their instance role), which the endpoint
    /// accepts for the agent's calls.
    public let instanceCredentials: InstanceCredentials
    /// EC2: VPCs, subnets, security groups, images, instance types, instances, launch templates.
    public let ec2: EC2Service
    /// What an EC2 instance is on this server.
    public let instanceProvider: any InstanceProvider
    /// The server's address as instances reach it; set once the API listens.
    public let serverEndpoint = ServerEndpoint()

    /// Creates the control plane over a store.
    public init(
        store: any Store & LoadBalancerStore, metricStore: any MetricStore = InMemoryMetricStore.make(),
        scalingStore: any ScalingStore = InMemoryScalingStore.make(), settings: Settings = Settings(),
        targetHealth: any TargetHealthSource = RegistrationTargetHealth(),
        startedAt: Date = Date(), logStore: any LogStore = InMemoryLogStore.make(),
        ec2AutoScalingStore: any AutoScalingStore = InMemoryAutoScalingStore.make(), ec2Fleet: (any EC2Fleet)? = nil,
        instanceCredentials: InstanceCredentials = InstanceCredentials(),
        ec2Store: any EC2Store = InMemoryEC2Store.make(),
        instanceProvider: any InstanceProvider = NoInstanceProvider()
    ) {
        self.instanceCredentials = instanceCredentials
        self.instanceProvider = instanceProvider
        let ec2 = EC2Service(
            store: ec2Store, zones: settings.availabilityZones, accountId: settings.services.names.accountId)
        self.ec2 = ec2
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
        self.agent = AgentService(
            store: store, feed: feed, presence: presence, disconnectAfter: settings.liveness.disconnectAfter)
        self.loadBalancing = LoadBalancingService(
            store: store, addressing: settings.loadBalancerAddressing, health: targetHealth,
            instances: ContainerInstanceTargets(store: store), network: ec2)
        self.services = ServiceOperations(store: store, tasks: tasks, feed: feed, loadBalancing: loadBalancing)
        self.targetHealth = targetHealth
        self.cloudWatch = CloudWatchService(store: metricStore)
        self.logs = LogsService(store: logStore, cloudWatch: cloudWatch)
        self.ec2AutoScaling = EC2AutoScalingService(
            store: ec2AutoScalingStore, fleet: ec2Fleet ?? ec2, loadBalancing: loadBalancing, cloudWatch: cloudWatch,
            scalingPeriod: settings.scalingPeriod)
        self.capacityProviders = CapacityProviderService(store: store, groups: ec2AutoScaling)
        self.autoScaling = ApplicationAutoScalingService(
            store: scalingStore, ecsStore: store, services: services, cloudWatch: cloudWatch,
            settings: .init(scalingPeriod: settings.scalingPeriod, names: settings.services.names))
    }

    /// The long-running controllers, to run in the process's service group.
    public func controllers(logger: Logger) -> [any Service] {
        // The group controller needs the EC2 registry; without one, groups are only kept.
        let groups: [any Service] = ec2AutoScaling.fleet.map {
            [AutoScalingGroupController(service: ec2AutoScaling, fleet: $0, logger: logger)]
        } ?? []
        return groups + [
            InstanceController(
                ec2: ec2, provider: instanceProvider, credentials: instanceCredentials, endpoint: serverEndpoint,
                settings: settings.instances, logger: logger
            ) { [containerInstances, names = settings.services.names] instanceId, cluster in
                await containerInstances.deregisterTerminated(
                    ec2InstanceId: instanceId, cluster: cluster, names: names, logger: logger)
            },
            InstanceLivenessController(
                store: store, feed: feed, presence: presence, settings: settings.liveness, logger: logger),
            StoppedTaskReaper(
                store: store, retention: settings.stoppedTaskRetention,
                interval: min(.seconds(60), max(.seconds(1), settings.stoppedTaskRetention / 2)), logger: logger),
            ServiceController(
                store: store, tasks: tasks, feed: feed, settings: settings.services, logger: logger,
                loadBalancing: loadBalancing, targetHealth: targetHealth),
            WaitingTaskPlacer(store: store, tasks: tasks, feed: feed, logger: logger),
            AlarmController(
                cloudWatch: cloudWatch, names: settings.services.names,
                repeatInterval: TimeInterval(settings.scalingPeriod), logger: logger),
            ScalingController(scaling: autoScaling, logger: logger),
            CapacityProviderController(
                store: store, autoScaling: ec2AutoScaling, containerInstances: containerInstances,
                names: settings.services.names, logger: logger),
            CapacityProviderReservationPublisher(
                store: store, cloudWatch: cloudWatch, groups: ec2AutoScaling, interval: .seconds(settings.scalingPeriod),
                logger: logger),
            MetricRetention(cloudWatch: cloudWatch, logger: logger),
            LogRetention(logs: logs, logger: logger),
            ECSMetricsPublisher(
                store: store, usage: taskUsage, cloudWatch: cloudWatch, interval: settings.metricsInterval,
                logger: logger, instanceGroups: { [ec2AutoScaling] in try await ec2AutoScaling.groupMembership() }),
        ]
    }
}
