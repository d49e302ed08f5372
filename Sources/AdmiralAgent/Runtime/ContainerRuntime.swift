import Foundation

/// What runs containers for the agent: Docker Engine (`DockerRuntime`), or a simulation
/// without containers (`SimulatedRuntime`) for scale tests. Tests use a fake.
public protocol ContainerRuntime: Sendable {
    /// What the host offers.
    func describeHost() async throws -> RuntimeHost

    /// The containers that carry every one of `labels`, in any state.
    func containers(labeled labels: [String: String]) async throws -> [RuntimeContainer]

    /// Makes `image` available according to the pull behaviour; returns whether it was
    /// pulled. Throws `RuntimeError` with code `.pull` when it cannot be had.
    func prepareImage(_ image: String, behavior: AgentConfiguration.ImagePullBehavior) async throws -> Bool

    /// Creates a container; returns its id.
    func create(_ spec: ContainerSpec) async throws -> String

    /// Starts a created container.
    func start(_ id: String) async throws

    /// Stops a container: SIGTERM, then SIGKILL after `timeout`.
    func stop(_ id: String, timeout: Duration) async throws

    /// The container's current state.
    func inspect(_ id: String) async throws -> RuntimeContainer

    /// Removes a container and its anonymous volumes.
    func remove(_ id: String) async throws

    /// What a running container has used so far: its cumulative CPU time and its memory
    /// now. Nil when it does not run; throws `RuntimeError` with code `.notFound` when it
    /// is gone.
    func usage(ofContainer id: String) async throws -> ContainerUsage?

    /// Changes of containers that carry every one of `labels`: each element names a
    /// container whose state may have changed (started, exited, health changed). The
    /// stream ends or throws when the runtime goes away; callers reconnect and resync.
    func changes(labeled labels: [String: String]) async throws -> AsyncThrowingStream<String, any Error>
}

/// The host as a runtime reports it.
public struct RuntimeHost: Sendable, Equatable {
    /// Logical CPUs.
    public var cpus: Int
    /// Memory in MiB.
    public var memoryMiB: Int
    /// `x86_64` or `arm64`, as ECS's `ecs.cpu-architecture` has it.
    public var architecture: String
    /// The runtime's version, e.g. Docker's `20.10.24`, or `simulated`.
    public var version: String
    /// The Engine API version, e.g. `1.41`.
    public var apiVersion: String
    /// The log drivers the runtime can use.
    public var loggingDrivers: [String]

    /// Creates a description.
    public init(
        cpus: Int, memoryMiB: Int, architecture: String, version: String, apiVersion: String, loggingDrivers: [String]
    ) {
        self.cpus = cpus
        self.memoryMiB = memoryMiB
        self.architecture = architecture
        self.version = version
        self.apiVersion = apiVersion
        self.loggingDrivers = loggingDrivers
    }
}

/// A container as the agent sees it.
public struct RuntimeContainer: Sendable, Equatable {
    /// Its state, in lifecycle order.
    public enum State: Int, Sendable, Comparable {
        case created
        case running
        case exited

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Docker's health status of a container with a health check.
    public enum Health: String, Sendable, Equatable {
        case starting
        case healthy
        case unhealthy
    }

    /// A published port.
    public struct PortBinding: Sendable, Equatable, Hashable {
        public var containerPort: Int
        public var hostPort: Int
        /// `tcp` or `udp`.
        public var transport: String
        public var hostIP: String

        /// Creates a binding.
        public init(containerPort: Int, hostPort: Int, transport: String, hostIP: String) {
            self.containerPort = containerPort
            self.hostPort = hostPort
            self.transport = transport
            self.hostIP = hostIP
        }
    }

    public var id: String
    public var labels: [String: String]
    public var state: State
    public var exitCode: Int?
    public var health: Health?
    /// The runtime's error when the container could not run, and whether it was killed
    /// for lack of memory.
    public var error: String?
    public var oomKilled: Bool
    public var startedAt: Date?
    public var finishedAt: Date?
    public var ports: [PortBinding]

    /// Creates a description.
    public init(
        id: String, labels: [String: String], state: State, exitCode: Int? = nil, health: Health? = nil,
        error: String? = nil, oomKilled: Bool = false, startedAt: Date? = nil, finishedAt: Date? = nil,
        ports: [PortBinding] = []
    ) {
        self.id = id
        self.labels = labels
        self.state = state
        self.exitCode = exitCode
        self.health = health
        self.error = error
        self.oomKilled = oomKilled
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.ports = ports
    }
}

/// One reading of what a container uses, as `docker stats` shows it.
public struct ContainerUsage: Sendable, Equatable {
    /// CPU time used since the container started, in nanoseconds, summed over all CPUs.
    public var cpuNanoseconds: UInt64
    /// Memory in use now, in bytes, without the page cache the kernel can reclaim at once
    /// (Docker's MEM USAGE).
    public var memoryBytes: UInt64

    /// Creates a reading.
    public init(cpuNanoseconds: UInt64, memoryBytes: UInt64) {
        self.cpuNanoseconds = cpuNanoseconds
        self.memoryBytes = memoryBytes
    }
}

/// A runtime failure, classified as ECS reports them.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
    /// The step that failed.
    public enum Code: String, Sendable {
        /// The image could not be pulled (`CannotPullContainerError`).
        case pull = "CannotPullContainerError"
        /// The container could not be created (`CannotCreateContainerError`).
        case create = "CannotCreateContainerError"
        /// The container could not be started (`CannotStartContainerError`).
        case start = "CannotStartContainerError"
        /// The container could not be stopped (`CannotStopContainerError`).
        case stop = "CannotStopContainerError"
        /// The container does not exist.
        case notFound = "ContainerNotFound"
        /// The runtime could not be reached or answered unexpectedly.
        case runtime = "DockerError"
    }

