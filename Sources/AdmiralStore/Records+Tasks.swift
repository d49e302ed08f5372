import AdmiralModel
import Foundation

/// A task as the store keeps it: the indexed facts beside the whole wire shape.
public struct TaskRecord: Sendable, Equatable, Codable {
    public var cluster: String
    /// The 32-hex id of its ARN.
    public var id: String
    /// The container instance it was placed on; empty while it waits in PROVISIONING for
    /// capacity (see `isPlaced`).
    public var containerInstanceId: String
    public var family: String
    public var revision: Int
    public var lastStatus: TaskStatus
    public var desiredStatus: TaskStatus
    /// `family:<name>`, `service:<name>` or the group the caller gave.
    public var group: String
    public var startedBy: String?
    /// What it holds on its instance until it is STOPPED.
    public var reservation: TaskReservation
    public var createdAt: Date
    /// ECS's task version, incremented on every change.
    public var version: Int
    /// The wire shape; ARNs that depend on the request's region are filled in on read.
    public var task: ECS.Task
    /// The containers' definitions with the run's overrides applied: what the agent runs.
    public var containerDefinitions: [ECS.ContainerDefinition]
    /// Why the service scheduler stopped the task (its reconciler's stop cause), when it did.
    public var serviceStopCause: String?
    /// Whether the deployment circuit breaker has counted this stopped task.
    public var circuitBreakerAcknowledged: Bool?
    /// The load balancer targets the service scheduler registered for the task and has
    /// not deregistered, so that a target the task no longer listens on (its container
    /// was recreated on another host port) is taken out at once.
    public var loadBalancerTargets: [TaskTarget]?
    /// How a task waiting in PROVISIONING for capacity is to be placed when room appears;
    /// nil for a task placed when it was created, and once placed.
    public var waitingPlacement: WaitingPlacement?

    /// Creates a record.
    public init(
        cluster: String, id: String, containerInstanceId: String, family: String, revision: Int,
        lastStatus: TaskStatus, desiredStatus: TaskStatus, group: String, startedBy: String?,
        reservation: TaskReservation, createdAt: Date, version: Int = 1, task: ECS.Task,
        containerDefinitions: [ECS.ContainerDefinition]
    ) {
        self.cluster = cluster
        self.id = id
        self.containerInstanceId = containerInstanceId
        self.family = family
        self.revision = revision
        self.lastStatus = lastStatus
        self.desiredStatus = desiredStatus
        self.group = group
        self.startedBy = startedBy
        self.reservation = reservation
        self.createdAt = createdAt
        self.version = version
        self.task = task
        self.containerDefinitions = containerDefinitions
    }

    /// Whether the task is on a container instance: false while it waits in PROVISIONING
    /// for capacity (its capacity provider's instances had no room when it was created).
    public var isPlaced: Bool { !containerInstanceId.isEmpty }

    /// The service that owns the task, from its `service:<name>` group.
    public var serviceName: String? {
        group.hasPrefix("service:") ? String(group.dropFirst("service:".count)) : nil
    }
}

/// How a task that waits in PROVISIONING is placed once its capacity provider has room:
/// the placement strategy and constraints of the RunTask call or service that made it, as
/// given (the task definition's own constraints and required attributes are read again).
public struct WaitingPlacement: Sendable, Equatable, Codable {
    /// The strategy as given; nil or empty takes the defaults below.
    public var placementStrategy: [ECS.PlacementStrategy]?
    /// The constraints as given.
    public var placementConstraints: [ECS.PlacementConstraint]?
    /// Whether an empty strategy means the services' default (spread over zones, then
    /// instances) rather than RunTask's (random).
    public var serviceDefaults: Bool

    /// Creates a waiting placement.
    public init(
        placementStrategy: [ECS.PlacementStrategy]?, placementConstraints: [ECS.PlacementConstraint]?,
        serviceDefaults: Bool
    ) {
        self.placementStrategy = placementStrategy
        self.placementConstraints = placementConstraints
        self.serviceDefaults = serviceDefaults
    }
}

/// One target of a task in a target group: an instance id (or address) and a port.
public struct TaskTarget: Sendable, Hashable, Codable {
    /// The target group the target is registered with.
    public var targetGroupArn: String
    /// The EC2 instance id, or the IP address of an `ip` target group.
    public var id: String
    /// The host port.
    public var port: Int

    /// Creates a target.
    public init(targetGroupArn: String, id: String, port: Int) {
        self.targetGroupArn = targetGroupArn
        self.id = id
        self.port = port
    }
}

/// Which tasks a listing returns; nil members do not filter.
public struct TaskFilter: Sendable, Hashable {
    public var cluster: String
    public var containerInstanceId: String?
    public var family: String?
    public var startedBy: String?
    public var serviceName: String?
    /// RUNNING lists tasks desired RUNNING (or PENDING); STOPPED, tasks desired STOPPED.
    public var desiredStatus: TaskStatus?

    /// Creates a filter.
    public init(
        cluster: String, containerInstanceId: String? = nil, family: String? = nil, startedBy: String? = nil,
        serviceName: String? = nil, desiredStatus: TaskStatus? = nil
    ) {
        self.cluster = cluster
        self.containerInstanceId = containerInstanceId
        self.family = family
        self.startedBy = startedBy
        self.serviceName = serviceName
        self.desiredStatus = desiredStatus
    }
}

/// A position in a keyset-paginated list of tasks.
public struct TaskCursor: Sendable, Hashable, Codable {
    public var id: String

    /// Creates a cursor.
    public init(id: String) { self.id = id }
}

/// What a placement decides inside the store transaction that creates tasks: the
/// cluster's instances as they stand, in, and the tasks to create, out.
public struct PlacementOutcome: Sendable {
    /// The tasks to create; each holds its reservation on its instance from the commit on.
    public var tasks: [TaskRecord]
    /// Why the rest could not be placed.
    public var failures: [ECS.Failure]

    /// Creates an outcome.
    public init(tasks: [TaskRecord], failures: [ECS.Failure]) {
        self.tasks = tasks
        self.failures = failures
    }
}
