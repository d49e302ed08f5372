import Foundation

/// How the service scheduler counts a task that is PENDING or RUNNING.
public enum TaskHealth: Int, Sendable, Hashable, Comparable, CaseIterable {
    /// Not RUNNING yet.
    case notRunning
    /// RUNNING, failing a health check after its grace period: to be replaced.
    case unhealthy
    /// RUNNING, not yet counted as healthy (checks pending, within the grace period, or
    /// within the settling time of a task without health checks).
    case starting
    /// RUNNING and counted towards the minimum healthy percent.
    case healthy

    /// Orders from the least to the most useful task, the order the scheduler stops in.
    public static func < (lhs: TaskHealth, rhs: TaskHealth) -> Bool { lhs.rawValue < rhs.rawValue }

    /// How long a RUNNING task without container health checks and without load balancer
    /// waits before it counts as healthy, by default (`ServiceSpec.settlingTime`). The `minimumHealthyPercent` documentation: "the
    /// service scheduler will wait for 40 seconds after a task reaches a RUNNING state
    /// before the task is counted towards the minimum healthy percent total."
    public static let settlingTime: TimeInterval = 40

    /// The health of a task of a service at a moment.
    ///
    /// - A task counts as healthy when RUNNING and, if the service uses container health
    ///   checks, they report HEALTHY, and, if it has load balancers, its targets are
    ///   healthy; with neither, once it has been RUNNING for `settlingTime`.
    /// - A failing check (container UNHEALTHY, target unhealthy) condemns it, except within
    ///   `healthCheckGracePeriodSeconds` of its start, when it is only not yet healthy.
    public static func of(_ task: ServiceTask, service: ServiceSpec, now: Date) -> TaskHealth {
        guard task.lastStatus == .running else { return .notRunning }
        let started = task.startedAt ?? now
        let checksContainers = service.hasContainerHealthChecks
        let checksTargets = service.hasLoadBalancers
        if !checksContainers && !checksTargets {
            return now.timeIntervalSince(started) >= service.settlingTime ? .healthy : .starting
        }
        let containerFails = checksContainers && task.containerHealth == .unhealthy
        let targetFails = checksTargets && task.targetHealth == .unhealthy
        if containerFails || targetFails {
            let inGrace = now.timeIntervalSince(started) < TimeInterval(service.healthCheckGracePeriodSeconds)
            return inGrace ? .starting : .unhealthy
        }
        let containerPasses = !checksContainers || task.containerHealth == .healthy
        let targetPasses = !checksTargets || task.targetHealth == .healthy
        return containerPasses && targetPasses ? .healthy : .starting
    }

    /// When a task's health may change with time alone: the end of its settling time or
    /// of its grace period; nil when only a new report can change it.
    static func changesAt(_ task: ServiceTask, service: ServiceSpec, now: Date) -> Date? {
        guard task.lastStatus == .running else { return nil }
        let started = task.startedAt ?? now
        if !service.hasContainerHealthChecks && !service.hasLoadBalancers {
            let settled = started.addingTimeInterval(service.settlingTime)
            return settled > now ? settled : nil
        }
        let graceEnds = started.addingTimeInterval(TimeInterval(service.healthCheckGracePeriodSeconds))
        let failing =
            (service.hasContainerHealthChecks && task.containerHealth == .unhealthy)
            || (service.hasLoadBalancers && task.targetHealth == .unhealthy)
        return failing && graceEnds > now ? graceEnds : nil
    }
}
