import Foundation

/// One task of a service as the service reconciler sees it: a read-only copy of the
/// store's record.
public struct ServiceTask: Sendable, Hashable {
    /// A task's lifecycle status, in ECS's order, so progress is `<`.
    public enum Status: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
        /// Resources (network interfaces, volumes) are being prepared.
        case provisioning
        /// Waiting for the agent to start it.
        case pending
        /// Started containers are being attached (load balancers, service discovery).
        case activating
        /// Running.
        case running
        /// Being detached from load balancers and service discovery before its stop.
        case deactivating
        /// Its containers are being stopped.
        case stopping
        /// Its resources are being released.
        case deprovisioning
        /// Stopped.
        case stopped

        /// The status as ECS spells it on the wire.
        public var name: String {
            switch self {
            case .provisioning: "PROVISIONING"
            case .pending: "PENDING"
            case .activating: "ACTIVATING"
            case .running: "RUNNING"
            case .deactivating: "DEACTIVATING"
            case .stopping: "STOPPING"
            case .deprovisioning: "DEPROVISIONING"
            case .stopped: "STOPPED"
            }
        }

        /// The status of an ECS wire name, or nil when it is not one.
        public init?(name: String) {
            guard let status = Self.allCases.first(where: { $0.name == name }) else { return nil }
            self = status
        }

        /// The wire name.
        public var description: String { name }

        /// Whether lhs comes earlier in the lifecycle than rhs.
        public static func < (lhs: Status, rhs: Status) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The health the agent reports for the task's essential containers that have a
    /// health check (`healthStatus` on the wire).
    public enum ContainerHealth: String, Sendable, Hashable, CaseIterable {
        /// Every essential container with a health check passes it.
        case healthy = "HEALTHY"
        /// An essential container fails its health check.
        case unhealthy = "UNHEALTHY"
        /// No result yet.
        case unknown = "UNKNOWN"
    }

    /// The state of the task's targets in its service's target groups, as the load
    /// balancer reports it (the worst of them when there are several).
    public enum TargetHealth: String, Sendable, Hashable, CaseIterable {
        /// Registered and passing the target group's health check.
        case healthy
        /// Registered and failing it.
        case unhealthy
        /// Registered, first health checks still running.
        case initial
        /// Being deregistered.
        case draining
        /// Not registered (yet), or the service has no load balancer.
        case none
    }

    /// Why a stopped (or stopping) task stopped, as far as the service scheduler cares.
    public enum StopCause: String, Sendable, Hashable, CaseIterable {
        /// It never reached RUNNING (image pull, resource initialization, agent error).
        case failedToStart
        /// An essential container exited after the task started.
        case essentialContainerExited
        /// The service scheduler stopped it because it failed its health checks.
        case failedHealthChecks
        /// The service scheduler stopped it (scaling, deployment, draining, daemon placement).
        case scheduler
        /// Someone called StopTask.
        case user
        /// Its container instance was lost or deregistered.
        case instanceLost
    }

    /// The task ARN: `arn:aws:ecs:<region>:<account>:task/<cluster>/<32-hex id>`.
    public var taskArn: String
    /// The `ecs-svc/<19 digits>` deployment the task belongs to (its `startedBy`).
    public var deploymentId: String
    /// The container instance ARN the task is placed on.
    public var containerInstanceArn: String
    /// The last status the agent reported.
    public var lastStatus: Status
    /// The status the control plane wants (RUNNING or STOPPED).
    public var desiredStatus: Status
    /// When the task reached RUNNING; nil when it never did.
    public var startedAt: Date?
    /// Why it stopped or is stopping, once known.
    public var stopCause: StopCause?
    /// The health of its essential containers with a health check.
    public var containerHealth: ContainerHealth
    /// The health of its load balancer targets.
    public var targetHealth: TargetHealth
    /// Whether the deployment circuit breaker already took this task into account (as a
    /// failure, or as a healthy task that reset the failure count). The async layer
    /// stores what `DeploymentChange.acknowledgedTaskArns` tells it, so that a restart
    /// never counts a task twice.
    public var circuitBreakerAcknowledged: Bool

    /// Creates the reconciler's view of a task.
    public init(
        taskArn: String,
        deploymentId: String,
        containerInstanceArn: String,
        lastStatus: Status,
        desiredStatus: Status = .running,
        startedAt: Date? = nil,
        stopCause: StopCause? = nil,
        containerHealth: ContainerHealth = .unknown,
        targetHealth: TargetHealth = .none,
        circuitBreakerAcknowledged: Bool = false
    ) {
        self.taskArn = taskArn
        self.deploymentId = deploymentId
        self.containerInstanceArn = containerInstanceArn
        self.lastStatus = lastStatus
        self.desiredStatus = desiredStatus
        self.startedAt = startedAt
        self.stopCause = stopCause
        self.containerHealth = containerHealth
        self.targetHealth = targetHealth
        self.circuitBreakerAcknowledged = circuitBreakerAcknowledged
    }

    /// The task's 32-hex id: the last component of its ARN, as service events name it.
    public var taskId: String { Self.lastComponent(taskArn) }

    /// Whether the task is PENDING or RUNNING in the sense of `maximumPercent`: its
    /// last status has not gone past RUNNING, whatever its desired status.
    public var isOccupying: Bool { lastStatus <= .running }

    /// Whether the task waits in PROVISIONING for capacity, on no instance yet.
    public var isWaitingForCapacity: Bool { containerInstanceArn.isEmpty && lastStatus == .provisioning }

    /// Whether the service still wants the task: desired RUNNING and not gone past RUNNING.
    public var isWanted: Bool { desiredStatus == .running && lastStatus <= .running }

    /// Whether a stop was asked for but the agent still reports the task PENDING or RUNNING.
    public var isStopInFlight: Bool { desiredStatus > .running && lastStatus <= .running }

    /// The last `/`-separated component of an ARN (a task or container instance id).
    public static func lastComponent(_ arn: String) -> String {
        arn.split(separator: "/").last.map(String.init) ?? arn
    }
}