    public var code: Code
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// ECS's wording: `CannotPullContainerError: <message>`.
    public var description: String { "\(code.rawValue): \(message)" }
}

/// What to create: one container of a task, in the runtime's terms.
public struct ContainerSpec: Sendable, Equatable {
    /// A volume or host path mounted into the container.
    public struct Mount: Sendable, Equatable {
        /// A host path, or the name of a runtime-managed volume.
        public var source: String
        public var target: String
        public var readOnly: Bool
        /// Whether `source` is a named volume rather than a host path.
        public var isVolume: Bool

        /// Creates a mount.
        public init(source: String, target: String, readOnly: Bool, isVolume: Bool) {
            self.source = source
            self.target = target
            self.readOnly = readOnly
            self.isVolume = isVolume
        }
    }

    /// A port to publish; a nil host port is chosen by the runtime.
    public struct Port: Sendable, Equatable {
        public var containerPort: Int
        public var hostPort: Int?
        public var transport: String

        /// Creates a port.
        public init(containerPort: Int, hostPort: Int?, transport: String) {
            self.containerPort = containerPort
            self.hostPort = hostPort
            self.transport = transport
        }
    }

    /// A resource limit.
    public struct Ulimit: Sendable, Equatable {
        public var name: String
        public var soft: Int
        public var hard: Int

        /// Creates a limit.
        public init(name: String, soft: Int, hard: Int) {
            self.name = name
            self.soft = soft
            self.hard = hard
        }
    }

    /// Docker's health check, with durations in seconds.
    public struct HealthCheck: Sendable, Equatable {
        public var test: [String]
        public var interval: Int
        public var timeout: Int
        public var retries: Int
        public var startPeriod: Int

        /// Creates a health check.
        public init(test: [String], interval: Int, timeout: Int, retries: Int, startPeriod: Int) {
            self.test = test
            self.interval = interval
            self.timeout = timeout
            self.retries = retries
            self.startPeriod = startPeriod
        }
    }

    /// The runtime's name for the container.
    public var name: String
    public var image: String
    public var labels: [String: String]
    public var environment: [String]
    public var entryPoint: [String]?
    public var command: [String]?
    public var workingDirectory: String?
    public var user: String?
    public var hostname: String?
    /// `bridge`, `host` or `none`.
    public var networkMode: String
    public var ports: [Port]
    /// The host address published ports bind to.
    public var hostPortAddress: String
    public var mounts: [Mount]
    /// Container ids (or names) whose volumes are mounted, with `:ro` when read-only.
    public var volumesFrom: [String]
    /// `name:alias` links to other containers of the task (bridge mode).
    public var links: [String]
    public var cpuShares: Int
    /// Hard and soft memory limits in MiB.
    public var memoryMiB: Int?
    public var memoryReservationMiB: Int?
    public var privileged: Bool
    public var readonlyRootFilesystem: Bool
    /// Runs an init process (Docker's `--init`) as PID 1 that forwards signals and reaps
    /// children (`linuxParameters.initProcessEnabled`).
    public var initProcessEnabled: Bool
    public var extraHosts: [String]
    public var dnsServers: [String]
    public var ulimits: [Ulimit]
    public var healthCheck: HealthCheck?
    public var stopTimeoutSeconds: Int
    public var logDriver: String?
    public var logOptions: [String: String]

    /// Creates a specification.
    public init(
        name: String, image: String, labels: [String: String] = [:], environment: [String] = [],
        entryPoint: [String]? = nil, command: [String]? = nil, workingDirectory: String? = nil, user: String? = nil,
        hostname: String? = nil, networkMode: String = "bridge", ports: [Port] = [], hostPortAddress: String = "0.0.0.0",
        mounts: [Mount] = [], volumesFrom: [String] = [], links: [String] = [], cpuShares: Int = 2,
        memoryMiB: Int? = nil, memoryReservationMiB: Int? = nil, privileged: Bool = false,
        readonlyRootFilesystem: Bool = false, initProcessEnabled: Bool = false, extraHosts: [String] = [], dnsServers: [String] = [],
        ulimits: [Ulimit] = [], healthCheck: HealthCheck? = nil,
        stopTimeoutSeconds: Int = 30, logDriver: String? = nil, logOptions: [String: String] = [:]
    ) {
        self.name = name
        self.image = image
        self.labels = labels
        self.environment = environment
        self.entryPoint = entryPoint
        self.command = command
        self.workingDirectory = workingDirectory
        self.user = user
        self.hostname = hostname
        self.networkMode = networkMode
        self.ports = ports
        self.hostPortAddress = hostPortAddress
        self.mounts = mounts
        self.volumesFrom = volumesFrom
        self.links = links
        self.cpuShares = cpuShares
        self.memoryMiB = memoryMiB
        self.memoryReservationMiB = memoryReservationMiB
        self.privileged = privileged
        self.readonlyRootFilesystem = readonlyRootFilesystem
        self.initProcessEnabled = initProcessEnabled
        self.extraHosts = extraHosts
        self.dnsServers = dnsServers
        self.ulimits = ulimits
        self.healthCheck = healthCheck
        self.stopTimeoutSeconds = stopTimeoutSeconds
        self.logDriver = logDriver
        self.logOptions = logOptions
    }
}
