/// The whole desired state of the load balancer data plane: what to listen on, how to route,
/// and where the targets are.
///
/// The value knows nothing of the ELBv2 wire format; the API layer translates its records
/// into this shape and hands it to ``LoadBalancerDataPlane/apply(_:)``. Identifiers are the
/// ARNs the API assigned, kept as opaque strings.
public struct DataPlaneConfiguration: Sendable, Equatable {
    /// The load balancers (their idle timeouts).
    public var loadBalancers: [LoadBalancerConfiguration]
    /// The listeners; each belongs to one of ``loadBalancers``.
    public var listeners: [ListenerConfiguration]
    /// The target groups, with their registered targets.
    public var targetGroups: [TargetGroupConfiguration]

    /// Creates a configuration.
    public init(
        loadBalancers: [LoadBalancerConfiguration] = [],
        listeners: [ListenerConfiguration] = [],
        targetGroups: [TargetGroupConfiguration] = []
    ) {
        self.loadBalancers = loadBalancers
        self.listeners = listeners
        self.targetGroups = targetGroups
    }
}

/// One application load balancer.
public struct LoadBalancerConfiguration: Sendable, Equatable {
    /// The load balancer's ARN.
    public var id: String
    /// `idle_timeout.timeout_seconds`: a client connection with no traffic for this long is
    /// closed, and a target that sends nothing for this long after a request gets a 504.
    /// ALB's default is 60 seconds.
    public var idleTimeout: Duration

    /// Creates a load balancer.
    public init(id: String, idleTimeout: Duration = .seconds(60)) {
        self.id = id
        self.idleTimeout = idleTimeout
    }
}

/// The protocol a listener speaks. Only plain HTTP is served by this data plane.
public enum ListenerProtocol: String, Sendable, Equatable {
    /// HTTP/1.1 (and 1.0) over TCP.
    case http = "HTTP"
}

/// A listener: a bound address and port with its rules.
public struct ListenerConfiguration: Sendable, Equatable {
    /// The listener's ARN.
    public var id: String
    /// The ARN of the load balancer this listener belongs to.
    public var loadBalancerID: String
    /// The local address to bind, such as `"127.0.0.1"` or `"127.0.1.1"`.
    public var address: String
    /// The TCP port to bind (1-65535).
    public var port: Int
    /// The listener protocol.
    public var `protocol`: ListenerProtocol
    /// The rules, evaluated from the lowest priority number to the highest.
    /// The order of this array does not matter; ``ListenerRule/priority`` does.
    public var rules: [ListenerRule]
    /// The default rule's action, taken when no rule matches.
    public var defaultAction: RuleAction

    /// Creates a listener.
    public init(
        id: String,
        loadBalancerID: String,
        address: String,
        port: Int,
        protocol: ListenerProtocol = .http,
        rules: [ListenerRule] = [],
        defaultAction: RuleAction
    ) {
        self.id = id
        self.loadBalancerID = loadBalancerID
        self.address = address
        self.port = port
        self.protocol = `protocol`
        self.rules = rules
        self.defaultAction = defaultAction
    }
}
