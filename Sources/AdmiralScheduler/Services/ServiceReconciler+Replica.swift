import AdmiralModel
import Foundation

extension Reconciliation {
    /// REPLICA: keep `desiredCount` tasks of the PRIMARY deployment, replacing the tasks
    /// of older deployments, tasks on DRAINING instances and unhealthy tasks within the
    /// deployment configuration's bounds.
    ///
    /// - Starts never take the PENDING and RUNNING tasks (stops in flight included) above
    ///   floor(maximumPercent × desired / 100).
    /// - Tasks that must go are stopped, least useful first (not running, unhealthy,
    ///   settling, healthy), as the PRIMARY deployment's healthy tasks can take over: while
    ///   the healthy PRIMARY tasks plus the running leaving tasks exceed the desired count.
    /// - When the maximum leaves no room for the starts needed, leaving tasks are stopped
    ///   to make room, never taking the healthy tasks below
    ///   ceil(minimumHealthyPercent × desired / 100), and unhealthy ones one by one.
    /// - PENDING tasks on DRAINING instances, and PENDING tasks that are not needed, stop
    ///   at once.
    /// - A FAILED deployment (without rollback) starts nothing and replaces nothing, but a
    ///   lower desired count still stops its surplus tasks.
    mutating func planReplica() {
        guard let primaryIndex else { return }
        let primary = deployments[primaryIndex]
        let desired = service.desiredCount
        let minimumHealthy = ServiceSpec.minimumHealthy(percent: service.minimumHealthyPercent, desired: desired)
        let maximumTasks = ServiceSpec.maximumTasks(percent: service.maximumPercent, desired: desired)
        let live = liveTasks
        let wanted = live.filter(\.isWanted)
        var healthOf: [String: TaskHealth] = [:]
        for task in wanted { healthOf[task.taskArn] = health(task) }
        for task in live { revisit(at: TaskHealth.changesAt(task, service: service, now: now)) }
        let drainingArns = Set(state.instances.filter { $0.status == .draining }.map(\.arn))
        let onDraining = { (task: ServiceTask) in drainingArns.contains(task.containerInstanceArn) }

        let drainingPending = wanted.filter { onDraining($0) && healthOf[$0.taskArn] == .notRunning }
        let candidates = wanted.filter {
            $0.deploymentId == primary.id && !onDraining($0) && healthOf[$0.taskArn] != .unhealthy
        }
        let excessCount = max(0, candidates.count - desired)
        let excess =
            excessCount > 0
            ? Array(stopOrder(candidates, health: healthOf, population: wanted).prefix(excessCount)) : []
        let excessArns = Set(excess.map(\.taskArn))
        let keep = candidates.filter { !excessArns.contains($0.taskArn) }
        let keepArns = Set(keep.map(\.taskArn))
        let drainingPendingArns = Set(drainingPending.map(\.taskArn))
        let leaving = wanted.filter { !keepArns.contains($0.taskArn) && !drainingPendingArns.contains($0.taskArn) }
        let ordered = stopOrder(leaving, health: healthOf, population: wanted)
        let failed = primary.rolloutState == .failed

        stop(drainingPending, deployment: primary.id)
        // A FAILED deployment launches nothing and replaces nothing; it still scales in.
        let need = failed ? 0 : max(0, desired - keep.count)
        let stoppable = failed ? ordered.filter { excessArns.contains($0.taskArn) } : ordered
        stop(stoppable.filter { healthOf[$0.taskArn] == .notRunning }, deployment: primary.id)
        let runningLeaving = stoppable.filter { healthOf[$0.taskArn] != .notRunning }
        var healthyRemaining = wanted.filter { healthOf[$0.taskArn] == .healthy && !stopped.contains($0.taskArn) }.count

        // Stops the PRIMARY deployment's healthy tasks make possible.
        let keepHealthy = keep.filter { healthOf[$0.taskArn] == .healthy }.count
        var replaceable = max(0, keepHealthy + runningLeaving.count - desired)
        var chosen: [ServiceTask] = []
        for task in runningLeaving where replaceable > 0 {
            let healthy = healthOf[task.taskArn] == .healthy
            if healthy && healthyRemaining - 1 < minimumHealthy { break }
            chosen.append(task)
            replaceable -= 1
            if healthy { healthyRemaining -= 1 }
        }
        stop(chosen, deployment: primary.id)

        // Stops to make room when the maximum blocks the starts needed.
        let occupyingWanted = wanted.filter { !stopped.contains($0.taskArn) }.count
        var shortage = need - max(0, maximumTasks - occupyingWanted)
        var unhealthyInFlight = state.tasks.contains { $0.isStopInFlight && $0.stopCause == .failedHealthChecks }
        var room: [ServiceTask] = []
        for task in runningLeaving where shortage > 0 && !stopped.contains(task.taskArn) {
            let taskHealth = healthOf[task.taskArn]
            if taskHealth == .healthy && healthyRemaining - 1 < minimumHealthy { break }
            if taskHealth == .unhealthy {
                // Unhealthy tasks are stopped one by one to make room.
                if unhealthyInFlight { continue }
                unhealthyInFlight = true
            }
            room.append(task)
            shortage -= 1
            if taskHealth == .healthy { healthyRemaining -= 1 }
        }
        stop(room, deployment: primary.id)

        let starts = min(need, max(0, maximumTasks - live.count))
        if starts > 0 {
            actions.append(
                .startTasks(
                    StartTasks(deploymentId: primary.id, taskDefinition: primary.taskDefinition, count: starts)))
        }

        let allHealthyPrimary = keep.count == desired && keep.allSatisfy { healthOf[$0.taskArn] == .healthy }
        tasksConverged = allHealthyPrimary && live.count == keep.count
        tasksQuiet =
            !live.contains { $0.isStopInFlight }
            && !wanted.contains { healthOf[$0.taskArn] == .notRunning || healthOf[$0.taskArn] == .starting }
        let blocked = maximumTasks <= minimumHealthy && actions.isEmpty && tasksQuiet && !tasksConverged && !failed
        if blocked && primary.rolloutState == .inProgress {
            record(ServiceMessages.deploymentConfigurationBlocks(service: service.name))
        }
    }

