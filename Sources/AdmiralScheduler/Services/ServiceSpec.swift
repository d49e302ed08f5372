import AdmiralModel
import Foundation

/// The settings of a service that drive its scheduler: what `CreateService` and
/// `UpdateService` stored.
public struct ServiceSpec: Sendable, Hashable {
    /// The service's name, as events name it: `(service <name>)`.
    public var name: String
    /// REPLICA keeps `desiredCount` tasks; DAEMON keeps one on every eligible instance.
    public var schedulingStrategy: ECS.SchedulingStrategy
    /// How many tasks a REPLICA service keeps running (ignored for DAEMON, whose desired
    /// count is the number of eligible instances).
    public var desiredCount: Int
    /// The floor of healthy tasks during deployments and draining, in percent of the
    /// desired count, rounded up.
    public var minimumHealthyPercent: Int
    /// The ceiling of PENDING and RUNNING tasks, in percent of the desired count, rounded
    /// down (always 100 for DAEMON, where it does not apply).
    public var maximumPercent: Int
    /// The deployment circuit breaker, or nil when it is off.
    public var circuitBreaker: ECS.DeploymentCircuitBreaker?
    /// Whether a healthy task resets the circuit breaker's failure count (ECS's
    /// `resetOnHealthyTask`, on by default).
    public var circuitBreakerResetsOnHealthyTask: Bool
    /// Seconds after a task started during which failing health checks are ignored.
    public var healthCheckGracePeriodSeconds: Int
    /// The target groups of the service's load balancers; empty without load balancers.
    public var targetGroupArns: [String]
    /// Whether the task definition's essential containers have health checks.
    public var hasContainerHealthChecks: Bool
    /// How long a RUNNING task without health checks waits before it counts as healthy:
    /// ECS's 40 seconds unless the control plane is configured otherwise.
    public var settlingTime: TimeInterval

    /// Creates the settings, with ECS's defaults for the deployment configuration: 100%
    /// and 200% for REPLICA, 0% and 100% for DAEMON.
    public init(
        name: String,
        schedulingStrategy: ECS.SchedulingStrategy = .replica,
        desiredCount: Int = 0,
        minimumHealthyPercent: Int? = nil,
        maximumPercent: Int? = nil,
        circuitBreaker: ECS.DeploymentCircuitBreaker? = nil,
        circuitBreakerResetsOnHealthyTask: Bool = true,
        healthCheckGracePeriodSeconds: Int = 0,
        targetGroupArns: [String] = [],
        hasContainerHealthChecks: Bool = false,
        settlingTime: TimeInterval = TaskHealth.settlingTime
    ) {
        self.name = name
        self.schedulingStrategy = schedulingStrategy
        self.desiredCount = desiredCount
        self.minimumHealthyPercent =
            minimumHealthyPercent ?? (schedulingStrategy == .daemon ? Self.daemonDefaultMinimumHealthyPercent : 100)
        self.maximumPercent =
            maximumPercent ?? (schedulingStrategy == .daemon ? 100 : Self.replicaDefaultMaximumPercent)
        self.circuitBreaker = circuitBreaker
        self.circuitBreakerResetsOnHealthyTask = circuitBreakerResetsOnHealthyTask
        self.healthCheckGracePeriodSeconds = healthCheckGracePeriodSeconds
        self.targetGroupArns = targetGroupArns
        self.hasContainerHealthChecks = hasContainerHealthChecks
        self.settlingTime = settlingTime
    }

    /// ECS's default `maximumPercent` for REPLICA services.
    public static let replicaDefaultMaximumPercent = 200
    /// ECS's default `minimumHealthyPercent` for DAEMON services (CLI, SDKs and API).
    public static let daemonDefaultMinimumHealthyPercent = 0

    /// Whether the service is behind a load balancer.
    public var hasLoadBalancers: Bool { !targetGroupArns.isEmpty }

    /// Whether the circuit breaker watches deployments.
    public var circuitBreakerEnabled: Bool { circuitBreaker?.enable ?? false }

    /// Whether a failed deployment rolls back to the last completed one.
    public var rollbackEnabled: Bool { circuitBreakerEnabled && (circuitBreaker?.rollback ?? false) }

    /// The fewest healthy tasks a deployment may leave: ceil(min% × desired / 100).
    public static func minimumHealthy(percent: Int, desired: Int) -> Int {
        let product = max(0, percent) * max(0, desired)
        return (product + 99) / 100
    }

    /// The most PENDING or RUNNING tasks: floor(max% × desired / 100).
    public static func maximumTasks(percent: Int, desired: Int) -> Int {
        max(0, percent) * max(0, desired) / 100
    }
}
