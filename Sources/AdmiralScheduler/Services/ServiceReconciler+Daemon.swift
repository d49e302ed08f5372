import AdmiralModel
import Foundation

extension Reconciliation {
    /// DAEMON: one task of the PRIMARY deployment on every ACTIVE instance whose agent is
    /// connected and that satisfies the service's constraints, instances that join later
    /// included; none on DRAINING instances (their daemon tasks stop after the replica
    /// tasks there) nor on instances that no longer satisfy the constraints. An update
    /// stops an instance's old task before starting the new one there (maximumPercent is
    /// 100 and does not apply), keeping ceil(minimumHealthyPercent × instances / 100)
    /// healthy tasks.
    mutating func planDaemon() {
        guard let primaryIndex else { return }
        let primary = deployments[primaryIndex]
        let targets = state.instances.filter { $0.status == .active && $0.satisfiesDaemonConstraints }
            .sorted { $0.arn < $1.arn }
        let eligible = targets.filter(\.agentConnected)
        daemonDesired = eligible.count
        let minimumHealthy = ServiceSpec.minimumHealthy(percent: service.minimumHealthyPercent, desired: eligible.count)
        let failed = primary.rolloutState == .failed
        let live = liveTasks
        let wanted = live.filter(\.isWanted)
        var healthOf: [String: TaskHealth] = [:]
        for task in wanted { healthOf[task.taskArn] = health(task) }
        for task in live { revisit(at: TaskHealth.changesAt(task, service: service, now: now)) }

        // Tasks on instances the service no longer runs on.
        var evicted: [ServiceTask] = []
        for task in wanted {
            guard let instance = instance(of: task) else { continue }
            if instance.status == .draining {
                if healthOf[task.taskArn] == .notRunning || instance.replicaTasksRemaining == 0 { evicted.append(task) }
            } else if !instance.satisfiesDaemonConstraints {
                evicted.append(task)
            }
        }
        stop(evicted, deployment: primary.id)

        let eligibleArns = Set(eligible.map(\.arn))
        let wantedByInstance = Dictionary(grouping: wanted, by: \.containerInstanceArn)
        let occupiedArns = Set(live.map(\.containerInstanceArn))
        let eligibleHealthy = wanted.filter { task in
            healthOf[task.taskArn] == .healthy && eligibleArns.contains(task.containerInstanceArn)
        }
        var healthyRemaining = eligibleHealthy.count
        var replaceNow: [ServiceTask] = []
        var updates: [ServiceTask] = []
        var startOn: [ServiceInstance] = []
        let targetArns = Set(targets.map(\.arn))
        var converged =
            evicted.isEmpty && !live.contains { !$0.isWanted }
            && !wanted.contains { !targetArns.contains($0.containerInstanceArn) }
        for instance in targets {
            let here = wantedByInstance[instance.arn] ?? []
            let keeper = here.filter { $0.deploymentId == primary.id && healthOf[$0.taskArn] != .unhealthy }
                .max { (healthOf[$0.taskArn] ?? .notRunning) < (healthOf[$1.taskArn] ?? .notRunning) }
            let others = here.filter { $0.taskArn != keeper?.taskArn }
            for task in others {
                if healthOf[task.taskArn] == .notRunning || (keeper.map { healthOf[$0.taskArn] == .healthy } ?? false) {
                    replaceNow.append(task)
                } else if keeper == nil {
                    updates.append(task)
                }
            }
            let occupied = occupiedArns.contains(instance.arn)
            if keeper == nil && !occupied && instance.agentConnected && !failed { startOn.append(instance) }
            if instance.agentConnected && (keeper.map { healthOf[$0.taskArn] != .healthy } ?? true) {
                converged = false
            }
            if !others.isEmpty { converged = false }
        }
        if failed {
            replaceNow = replaceNow.filter { healthOf[$0.taskArn] == .notRunning }
            updates = []
        }
        stop(replaceNow, deployment: primary.id)
        for task in replaceNow where healthOf[task.taskArn] == .healthy { healthyRemaining -= 1 }

        var chosen: [ServiceTask] = []
        for task in updates.sorted(by: { (healthOf[$0.taskArn] ?? .notRunning) < (healthOf[$1.taskArn] ?? .notRunning) }
        ) {
            let healthy = healthOf[task.taskArn] == .healthy
            let counted = healthy && eligibleArns.contains(task.containerInstanceArn)
            if counted && healthyRemaining - 1 < minimumHealthy { break }
            chosen.append(task)
            if counted { healthyRemaining -= 1 }
        }
        stop(chosen, deployment: primary.id)

        for instance in startOn {
            actions.append(
                .startTasks(
                    StartTasks(
                        deploymentId: primary.id, taskDefinition: primary.taskDefinition, count: 1,
                        containerInstanceArn: instance.arn)))
        }
        if service.desiredCount != eligible.count { actions.append(.setDesiredCount(eligible.count)) }
        tasksConverged = converged && startOn.isEmpty && !live.contains { $0.deploymentId != primary.id }
        tasksQuiet =
            !live.contains { $0.isStopInFlight }
            && !wanted.contains { healthOf[$0.taskArn] == .notRunning || healthOf[$0.taskArn] == .starting }
        let blocked = !updates.isEmpty && chosen.isEmpty && actions.isEmpty && tasksQuiet
        if blocked && primary.rolloutState == .inProgress {
            record(ServiceMessages.deploymentConfigurationBlocks(service: service.name))
        }
    }
}