    /// Tasks in the order the scheduler stops them: least useful first (not running,
    /// unhealthy, settling, healthy), then those on DRAINING instances, then older
    /// deployments' first; then, keeping Availability Zones balanced, a task in the zone
    /// with the most of the service's tasks, on the instance with the most; then the most
    /// recently started.
    func stopOrder(_ tasks: [ServiceTask], health: [String: TaskHealth], population: [ServiceTask]) -> [ServiceTask] {
        var zoneCounts: [String: Int] = [:]
        var instanceCounts: [String: Int] = [:]
        for task in population {
            zoneCounts[zone(of: task), default: 0] += 1
            instanceCounts[task.containerInstanceArn, default: 0] += 1
        }
        var remaining = tasks
        var ordered: [ServiceTask] = []
        ordered.reserveCapacity(tasks.count)
        while !remaining.isEmpty {
            var best = 0
            for position in remaining.indices.dropFirst()
            where stopsBefore(remaining[position], remaining[best], health, zoneCounts, instanceCounts) {
                best = position
            }
            let task = remaining.remove(at: best)
            zoneCounts[zone(of: task), default: 0] -= 1
            instanceCounts[task.containerInstanceArn, default: 0] -= 1
            ordered.append(task)
        }
        return ordered
    }

    private func zone(of task: ServiceTask) -> String {
        instances[task.containerInstanceArn]?.availabilityZone ?? ""
    }

    private func stopsBefore(
        _ lhs: ServiceTask, _ rhs: ServiceTask, _ health: [String: TaskHealth], _ zones: [String: Int],
        _ instanceCounts: [String: Int]
    ) -> Bool {
        let lhsHealth = health[lhs.taskArn] ?? .notRunning
        let rhsHealth = health[rhs.taskArn] ?? .notRunning
        if lhsHealth != rhsHealth { return lhsHealth < rhsHealth }
        let lhsDraining = instances[lhs.containerInstanceArn]?.status == .draining
        let rhsDraining = instances[rhs.containerInstanceArn]?.status == .draining
        if lhsDraining != rhsDraining { return lhsDraining }
        let lhsCreated = createdAt(ofDeployment: lhs.deploymentId)
        let rhsCreated = createdAt(ofDeployment: rhs.deploymentId)
        if lhsCreated != rhsCreated { return lhsCreated < rhsCreated }
        let lhsZone = zones[zone(of: lhs), default: 0]
        let rhsZone = zones[zone(of: rhs), default: 0]
        if lhsZone != rhsZone { return lhsZone > rhsZone }
        let lhsInstance = instanceCounts[lhs.containerInstanceArn, default: 0]
        let rhsInstance = instanceCounts[rhs.containerInstanceArn, default: 0]
        if lhsInstance != rhsInstance { return lhsInstance > rhsInstance }
        let lhsStarted = lhs.startedAt ?? .distantFuture
        let rhsStarted = rhs.startedAt ?? .distantFuture
        if lhsStarted != rhsStarted { return lhsStarted > rhsStarted }
        return lhs.taskArn < rhs.taskArn
    }
}
