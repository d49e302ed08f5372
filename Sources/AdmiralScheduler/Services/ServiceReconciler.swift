import AdmiralModel
import Foundation

/// The ECS service scheduler's decisions as pure functions: from a service's state and
/// the time, the plan of actions that moves it towards its desired state (see README.md
/// in this folder for the rules and where ECS documents them).
///
/// The reconciler is level-triggered: it derives everything from the state it is given,
/// keeps nothing between calls and reads no clock. Given the same state it returns the
/// same plan, so a control plane that crashed mid-deployment and reads its state back
/// continues exactly where it was; tasks it asked to start count as soon as the store
/// holds them (PROVISIONING or PENDING), so nothing is started twice. A converged state
/// gives an empty plan.
public enum ServiceReconciler {
    /// The plan for a service at `now`.
    public static func reconcile(_ state: ServiceState, now: Date) -> ServicePlan {
        var work = Reconciliation(state: state, now: now)
        guard work.primaryIndex != nil else { return ServicePlan() }
        work.evaluateCircuitBreaker(extraFailures: 0)
        switch state.service.schedulingStrategy {
        case .replica: work.planReplica()
        case .daemon: work.planDaemon()
        }
        work.recordStops()
        work.settleDeployments()
        return work.plan()
    }

    /// The events (and circuit breaker accounting) of one placement attempt the async
    /// layer made for a `StartTasks` action: "has started N tasks" for the tasks it
    /// created, and "was unable to place a task" naming the closest instance and what it
    /// lacked, throttled as ECS throttles repeated messages. Tasks that could not be
    /// launched count as failures of an IN_PROGRESS deployment watched by the circuit
    /// breaker ("a task is considered a failure if the service scheduler can't launch
    /// the task"), which may fail the deployment and roll it back.
    public static func placementOutcome(
        _ state: ServiceState, start: StartTasks, startedTaskArns: [String], unplacedCount: Int,
        closest: PlacementFailure?, now: Date
    ) -> ServicePlan {
        var work = Reconciliation(state: state, now: now)
        let name = state.service.name
        if !startedTaskArns.isEmpty {
            work.record(
                ServiceMessages.startedTasks(service: name, taskIds: startedTaskArns.map(ServiceTask.lastComponent)))
        }
        if unplacedCount > 0 {
            let message = ServiceMessages.unableToPlace(
                service: name, reason: closest?.reason ?? .noInstances,
                closestInstanceId: closest?.instanceId.map(ServiceTask.lastComponent))
            work.record(message)
        }
        if let primary = work.primaryIndex, work.deployments[primary].id == start.deploymentId {
            work.evaluateCircuitBreaker(extraFailures: unplacedCount)
        }
        work.emitDeploymentChanges()
        return ServicePlan(actions: work.actions + work.events.map(ServiceAction.recordEvent))
    }

    /// `placementOutcome` from the placement engine's plan: the closest instance is one
    /// whose failure got furthest through the engine's filters.
    public static func placementOutcome(
        _ state: ServiceState, start: StartTasks, startedTaskArns: [String], placement: PlacementPlan, now: Date
    ) -> ServicePlan {
        let furthest = placement.reason
        let closest =
            placement.failures.first { $0.reason == furthest && $0.instanceId != nil }
            ?? placement.failures.first
        return placementOutcome(
            state, start: start, startedTaskArns: startedTaskArns, unplacedCount: placement.unplacedCount,
            closest: closest, now: now)
    }

    /// The circuit breaker's failure threshold for a desired count: half of it, rounded
    /// up, kept between `circuitBreakerMinimumThreshold` and `circuitBreakerMaximumThreshold`.
    public static func circuitBreakerThreshold(desiredCount: Int) -> Int {
        let half = (max(0, desiredCount) + 1) / 2
        return min(circuitBreakerMaximumThreshold, max(circuitBreakerMinimumThreshold, half))
    }

    /// The smallest failure threshold (ECS API reference, ServiceDeploymentCircuitBreaker).
    public static let circuitBreakerMinimumThreshold = 3
    /// The largest failure threshold (same source).
    public static let circuitBreakerMaximumThreshold = 200
}

