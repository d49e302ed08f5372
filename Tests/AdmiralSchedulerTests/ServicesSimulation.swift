import AdmiralModel
import AdmiralScheduler
import Foundation

/// A simulated control plane and cluster for the service reconciler's tests: it
/// performs plans the way the async layer will (creating tasks, setting desired
/// statuses, writing deployments and events) and moves tasks through their lifecycle
/// the way agents would, on a manual clock. Not a stand-in for the real layer.
struct ServiceSimulation {
    var state: ServiceState
    var now: Date
    /// How many tasks of the service fit on one instance (placement stand-in).
    var slotsPerInstance: Int
    var nextTaskNumber = 1
    /// Every plan performed, oldest first.
    var plans: [ServicePlan] = []

    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)
    static let taskDefinitionV1 = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1"
    static let taskDefinitionV2 = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:2"
    static let oldId = "ecs-svc/1111111111111111111"
    static let newId = "ecs-svc/2222222222222222222"

    init(state: ServiceState, now: Date = ServiceSimulation.epoch, slotsPerInstance: Int = 100) {
        self.state = state
        self.now = now
        self.slotsPerInstance = slotsPerInstance
    }

    static func instanceArn(_ name: String) -> String {
        "arn:aws:ecs:us-east-1:000000000000:container-instance/default/\(name)"
    }

    static func instances(_ count: Int, zones: [String] = ["us-east-1a", "us-east-1b", "us-east-1c"])
        -> [ServiceInstance]
    {
        (0..<count).map { number in
            ServiceInstance(
                arn: instanceArn(String(format: "%032x", 0xC000 + number)),
                availabilityZone: zones[number % zones.count])
        }
    }

    /// A service whose only deployment completed long ago with `running` healthy tasks.
    static func steady(
        _ service: ServiceSpec, running: Int, instances: [ServiceInstance] = instances(3),
        slotsPerInstance: Int = 100
    ) -> ServiceSimulation {
        let deployment = ServiceDeployment(
            id: oldId, status: .primary, taskDefinition: taskDefinitionV1, createdAt: epoch.addingTimeInterval(-7200),
            rolloutState: .completed, rolloutStateReason: ServiceMessages.completedReason(deployment: oldId),
            desiredCount: running, runningCount: running)
        var simulation = ServiceSimulation(
            state: ServiceState(service: service, deployments: [deployment], instances: instances),
            slotsPerInstance: slotsPerInstance)
        for _ in 0..<running {
            simulation.addTask(deployment: oldId, status: .running, startedAt: epoch.addingTimeInterval(-3600))
        }
        simulation.makeAllHealthy()
        return simulation
    }

    /// Starts a new deployment, as UpdateService does: the new one PRIMARY, the old ACTIVE.
    mutating func deploy(id: String = ServiceSimulation.newId, taskDefinition: String = taskDefinitionV2) {
        for index in state.deployments.indices where state.deployments[index].status == .primary {
            state.deployments[index].status = .active
        }
        state.deployments.append(
            ServiceDeployment(
                id: id, status: .primary, taskDefinition: taskDefinition, createdAt: now,
                desiredCount: state.service.desiredCount))
    }

    @discardableResult
    mutating func addTask(
        deployment: String, status: ServiceTask.Status, startedAt: Date? = nil, instance: String? = nil
    ) -> String {
        let arn = "arn:aws:ecs:us-east-1:000000000000:task/default/" + String(format: "%032x", nextTaskNumber)
        nextTaskNumber += 1
        let target = instance ?? leastLoadedInstance()?.arn ?? state.instances.first?.arn ?? "none"
        state.tasks.append(
            ServiceTask(
                taskArn: arn, deploymentId: deployment, containerInstanceArn: target, lastStatus: status,
                startedAt: startedAt))
        return arn
    }

    func leastLoadedInstance() -> ServiceInstance? {
        let candidates = state.instances.filter { $0.status == .active && $0.agentConnected }
            .filter { load(on: $0.arn) < slotsPerInstance }
        return candidates.min { load(on: $0.arn) < load(on: $1.arn) }
    }

    func load(on arn: String) -> Int {
        state.tasks.filter { $0.containerInstanceArn == arn && $0.isOccupying }.count
    }

    // MARK: - Performing plans

    /// Reconciles and performs the plan.
    @discardableResult
    mutating func step() -> ServicePlan {
        let plan = ServiceReconciler.reconcile(state, now: now)
        perform(plan)
        return plan
    }

    mutating func perform(_ plan: ServicePlan) {
        plans.append(plan)
        for action in plan.actions {
            switch action {
            case .startTasks(let start): place(start)
            case .stopTask(let stop):
                if let index = state.tasks.firstIndex(where: { $0.taskArn == stop.taskArn }) {
                    state.tasks[index].desiredStatus = .stopped
                    state.tasks[index].stopCause = stop.cause
                }
            case .updateDeployment(let change):
                if let index = state.deployments.firstIndex(where: { $0.id == change.deployment.id }) {
                    state.deployments[index] = change.deployment
                }
                for arn in change.acknowledgedTaskArns {
                    if let index = state.tasks.firstIndex(where: { $0.taskArn == arn }) {
                        state.tasks[index].circuitBreakerAcknowledged = true
                    }
                }
            case .setDesiredCount(let count): state.service.desiredCount = count
            case .recordEvent(let event): state.events = ServiceEventLog.appending([event], to: state.events)
            }
        }
    }

    /// Places a start like the placement engine would, then reports the outcome.
    mutating func place(_ start: StartTasks) {
        var started: [String] = []
        var closest: PlacementFailure?
        for _ in 0..<start.count {
            let target: ServiceInstance?
            if let arn = start.containerInstanceArn {
                target = state.instances.first { $0.arn == arn }
            } else {
                target = leastLoadedInstance()
            }
            guard let target, load(on: target.arn) < slotsPerInstance else {
                closest = PlacementFailure(instanceId: state.instances.first?.arn, reason: .memory)
                break
            }
            started.append(addTask(deployment: start.deploymentId, status: .provisioning, instance: target.arn))
        }
        let outcome = ServiceReconciler.placementOutcome(
            state, start: start, startedTaskArns: started, unplacedCount: start.count - started.count,
            closest: closest, now: now)
        perform(outcome)
    }

    // MARK: - The agents and load balancer

    mutating func advance(_ seconds: TimeInterval) { now = now.addingTimeInterval(seconds) }

    /// Every task the agents would move: wanted PENDING tasks start, tasks desired STOPPED stop.
    mutating func agentsConverge() {
        for index in state.tasks.indices {
            let task = state.tasks[index]
            if task.desiredStatus == .stopped && task.lastStatus != .stopped {
                state.tasks[index].lastStatus = .stopped
            } else if task.isWanted && task.lastStatus < .running {
                state.tasks[index].lastStatus = .running
                state.tasks[index].startedAt = now
            }
        }
        dropForgottenTasks()
    }

    /// Drops the STOPPED tasks the store would no longer give the reconciler.
    mutating func dropForgottenTasks() {
        let watched = state.primary.flatMap { $0.rolloutState == .inProgress ? $0.id : nil }
        state.tasks.removeAll {
            $0.lastStatus == .stopped && ($0.circuitBreakerAcknowledged || $0.deploymentId != watched)
        }
    }

    func isPrimaryTask(_ task: ServiceTask) -> Bool {
        state.primary?.id == task.deploymentId && state.primary?.rolloutState == .inProgress
    }

    mutating func makeAllHealthy() {
        for index in state.tasks.indices where state.tasks[index].lastStatus == .running {
            state.tasks[index].containerHealth = .healthy
            state.tasks[index].targetHealth = .healthy
        }
    }

    /// Tasks of a deployment that are PENDING or RUNNING and wanted.
    func wanted(_ deployment: String) -> [ServiceTask] {
        state.tasks.filter { $0.deploymentId == deployment && $0.isWanted }
    }

    func deployment(_ id: String) -> ServiceDeployment? { state.deployments.first { $0.id == id } }

    /// Messages recorded so far, oldest first.
    var messages: [String] { state.events.reversed().map(\.message) }
}
