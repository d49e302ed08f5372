import AdmiralModel
import Foundation

/// What the service reconciler decided: the actions the async layer performs, in order.
public struct ServicePlan: Sendable, Hashable {
    /// The actions.
    public var actions: [ServiceAction]
    /// When the plan may change although nothing in the input does (a task's health
    /// settling, a grace period ending, the steady-state message coming due); nil when
    /// only a change of the input can change it. The async layer reconciles again then.
    public var revisitAt: Date?

    /// Creates a plan.
    public init(actions: [ServiceAction] = [], revisitAt: Date? = nil) {
        self.actions = actions
        self.revisitAt = revisitAt
    }

    /// Whether there is nothing to do.
    public var isEmpty: Bool { actions.isEmpty }

    /// The task starts.
    public var starts: [StartTasks] {
        actions.compactMap { if case .startTasks(let start) = $0 { start } else { nil } }
    }

    /// How many tasks the plan starts.
    public var startedCount: Int { starts.reduce(0) { $0 + $1.count } }

    /// The task stops.
    public var stops: [StopTask] {
        actions.compactMap { if case .stopTask(let stop) = $0 { stop } else { nil } }
    }

    /// The deployment changes.
    public var deploymentChanges: [DeploymentChange] {
        actions.compactMap { if case .updateDeployment(let change) = $0 { change } else { nil } }
    }

    /// The events to record, oldest first.
    public var events: [ServiceEvent] {
        actions.compactMap { if case .recordEvent(let event) = $0 { event } else { nil } }
    }
}

/// One thing the async layer does for the service.
public enum ServiceAction: Sendable, Hashable {
    /// Place and start tasks (through the placement engine for REPLICA; on the named
    /// instance for DAEMON), then report the outcome to
    /// `ServiceReconciler.placementOutcome`.
    case startTasks(StartTasks)
    /// Set a task's desired status to STOPPED with a reason.
    case stopTask(StopTask)
    /// Write a deployment's new state.
    case updateDeployment(DeploymentChange)
    /// Set the service's desired count (DAEMON: the number of eligible instances).
    case setDesiredCount(Int)
    /// Add an event to the service's event log (see `ServiceEventLog`).
    case recordEvent(ServiceEvent)
}

/// Start `count` tasks of a deployment.
public struct StartTasks: Sendable, Hashable {
    /// The deployment the tasks belong to (their `startedBy`).
    public var deploymentId: String
    /// The task definition they run.
    public var taskDefinition: String
    /// How many.
    public var count: Int
    /// For DAEMON services, the container instance to start the task on.
    public var containerInstanceArn: String?

    /// Creates a start.
    public init(deploymentId: String, taskDefinition: String, count: Int, containerInstanceArn: String? = nil) {
        self.deploymentId = deploymentId
        self.taskDefinition = taskDefinition
        self.count = count
        self.containerInstanceArn = containerInstanceArn
    }
}

/// Stop one task.
public struct StopTask: Sendable, Hashable {
    /// The task ARN.
    public var taskArn: String
    /// The task's `stoppedReason`, in ECS's wording.
    public var reason: String
    /// The task's `stopCode`.
    public var stopCode: ECS.TaskStopCode
    /// Why, for the reconciler's next pass (store it as the task's `stopCause`).
    public var cause: ServiceTask.StopCause

    /// Creates a stop.
    public init(
        taskArn: String, reason: String, stopCode: ECS.TaskStopCode = .serviceSchedulerInitiated,
        cause: ServiceTask.StopCause = .scheduler
    ) {
        self.taskArn = taskArn
        self.reason = reason
        self.stopCode = stopCode
        self.cause = cause
    }
}

/// A deployment's new state: the whole record as it should be stored.
public struct DeploymentChange: Sendable, Hashable {
    /// The deployment with its new status, rollout state, counts and `updatedAt`.
    public var deployment: ServiceDeployment
    /// Tasks the circuit breaker has now taken into account; store
    /// `circuitBreakerAcknowledged = true` on each.
    public var acknowledgedTaskArns: [String]

    /// Creates a change.
    public init(deployment: ServiceDeployment, acknowledgedTaskArns: [String] = []) {
        self.deployment = deployment
        self.acknowledgedTaskArns = acknowledgedTaskArns
    }
}
