import Foundation

/// Everything the load balancer data plane needs, as of one committed change: load
/// balancers with their addresses, listeners and rules in evaluation order, target groups
/// with their health checks, attributes (defaults filled in) and registered targets.
/// Conditions and actions are in normalized form (see ``RuleConditionRules`` and
/// ``ActionRules``): every condition has its `*Config`, every forward action a
/// `ForwardConfig` with weights, every redirect all its components.
public struct LoadBalancingSnapshot: Sendable, Hashable {
    /// Increases with every committed change.
    public var version: Int64
    public var loadBalancers: [LoadBalancer]
    public var targetGroups: [TargetGroup]

    /// Creates a snapshot.
    public init(version: Int64, loadBalancers: [LoadBalancer], targetGroups: [TargetGroup]) {
        self.version = version
        self.loadBalancers = loadBalancers
        self.targetGroups = targetGroups
    }

    /// A load balancer.
    public struct LoadBalancer: Sendable, Hashable {
        public var arn: String
        public var name: String
        public var id: String
        /// The address to listen on (also its DNSName).
        public var address: String
        public var scheme: ELBv2.LoadBalancerSchemeEnum
        /// Every attribute, defaults filled in (`idle_timeout.timeout_seconds`, ...).
        public var attributes: [String: String]
        public var listeners: [Listener]

        /// The idle timeout of connections, in seconds.
        public var idleTimeoutSeconds: Int { attributes["idle_timeout.timeout_seconds"].flatMap(Int.init) ?? 60 }

        /// Creates a load balancer.
        public init(
            arn: String, name: String, id: String, address: String, scheme: ELBv2.LoadBalancerSchemeEnum,
            attributes: [String: String], listeners: [Listener]
        ) {
            self.arn = arn
            self.name = name
            self.id = id
            self.address = address
            self.scheme = scheme
            self.attributes = attributes
            self.listeners = listeners
        }
    }

    /// A listener.
    public struct Listener: Sendable, Hashable {
        public var arn: String
        public var id: String
        public var port: Int
        public var listenerProtocol: ELBv2.ProtocolEnum
        /// The rules in evaluation order: by priority, the default rule last.
        public var rules: [Rule]

        /// Creates a listener.
        public init(arn: String, id: String, port: Int, listenerProtocol: ELBv2.ProtocolEnum, rules: [Rule]) {
            self.arn = arn
            self.id = id
            self.port = port
            self.listenerProtocol = listenerProtocol
            self.rules = rules
        }
    }

    /// A rule.
    public struct Rule: Sendable, Hashable {
        public var arn: String
        public var id: String
        /// nil for the default rule, which has no conditions and matches every request.
        public var priority: Int?
        public var conditions: [ELBv2.RuleCondition]
        public var actions: [ELBv2.Action]

        /// Whether this is the listener's default rule.
        public var isDefault: Bool { priority == nil }

        /// Creates a rule.
        public init(
            arn: String, id: String, priority: Int?, conditions: [ELBv2.RuleCondition], actions: [ELBv2.Action]
        ) {
            self.arn = arn
            self.id = id
            self.priority = priority
            self.conditions = conditions
            self.actions = actions
        }
    }

    /// A target group.
    public struct TargetGroup: Sendable, Hashable {
        public var arn: String
        public var name: String
        public var id: String
        public var port: Int
        public var targetType: ELBv2.TargetTypeEnum
        public var healthCheck: TargetGroupHealthCheck
        /// Every attribute, defaults filled in (`deregistration_delay.timeout_seconds`, ...).
        public var attributes: [String: String]
        /// The load balancers whose listeners or rules forward to it (at most one).
        public var loadBalancerArns: [String]
        public var targets: [Target]

        /// Creates a target group.
        public init(
            arn: String, name: String, id: String, port: Int, targetType: ELBv2.TargetTypeEnum,
            healthCheck: TargetGroupHealthCheck, attributes: [String: String], loadBalancerArns: [String],
            targets: [Target]
        ) {
            self.arn = arn
            self.name = name
            self.id = id
            self.port = port
            self.targetType = targetType
            self.healthCheck = healthCheck
            self.attributes = attributes
            self.loadBalancerArns = loadBalancerArns
            self.targets = targets
        }
    }

    /// A registered target.
    public struct Target: Sendable, Hashable {
        /// The EC2 instance id of a container instance (`instance`) or an IPv4 address (`ip`).
        public var id: String
        public var port: Int
        public var availabilityZone: String?
        public var registeredAt: Date

        /// Creates a target.
        public init(id: String, port: Int, availabilityZone: String?, registeredAt: Date) {
            self.id = id
            self.port = port
            self.availabilityZone = availabilityZone
            self.registeredAt = registeredAt
        }
    }
}
