import Foundation

/// Everything an agent needs to know, from flags, the environment and an ecs.config
/// file (`ECS_CLUSTER=...`), as on the ECS-optimized AMI.
public struct AgentConfiguration: Sendable {
    /// Which runtime runs the tasks.
    public enum RuntimeKind: String, Sendable, CaseIterable {
        /// Real containers through Docker Engine.
        case docker
        /// No containers: tasks "run" until stopped. For scale tests; labelled as a
        /// simulation wherever it shows.
        case simulated
    }

    /// When images are pulled, as `ECS_IMAGE_PULL_BEHAVIOR` says.
    public enum ImagePullBehavior: String, Sendable, CaseIterable {
        /// Pull every time; fall back to the cached image when the pull fails.
        case `default`
        /// Pull every time; fail when the pull fails.
        case always
        /// Pull only the first time an image is needed on this host.
        case once
        /// Pull only when the image is not on the host.
        case preferCached = "prefer-cached"
    }

    /// The control plane's endpoint, e.g. `http://127.0.0.1:7700`.
    public var endpoint: URL
    /// The cluster to join.
    public var cluster: String
    /// Where the agent keeps its state (the container instance ARN) across restarts.
    public var dataDir: String
    /// The Docker daemon, in `DOCKER_HOST` form.
    public var dockerHost: String
    public var runtime: RuntimeKind
    /// The signing credentials and region.
    public var accessKeyId: String
    public var secretAccessKey: String
    public var sessionToken: String?
    public var region: String
    /// Reported in the instance identity document and as `ecs.availability-zone`.
    public var availabilityZone: String?
    /// Reported as `ecs.instance-type`.
    public var instanceType: String
    /// Custom attributes.
    public var attributes: [String: String]
    /// CPU units and memory (MiB) to register instead of the host's.
    public var cpu: Int?
    public var memory: Int?
    /// Memory (MiB) kept back from tasks (`ECS_RESERVED_MEMORY`).
    public var reservedMemory: Int
    /// Host ports kept back from tasks, beyond ECS's defaults (`ECS_RESERVED_PORTS`).
    public var reservedPorts: [Int]
    /// UDP host ports kept back from tasks (`ECS_RESERVED_PORTS_UDP`).
    public var reservedUDPPorts: [Int]
    /// The address published host ports bind to.
    public var hostPortAddress: String
    /// The address other hosts (the load balancer) reach this host's published ports on,
    /// reported as the identity document's `privateIp`.
    public var hostAddress: String
    public var imagePullBehavior: ImagePullBehavior
    /// How long the server may hold a poll.
    public var pollWait: Duration
    /// How long the containers of a stopped task are kept before they are removed
    /// (`ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION`).
    public var taskCleanupWait: Duration
    /// SIGTERM to SIGKILL when a container definition gives no `stopTimeout`
    /// (`ECS_CONTAINER_STOP_TIMEOUT`).
    public var containerStopTimeout: Duration
    /// How long a container may wait for its dependencies (`ECS_CONTAINER_START_TIMEOUT`).
    public var containerStartTimeout: Duration
    /// How often the running tasks' CPU and memory use is measured and reported
    /// (`ECS_ADMIRAL_METRICS_INTERVAL`); the server publishes it to CloudWatch.
    public var metricsInterval: Duration

    /// Creates a configuration with ECS's defaults for what is not given.
    public init(
        endpoint: URL, cluster: String = "default", dataDir: String,
        dockerHost: String = "unix:///var/run/docker.sock", runtime: RuntimeKind = .docker,
        accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, region: String = "us-east-1",
        availabilityZone: String? = nil, instanceType: String = "admiral.host", attributes: [String: String] = [:],
        cpu: Int? = nil, memory: Int? = nil, reservedMemory: Int = 0, reservedPorts: [Int] = [],
        reservedUDPPorts: [Int] = [], hostPortAddress: String = "0.0.0.0", hostAddress: String = "127.0.0.1",
        imagePullBehavior: ImagePullBehavior = .preferCached, pollWait: Duration = .seconds(20),
        taskCleanupWait: Duration = .seconds(3 * 3600), containerStopTimeout: Duration = .seconds(30),
        containerStartTimeout: Duration = .seconds(180), metricsInterval: Duration = .seconds(60)
    ) {
        self.endpoint = endpoint
        self.cluster = cluster
        self.dataDir = dataDir
        self.dockerHost = dockerHost
        self.runtime = runtime
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.region = region
        self.availabilityZone = availabilityZone
        self.instanceType = instanceType
        self.attributes = attributes
        self.cpu = cpu
        self.memory = memory
        self.reservedMemory = reservedMemory
        self.reservedPorts = reservedPorts
        self.reservedUDPPorts = reservedUDPPorts
        self.hostPortAddress = hostPortAddress
        self.hostAddress = hostAddress
        self.imagePullBehavior = imagePullBehavior
        self.pollWait = pollWait
        self.taskCleanupWait = taskCleanupWait
        self.containerStopTimeout = containerStopTimeout
        self.containerStartTimeout = containerStartTimeout
        self.metricsInterval = metricsInterval
    }

    /// The availability zone, `<region>a` when none was given.
    public var zone: String { availabilityZone ?? region + "a" }
}
