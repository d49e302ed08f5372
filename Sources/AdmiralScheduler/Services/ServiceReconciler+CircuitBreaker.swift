import AdmiralModel
import Foundation

extension Reconciliation {
    /// The deployment circuit breaker: counts the PRIMARY deployment's failed tasks and,
    /// at the threshold, fails the deployment and (with rollback) makes the most recent
    /// COMPLETED deployment PRIMARY again.
    ///
    /// Stage 1, while none of the deployment's tasks is RUNNING: tasks that stopped
    /// without reaching RUNNING count (and, through `placementOutcome`, tasks that could
    /// not be placed). Stage 2: tasks the scheduler stopped for failing their health
    /// checks count. A task that becomes healthy resets the count (`resetOnHealthyTask`).
    /// Each stopped task is looked at once: the change acknowledges it, counted or not.
    mutating func evaluateCircuitBreaker(extraFailures: Int) {
        guard service.circuitBreakerEnabled, let index = primaryIndex,
            deployments[index].rolloutState == .inProgress
        else { return }
        let id = deployments[index].id
        let own = state.tasks.filter { $0.deploymentId == id }
        let running = own.contains { $0.lastStatus == .running }
        var count = deployments[index].failedTasks
        var acks: [String] = []
        if service.circuitBreakerResetsOnHealthyTask {
            let newlyHealthy = own.filter { !$0.circuitBreakerAcknowledged && $0.isWanted && health($0) == .healthy }
            if !newlyHealthy.isEmpty {
                count = 0
                acks += newlyHealthy.map(\.taskArn)
            }
        }
        for task in own where !task.circuitBreakerAcknowledged && task.lastStatus == .stopped {
            let failedToStart =
                task.startedAt == nil && task.stopCause != .scheduler && task.stopCause != .user
                && task.stopCause != .instanceLost
            let failedChecks = task.stopCause == .failedHealthChecks
            if (failedToStart && !running) || failedChecks { count += 1 }
            acks.append(task.taskArn)
        }
        count += running ? 0 : extraFailures
        guard count != deployments[index].failedTasks || !acks.isEmpty else { return }
        deployments[index].failedTasks = count
        acknowledged[id, default: []] += acks
        let threshold = ServiceReconciler.circuitBreakerThreshold(desiredCount: desiredCountForBreaker)
        if count >= threshold { fail(index) }
    }

    /// The desired count the threshold is computed from.
    private var desiredCountForBreaker: Int {
        guard service.schedulingStrategy == .daemon else { return service.desiredCount }
        return state.instances.filter { $0.status == .active && $0.agentConnected && $0.satisfiesDaemonConstraints }
            .count
    }

    /// Marks the deployment at `index` FAILED and rolls back when the service asks for it
    /// and a COMPLETED deployment exists.
    private mutating func fail(_ index: Int) {
        let failedId = deployments[index].id
        deployments[index].rolloutState = .failed
        deployments[index].rolloutStateReason = ServiceMessages.circuitBreakerFailedReason
        record(ServiceMessages.deploymentFailed(service: service.name, deployment: failedId))
        guard service.rollbackEnabled else { return }
        let candidates = deployments.indices.filter {
            $0 != index && deployments[$0].rolloutState == .completed
        }
        guard let target = candidates.max(by: { deployments[$0].createdAt < deployments[$1].createdAt }) else { return }
        let targetId = deployments[target].id
        deployments[index].status = .active
        deployments[target].status = .primary
        deployments[target].rolloutState = .inProgress
        deployments[target].rolloutStateReason = ServiceMessages.rollbackReason(to: targetId)
        deployments[target].failedTasks = 0
        record(ServiceMessages.rollingBack(service: service.name, to: targetId))
    }
}
