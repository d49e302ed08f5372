/// A target's health state, with the values of botocore's `TargetHealthStateEnum`.
public enum TargetHealthState: String, Sendable, Equatable, CaseIterable {
    /// Registered; health checks have not yet passed `HealthyThresholdCount` times.
    case initial
    /// Passing health checks.
    case healthy
    /// Failed `UnhealthyThresholdCount` consecutive health checks.
    case unhealthy
    /// The target group is not used by any listener action.
    case unused
    /// Deregistered; waiting for the deregistration delay.
    case draining
    /// Health checks are disabled for the target group.
    case unavailable
}

/// The reason code of a target's health, with the values of botocore's `TargetHealthReasonEnum`.
public enum TargetHealthReason: String, Sendable, Equatable, CaseIterable {
    /// `initial`: the target is being registered (no health check has completed yet).
    case registrationInProgress = "Elb.RegistrationInProgress"
    /// `initial`: health checks are running but have not yet reached the healthy threshold.
    case initialHealthChecking = "Elb.InitialHealthChecking"
    /// `unhealthy`: health checks returned an HTTP code the matcher does not accept.
    case responseCodeMismatch = "Target.ResponseCodeMismatch"
    /// `unhealthy`: health checks timed out.
    case timeout = "Target.Timeout"
    /// `unhealthy`: the connection failed or the response was malformed.
    case failedHealthChecks = "Target.FailedHealthChecks"
    /// `unused`: the target is not registered with the target group.
    case notRegistered = "Target.NotRegistered"
    /// `unused`: the target group is not used by any listener action.
    case notInUse = "Target.NotInUse"
    /// `draining`: the deregistration delay has not expired.
    case deregistrationInProgress = "Target.DeregistrationInProgress"
    /// `unavailable`: health checks are disabled for the target group.
    case healthCheckDisabled = "Target.HealthCheckDisabled"
}

/// The health of one target, as `DescribeTargetHealth` reports it.
public struct TargetHealth: Sendable, Equatable {
    /// The state.
    public var state: TargetHealthState
    /// The reason code; `nil` when healthy.
    public var reason: TargetHealthReason?
    /// The description; `nil` when healthy.
    public var description: String?

    /// Creates a health value.
    public init(state: TargetHealthState, reason: TargetHealthReason? = nil, description: String? = nil) {
        self.state = state
        self.reason = reason
        self.description = description
    }

    /// `healthy`.
    public static let healthy = TargetHealth(state: .healthy)
    /// `initial` / `Elb.RegistrationInProgress`.
    public static let registering = TargetHealth(
        state: .initial, reason: .registrationInProgress, description: "Target registration is in progress")
    /// `initial` / `Elb.InitialHealthChecking`.
    public static let initialChecking = TargetHealth(
        state: .initial, reason: .initialHealthChecking, description: "Initial health checks in progress")
    /// `unhealthy` / `Target.Timeout`.
    public static let timedOut = TargetHealth(state: .unhealthy, reason: .timeout, description: "Request timed out")
    /// `unhealthy` / `Target.FailedHealthChecks`.
    public static let failed = TargetHealth(
        state: .unhealthy, reason: .failedHealthChecks, description: "Health checks failed")
    /// `unused` / `Target.NotInUse`.
    public static let notInUse = TargetHealth(
        state: .unused, reason: .notInUse,
        description: "Target group is not configured to receive traffic from the load balancer")
    /// `draining` / `Target.DeregistrationInProgress`.
    public static let draining = TargetHealth(
        state: .draining, reason: .deregistrationInProgress, description: "Target deregistration is in progress")
    /// `unavailable` / `Target.HealthCheckDisabled`.
    public static let healthCheckDisabled = TargetHealth(
        state: .unavailable, reason: .healthCheckDisabled, description: "Health checks disabled")

    /// `unhealthy` / `Target.ResponseCodeMismatch` for the given status code.
    public static func responseCodeMismatch(_ status: Int) -> TargetHealth {
        TargetHealth(
            state: .unhealthy, reason: .responseCodeMismatch,
            description: "Health checks failed with these codes: [\(status)]")
    }
}

/// One target's health in a target group.
public struct TargetHealthDescription: Sendable, Equatable {
    /// The target.
    public var target: TargetConfiguration
    /// The port health checks go to.
    public var healthCheckPort: Int
    /// The health.
    public var health: TargetHealth

    /// Creates a description.
    public init(target: TargetConfiguration, healthCheckPort: Int, health: TargetHealth) {
        self.target = target
        self.healthCheckPort = healthCheckPort
        self.health = health
    }
}

/// A change of one target's health, delivered by ``LoadBalancerDataPlane/healthChanges()``.
public struct TargetHealthChange: Sendable, Equatable {
    /// The target group's ARN.
    public var targetGroupID: String
    /// The target.
    public var target: TargetConfiguration
    /// The health before, or `nil` when the target was just registered.
    public var previous: TargetHealth?
    /// The health now, or `nil` when the target left the group (its draining ended).
    public var current: TargetHealth?

    /// Creates a change.
    public init(targetGroupID: String, target: TargetConfiguration, previous: TargetHealth?, current: TargetHealth?) {
        self.targetGroupID = targetGroupID
        self.target = target
        self.previous = previous
        self.current = current
    }
}