/// The working copy of one reconciliation: the state as the plan changes it, and the
/// actions and events decided so far.
struct Reconciliation {
    let state: ServiceState
    let now: Date
    var service: ServiceSpec { state.service }
    /// The deployments as the plan leaves them.
    var deployments: [ServiceDeployment]
    /// Tasks the circuit breaker took into account, per deployment id.
    var acknowledged: [String: [String]] = [:]
    /// Stops, starts and other task actions, in order.
    var actions: [ServiceAction] = []
    /// Events, oldest first.
    var events: [ServiceEvent] = []
    /// Task ARNs stopped by this plan.
    var stopped: Set<String> = []
    /// Ids of the tasks stopped by this plan, in order, for the "has stopped" event.
    var stoppedIds: [String] = []
    /// Ids of the tasks stopped by this plan that drain first because they are targets of
    /// a load balancer: "has begun draining connections" now; the async layer says "has
    /// stopped" once their targets have drained.
    var drainingIds: [String] = []
    /// The time at which the plan may change by itself.
    var revisitAt: Date?
    /// The number of eligible instances of a DAEMON service.
    var daemonDesired: Int?
    /// Whether the task placement is where the service wants it (set by the strategy pass).
    var tasksConverged = false
    /// Whether no task is between states (pending, settling, being stopped).
    var tasksQuiet = false

    let instances: [String: ServiceInstance]

    init(state: ServiceState, now: Date) {
        self.state = state
        self.now = now
        self.deployments = state.deployments
        var byArn: [String: ServiceInstance] = [:]
        for instance in state.instances { byArn[instance.arn] = instance }
        self.instances = byArn
    }

    /// The position of the PRIMARY deployment in `deployments`.
    var primaryIndex: Int? {
        deployments.indices.filter { deployments[$0].status == .primary }
            .max { deployments[$0].createdAt < deployments[$1].createdAt }
    }

    /// The desired count the PRIMARY deployment works towards.
    var desiredCount: Int { daemonDesired ?? service.desiredCount }

    /// The instance a task runs on, or nil when that instance is deregistered or unknown
    /// (the task is lost; the instance liveness controller stops it).
    func instance(of task: ServiceTask) -> ServiceInstance? {
        guard let instance = instances[task.containerInstanceArn], instance.status != .inactive else { return nil }
        return instance
    }

    /// Tasks PENDING or RUNNING on registered instances, and those waiting in
    /// PROVISIONING for capacity: the ones that count.
    var liveTasks: [ServiceTask] {
        state.tasks.filter { $0.isOccupying && ($0.isWaitingForCapacity || instance(of: $0) != nil) }
    }

    /// The health of a task now.
    func health(_ task: ServiceTask) -> TaskHealth { TaskHealth.of(task, service: service, now: now) }

    /// When a deployment was created (tasks of unknown deployments count as oldest).
    func createdAt(ofDeployment id: String) -> Date {
        deployments.first { $0.id == id }?.createdAt ?? .distantPast
    }

    /// Records an event unless ECS would throttle it.
    mutating func record(_ message: String) {
        let log = ServiceEventLog.appending(events, to: state.events)
        guard !ServiceEventLog.isThrottled(message, service: service.name, log: log, now: now) else { return }
        events.append(ServiceEvent(message: message, createdAt: now))
    }

    /// Notes a moment at which the plan may change by itself.
    mutating func revisit(at date: Date?) {
        guard let date, date > now else { return }
        revisitAt = min(revisitAt ?? date, date)
    }

    /// Stops tasks, with ECS's reason for each (see `recordStops` for the event).
    mutating func stop(_ tasks: [ServiceTask], deployment: String) {
        for task in tasks where !stopped.contains(task.taskArn) {
            stopped.insert(task.taskArn)
            if task.targetHealth == .none {
                stoppedIds.append(task.taskId)
            } else {
                drainingIds.append(task.taskId)
            }
            if health(task) == .unhealthy {
                let containerFails = service.hasContainerHealthChecks && task.containerHealth == .unhealthy
                let targetGroup = service.targetGroupArns.first ?? ""
                let reason =
                    containerFails
                    ? ServiceMessages.failedContainerHealthChecksReason
                    : ServiceMessages.failedELBHealthChecksReason(targetGroup: targetGroup)
                if containerFails {
                    record(ServiceMessages.failedContainerHealthChecks(service: service.name, taskId: task.taskId))
                }
                actions.append(.stopTask(StopTask(taskArn: task.taskArn, reason: reason, cause: .failedHealthChecks)))
            } else {
                actions.append(
                    .stopTask(
                        StopTask(taskArn: task.taskArn, reason: ServiceMessages.scalingActivity(deployment: deployment))
                    ))
            }
        }
    }

    /// One "has stopped N running tasks" event for the tasks the plan stops at once, and
    /// one "has begun draining connections on N tasks" for those that drain first.
    mutating func recordStops() {
        if !drainingIds.isEmpty {
            record(ServiceMessages.beganDraining(service: service.name, count: drainingIds.count))
            drainingIds = []
        }
        guard !stoppedIds.isEmpty else { return }
        record(ServiceMessages.stoppedTasks(service: service.name, taskIds: stoppedIds))
        stoppedIds = []
    }

    /// The plan: task actions, deployment changes, then events.
    func plan() -> ServicePlan {
        ServicePlan(actions: actions + events.map(ServiceAction.recordEvent), revisitAt: revisitAt)
    }
}
