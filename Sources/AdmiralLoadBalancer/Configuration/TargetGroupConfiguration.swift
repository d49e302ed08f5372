/// A target group: its port, health check, attributes and registered targets.
public struct TargetGroupConfiguration: Sendable, Equatable {
    /// The target group's ARN.
    public var id: String
    /// The group's port (the default port of targets registered without one).
    public var port: Int
    /// How targets are health checked.
    public var healthCheck: HealthCheckSettings
    /// The target group attributes the data plane honours.
    public var attributes: TargetGroupAttributes
    /// The registered targets. A target that disappears from this list is deregistered:
    /// it drains for ``TargetGroupAttributes/deregistrationDelay``.
    public var targets: [TargetConfiguration]

    /// Creates a target group.
    public init(
        id: String,
        port: Int,
        healthCheck: HealthCheckSettings = HealthCheckSettings(),
        attributes: TargetGroupAttributes = TargetGroupAttributes(),
        targets: [TargetConfiguration] = []
    ) {
        self.id = id
        self.port = port
        self.healthCheck = healthCheck
        self.attributes = attributes
        self.targets = targets
    }
}

/// A registered target: an identifier (an instance id or IP, as the API has it) and where
/// the data plane connects to reach it.
public struct TargetConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The target id as registered (`Targets.member.N.Id`).
    public var id: String
    /// The address to connect to, such as `"127.0.0.1"`.
    public var host: String
    /// The port to connect to.
    public var port: Int

    /// Creates a target.
    public init(id: String, host: String, port: Int) {
        self.id = id
        self.host = host
        self.port = port
    }

    /// `id@host:port`, for messages and logs.
    public var description: String { "\(id)@\(host):\(port)" }
}

/// Health check settings of a target group, with ALB's defaults for HTTP.
public struct HealthCheckSettings: Sendable, Equatable {
    /// The port a health check connects to.
    public enum Port: Sendable, Equatable {
        /// `traffic-port`: the target's own port.
        case trafficPort
        /// A fixed port on the target's host.
        case port(Int)
    }

    /// `HealthCheckEnabled`. When false targets are `unavailable` and all get traffic.
    public var enabled: Bool
    /// `HealthCheckPath`.
    public var path: String
    /// `HealthCheckPort`.
    public var port: Port
    /// `HealthCheckProtocol`: HTTP is the only one served.
    public var `protocol`: ListenerProtocol
    /// `HealthCheckIntervalSeconds`.
    public var interval: Duration
    /// `HealthCheckTimeoutSeconds`.
    public var timeout: Duration
    /// `HealthyThresholdCount`: consecutive successes that make a target healthy.
    public var healthyThreshold: Int
    /// `UnhealthyThresholdCount`: consecutive failures that make a target unhealthy.
    public var unhealthyThreshold: Int
    /// `Matcher.HttpCode`: `"200"`, `"200-299"`, `"200,202"`.
    public var matcher: String

    /// Creates health check settings; the defaults are ALB's for an HTTP target group.
    public init(
        enabled: Bool = true,
        path: String = "/",
        port: Port = .trafficPort,
        protocol: ListenerProtocol = .http,
        interval: Duration = .seconds(30),
        timeout: Duration = .seconds(5),
        healthyThreshold: Int = 5,
        unhealthyThreshold: Int = 2,
        matcher: String = "200"
    ) {
        self.enabled = enabled
        self.path = path
        self.port = port
        self.protocol = `protocol`
        self.interval = interval
        self.timeout = timeout
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
        self.matcher = matcher
    }
}

/// How a target group spreads requests over its targets.
public enum LoadBalancingAlgorithm: String, Sendable, Equatable {
    /// `round_robin`.
    case roundRobin = "round_robin"
    /// `least_outstanding_requests`.
    case leastOutstandingRequests = "least_outstanding_requests"
}

/// The target group attributes the data plane honours.
public struct TargetGroupAttributes: Sendable, Equatable {
    /// `deregistration_delay.timeout_seconds` (default 300 s).
    public var deregistrationDelay: Duration
    /// `load_balancing.algorithm.type`.
    public var algorithm: LoadBalancingAlgorithm
    /// `slow_start.duration_seconds`; zero disables slow start.
    public var slowStartDuration: Duration
    /// `stickiness.enabled` with `stickiness.type` `lb_cookie`: the `AWSALB` cookie's
    /// lifetime (`stickiness.lb_cookie.duration_seconds`), or `nil` when stickiness is off.
    public var stickinessDuration: Duration?

    /// Creates attributes; the defaults are ALB's.
    public init(
        deregistrationDelay: Duration = .seconds(300),
        algorithm: LoadBalancingAlgorithm = .roundRobin,
        slowStartDuration: Duration = .zero,
        stickinessDuration: Duration? = nil
    ) {
        self.deregistrationDelay = deregistrationDelay
        self.algorithm = algorithm
        self.slowStartDuration = slowStartDuration
        self.stickinessDuration = stickinessDuration
    }
}
