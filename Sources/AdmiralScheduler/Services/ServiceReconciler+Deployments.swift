import AdmiralModel
import Foundation

extension Reconciliation {
    /// Brings every deployment's counts up to date, completes the PRIMARY deployment when
    /// the service has converged (older deployments go INACTIVE), reports the steady
    /// state, and emits a change for every deployment the plan altered.
    mutating func settleDeployments() {
        guard let primaryIndex else { return }
        // Tasks past RUNNING but not yet STOPPED (DEACTIVATING while their targets drain,
        // then STOPPING) still belong to their deployment: as on ECS, a deployment whose
        // old tasks drain completes, and the service is steady, once they have stopped.
        let leaving = state.tasks.contains {
            $0.lastStatus > .running && $0.lastStatus < .stopped && instance(of: $0) != nil
        }
        let settled =
            tasksConverged && !leaving
            && !actions.contains { action in
                if case .setDesiredCount = action { return false }
                return true
            }
        for index in deployments.indices {
            let id = deployments[index].id
            let own = state.tasks.filter {
                $0.deploymentId == id && ($0.isWaitingForCapacity || instance(of: $0) != nil)
            }
            deployments[index].runningCount = own.filter { $0.lastStatus == .running }.count
            deployments[index].pendingCount = own.filter { $0.lastStatus < .running }.count
            switch deployments[index].status {
            case .primary: deployments[index].desiredCount = desiredCount
            case .active:
                deployments[index].desiredCount = own.filter { $0.isWanted && !stopped.contains($0.taskArn) }.count
            case .inactive: deployments[index].desiredCount = 0
            }
        }
        let primaryId = deployments[primaryIndex].id
        if settled && deployments[primaryIndex].rolloutState != .failed {
            let completing = deployments[primaryIndex].rolloutState == .inProgress
            deployments[primaryIndex].rolloutState = .completed
            deployments[primaryIndex].rolloutStateReason = ServiceMessages.completedReason(deployment: primaryId)
            for index in deployments.indices where deployments[index].status == .active {
                deployments[index].status = .inactive
                deployments[index].desiredCount = 0
            }
            if completing {
                record(ServiceMessages.deploymentCompleted(service: service.name, deployment: primaryId))
            }
            let steady = ServiceMessages.steadyState(service: service.name)
            record(steady)
            if let last = ServiceEventLog.appending(events, to: state.events).first(where: { $0.message == steady }) {
                revisit(at: last.createdAt.addingTimeInterval(ServiceEventLog.throttleWindow))
            }
        }
        emitDeploymentChanges()
    }

    /// Appends a change for every deployment that differs from the input or whose tasks
    /// the circuit breaker acknowledged.
    mutating func emitDeploymentChanges() {
        for deployment in deployments {
            let original = state.deployments.first { $0.id == deployment.id }
            let acks = acknowledged[deployment.id] ?? []
            guard deployment != original || !acks.isEmpty else { continue }
            var changed = deployment
            changed.updatedAt = now
            actions.append(.updateDeployment(DeploymentChange(deployment: changed, acknowledgedTaskArns: acks)))
        }
    }
}
