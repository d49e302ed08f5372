import Foundation

/// Admiral's own agent operations, beside the ECS ones the agent also calls
/// (RegisterContainerInstance, SubmitTaskStateChange, SubmitContainerStateChange).
///
/// They travel like ECS's: awsJson 1.1, SigV4-signed for the `ecs` service, on the same
/// endpoint, with `X-Amz-Target: AdmiralAgentV1.<Operation>`.
public enum AgentProtocol {
    /// The `X-Amz-Target` prefix of the agent operations.
    public static let targetPrefix = "AdmiralAgentV1"
    /// The long poll for an instance's desired tasks; it is also the agent's heartbeat.
    public static let pollOperation = "PollDesiredState"
    /// Container health, which ECS's state-change calls have no member for.
    public static let healthOperation = "SubmitContainerHealth"
    /// What the instance's running tasks use, measured every metrics interval, for
    /// CloudWatch's CPUUtilization and MemoryUtilization.
    public static let usageOperation = "SubmitTaskUsage"
    /// The longest a poll is held open before the server answers with what it has.
    public static let maximumPollWaitSeconds = 60.0
}

/// `AdmiralAgentV1.PollDesiredState` input.
public struct PollDesiredStateRequest: Codable, Sendable, Hashable {
    /// The cluster name or ARN.
    public var cluster: String
    /// The instance the agent registered.
    public var containerInstanceArn: String
    /// The desired-state version the agent last saw; the server answers at once when the
    /// instance's is different, else when it changes or after `waitSeconds`.
    public var knownVersion: Int?
    /// How long the server may hold the poll (at most `maximumPollWaitSeconds`).
    public var waitSeconds: Double?

    /// Creates a request.
    public init(cluster: String, containerInstanceArn: String, knownVersion: Int?, waitSeconds: Double?) {
        self.cluster = cluster
        self.containerInstanceArn = containerInstanceArn
        self.knownVersion = knownVersion
        self.waitSeconds = waitSeconds
    }
}

/// `AdmiralAgentV1.PollDesiredState` output: every task the instance should know about.
public struct PollDesiredStateResponse: Codable, Sendable, Hashable {
    /// The version of this desired state; pass it back as `knownVersion`.
    public var version: Int
    /// The container instance's status (`ACTIVE`, `DRAINING`, `INACTIVE`).
    public var instanceStatus: String
    /// The instance's tasks that are not STOPPED on the server. A local container whose
    /// task is not listed, or is listed with desired status STOPPED, is to be stopped.
    public var tasks: [AgentTask]

    /// Creates a response.
    public init(version: Int, instanceStatus: String, tasks: [AgentTask]) {
        self.version = version
        self.instanceStatus = instanceStatus
        self.tasks = tasks
    }
}

/// One task as the agent needs it to run: what to run and what is wanted of it.
public struct AgentTask: Codable, Sendable, Hashable {
    public var taskArn: String
    public var family: String
    public var revision: Int
    /// `RUNNING` or `STOPPED`.
    public var desiredStatus: String
    /// What the server last recorded.
    public var lastStatus: String
    /// `bridge` (default), `host` or `none`.
    public var networkMode: String?
    /// The task definition's containers with the run's overrides applied.
    public var containers: [ECS.ContainerDefinition]
    /// The task definition's volumes.
    public var volumes: [ECS.Volume]?
    /// Task-level CPU units and memory (MiB), when the definition sets them.
    public var cpu: Int?
    public var memory: Int?
    /// The task's version on the server.
    public var version: Int

    /// Creates a task description.
    public init(
        taskArn: String, family: String, revision: Int, desiredStatus: String, lastStatus: String,
        networkMode: String?, containers: [ECS.ContainerDefinition], volumes: [ECS.Volume]?, cpu: Int?,
        memory: Int?, version: Int
    ) {
        self.taskArn = taskArn
        self.family = family
        self.revision = revision
        self.desiredStatus = desiredStatus
        self.lastStatus = lastStatus
        self.networkMode = networkMode
        self.containers = containers
        self.volumes = volumes
        self.cpu = cpu
        self.memory = memory
        self.version = version
    }
}

/// `AdmiralAgentV1.SubmitContainerHealth` input: the health of a task's containers that
/// have a health check, as Docker reports it.
public struct SubmitContainerHealthRequest: Codable, Sendable, Hashable {
    public var cluster: String
    public var task: String
    public var containers: [ContainerHealth]

    /// One container's health.
    public struct ContainerHealth: Codable, Sendable, Hashable {
        public var containerName: String
        /// `HEALTHY`, `UNHEALTHY` or `UNKNOWN`.
        public var healthStatus: String

        /// Creates a report.
        public init(containerName: String, healthStatus: String) {
            self.containerName = containerName
            self.healthStatus = healthStatus
        }
    }

    /// Creates a request.
    public init(cluster: String, task: String, containers: [ContainerHealth]) {
        self.cluster = cluster
        self.task = task
        self.containers = containers
    }
}

/// `AdmiralAgentV1.SubmitContainerHealth` output.
public struct SubmitContainerHealthResponse: Codable, Sendable, Hashable {
    public var acknowledgment: String?

    /// Creates a response.
    public init(acknowledgment: String? = "ACK") { self.acknowledgment = acknowledgment }
}

/// `AdmiralAgentV1.SubmitTaskUsage` input: the CPU and memory each running task of an
/// instance used over the agent's last metrics interval, from the runtime's statistics.
public struct SubmitTaskUsageRequest: Codable, Sendable, Hashable {
    /// The cluster name or ARN.
    public var cluster: String
    /// The instance the agent registered.
    public var containerInstanceArn: String
    /// The tasks measured; a task whose containers were not all measured twice yet is left out.
    public var tasks: [TaskUsage]
    /// When the agent took the measurements.
    public var measuredAt: Date

    /// What one task used.
    public struct TaskUsage: Codable, Sendable, Hashable {
        /// The task's ARN, as the poll gave it.
        public var taskArn: String
        /// CPU units in use (1,024 to a core), averaged over the interval: the CPU time
        /// of the task's containers over the wall time between two readings.
        public var cpuUnits: Double
        /// Memory in use by the task's containers now, in MiB, page cache excluded as
        /// `docker stats` excludes it.
        public var memoryMiB: Double

        /// Creates a measurement.
        public init(taskArn: String, cpuUnits: Double, memoryMiB: Double) {
            self.taskArn = taskArn
            self.cpuUnits = cpuUnits
            self.memoryMiB = memoryMiB
        }
    }

    /// Creates a request.
    public init(cluster: String, containerInstanceArn: String, tasks: [TaskUsage], measuredAt: Date) {
        self.cluster = cluster
        self.containerInstanceArn = containerInstanceArn
        self.tasks = tasks
        self.measuredAt = measuredAt
    }
}

/// `AdmiralAgentV1.SubmitTaskUsage` output.
public struct SubmitTaskUsageResponse: Codable, Sendable, Hashable {
    public var acknowledgment: String?

    /// Creates a response.
    public init(acknowledgment: String? = "ACK") { self.acknowledgment = acknowledgment }
}
