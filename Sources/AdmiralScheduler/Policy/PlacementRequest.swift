import AdmiralModel

/// What to place: `count` identical tasks of one task definition, with the strategies
/// and constraints that govern where they go.
public struct PlacementRequest: Sendable {
    /// How many tasks to place.
    public var count: Int
    /// CPU units each task reserves.
    public var cpu: Int
    /// Memory (MiB) each task reserves.
    public var memory: Int
    /// Fixed host TCP ports each task binds (dynamic ports, `hostPort: 0`, need none).
    public var tcpPorts: Set<Int>
    /// Fixed host UDP ports each task binds.
    public var udpPorts: Set<Int>
    /// The task group (`family:<name>` by default, `service:<name>` for services); spread
    /// and `distinctInstance` count the tasks of this group.
    public var group: String
    /// Strategies in order, each breaking the ties of the one before.
    public var strategies: [PlacementStrategy]
    /// Constraints of the request and of the task definition, all binding.
    public var constraints: [PlacementConstraint]
    /// Attributes the task definition requires (`requiresAttributes`): name, and the
    /// value when one is required.
    public var requiredAttributes: [RequiredAttribute]
    /// Seed of the `random` strategy; the same seed and snapshot give the same placement.
    public var seed: UInt64

    /// An attribute that candidate instances must have.
    public struct RequiredAttribute: Sendable, Hashable {
        /// The attribute's name.
        public var name: String
        /// The value it must have, or nil when any value (or none) will do.
        public var value: String?

        /// Creates a requirement.
        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }

        /// The requirements of a task definition's `requiresAttributes`.
        public static func from(_ attributes: [ECS.Attribute]?) -> [RequiredAttribute] {
            (attributes ?? []).map { RequiredAttribute(name: $0.name, value: $0.value) }
        }
    }

    /// Creates a request.
    public init(
        count: Int,
        cpu: Int,
        memory: Int,
        tcpPorts: Set<Int> = [],
        udpPorts: Set<Int> = [],
        group: String,
        strategies: [PlacementStrategy] = PlacementStrategy.runTaskDefault,
        constraints: [PlacementConstraint] = [],
        requiredAttributes: [RequiredAttribute] = [],
        seed: UInt64 = 0
    ) {
        self.count = count
        self.cpu = cpu
        self.memory = memory
        self.tcpPorts = tcpPorts
        self.udpPorts = udpPorts
        self.group = group
        self.strategies = strategies
        self.constraints = constraints
        self.requiredAttributes = requiredAttributes
        self.seed = seed
    }
}
