/// ECS's wording for service events, stopped reasons and rollout state reasons. Each
/// function says which message of the ECS Developer Guide it renders (see README.md).
public enum ServiceMessages {
    /// `(service web) has reached a steady state.`
    public static func steadyState(service: String) -> String {
        "(service \(service)) has reached a steady state."
    }

    /// `(service web) has started 2 tasks: (task <id>) (task <id>).`
    public static func startedTasks(service: String, taskIds: [String]) -> String {
        "(service \(service)) has started \(taskIds.count) tasks: \(taskList(taskIds))."
    }

    /// `(service web) has stopped 1 running tasks: (task <id>).`
    public static func stoppedTasks(service: String, taskIds: [String]) -> String {
        "(service \(service)) has stopped \(taskIds.count) running tasks: \(taskList(taskIds))."
    }

    /// `(service web) registered 2 targets in (target-group arn:…)`: the scheduler
    /// registered RUNNING tasks with a target group.
    public static func registeredTargets(service: String, count: Int, targetGroup: String) -> String {
        "(service \(service)) registered \(count) targets in (target-group \(targetGroup))"
    }

    /// `(service web) deregistered 2 targets in (target-group arn:…)`: the scheduler took
    /// tasks out of a target group (they drain, or their target moved).
    public static func deregisteredTargets(service: String, count: Int, targetGroup: String) -> String {
        "(service \(service)) deregistered \(count) targets in (target-group \(targetGroup))"
    }

    /// `(service web) has begun draining connections on 2 tasks.`: tasks behind a load
    /// balancer that the scheduler stops wait for their targets to drain first.
    public static func beganDraining(service: String, count: Int) -> String {
        "(service \(service)) has begun draining connections on \(count) tasks."
    }

    /// `(service web) (task <id>) failed container health checks.`
    public static func failedContainerHealthChecks(service: String, taskId: String) -> String {
        "(service \(service)) (task \(taskId)) failed container health checks."
    }

    /// `(service web) (deployment ecs-svc/…) deployment completed.`
    public static func deploymentCompleted(service: String, deployment: String) -> String {
        "(service \(service)) (deployment \(deployment)) deployment completed."
    }

    /// `(service web) (deployment ecs-svc/…) deployment failed: tasks failed to start.`
    public static func deploymentFailed(service: String, deployment: String) -> String {
        "(service \(service)) (deployment \(deployment)) deployment failed: tasks failed to start."
    }

    /// `(service web) rolling back to deployment ecs-svc/….`
    public static func rollingBack(service: String, to deployment: String) -> String {
        "(service \(service)) rolling back to deployment \(deployment)."
    }

    /// The event of a deployment the minimum and maximum percent leave no room to move.
    public static func deploymentConfigurationBlocks(service: String) -> String {
        "(service \(service)) was unable to stop or start tasks during a deployment because of the service "
            + "deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
    }

    /// The common start of every "unable to place" event.
    public static func unablePrefix(service: String) -> String {
        "(service \(service)) was unable to place a task because no container instance met all of its requirements."
    }

    /// The common end of every "unable to place" event.
    public static let troubleshootingSuffix =
        "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."

    /// `(service web) was unable to place a task because no container instance met all of
    /// its requirements. The closest matching (container-instance <id>) has insufficient
    /// memory available. For more information, …` and its variants per reason.
    public static func unableToPlace(
        service: String, reason: PlacementFailure.Reason, closestInstanceId: String?
    ) -> String {
        let detail: String
        if reason == .noInstances || closestInstanceId == nil {
            detail = "Reason: No Container Instances were found in your cluster."
        } else {
            let closest = "The closest matching (container-instance \(closestInstanceId ?? ""))"
            detail = "\(closest) \(closestInstancePhrase(reason))"
        }
        return "\(unablePrefix(service: service)) \(detail) \(troubleshootingSuffix)"
    }

    /// What the closest instance lacked, as the event words it.
    static func closestInstancePhrase(_ reason: PlacementFailure.Reason) -> String {
        switch reason {
        case .noInstances: "Reason: No Container Instances were found in your cluster."
        case .agent: "doesn't have the agent connected."
        case .attribute: "is missing an attribute required by your task."
        case .memberOf: "encountered error \"MemberOf placement constraint unsatisfied.\""
        case .distinctInstance: "encountered error \"DistinctInstance placement constraint unsatisfied.\""
        case .cpu: "has insufficient CPU units available."
        case .memory: "has insufficient memory available."
        case .ports, .portsUDP: "is already using a port required by your task."
        }
    }

    /// `stoppedReason` of tasks the scheduler stops to scale or deploy.
    public static func scalingActivity(deployment: String) -> String {
        "Scaling activity initiated by (deployment \(deployment))"
    }

    /// `stoppedReason` of a task stopped for failing its container health checks.
    public static let failedContainerHealthChecksReason = "Task failed container health checks"

    /// `stoppedReason` of a task stopped for failing its load balancer health checks.
    public static func failedELBHealthChecksReason(targetGroup: String) -> String {
        "Task failed ELB health checks in (target-group \(targetGroup))"
    }

    /// `rolloutStateReason` of a deployment in progress.
    public static func inProgressReason(deployment: String) -> String {
        "ECS deployment \(deployment) in progress."
    }

    /// `rolloutStateReason` of a completed deployment.
    public static func completedReason(deployment: String) -> String {
        "ECS deployment \(deployment) completed."
    }

    /// `rolloutStateReason` of a deployment the circuit breaker failed.
    public static let circuitBreakerFailedReason = "ECS deployment circuit breaker: tasks failed to start."

    /// `rolloutStateReason` of the deployment a rollback returns to.
    public static func rollbackReason(to deployment: String) -> String {
        "ECS deployment circuit breaker: rolling back to deploymentId \(deployment)."
    }

    private static func taskList(_ ids: [String]) -> String {
        ids.map { "(task \($0))" }.joined(separator: " ")
    }
}
