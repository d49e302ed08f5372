import AdmiralModel

/// The outcome of a placement request: where each placed task goes, and why the rest
/// could not be placed.
public struct PlacementPlan: Sendable, Equatable {
    /// The container instance ARN of each placed task, in placement order.
    public var placements: [String]
    /// How many tasks of the request could not be placed.
    public var unplacedCount: Int
    /// Why, per instance: the first filter each instance failed, in pipeline order.
    public var failures: [PlacementFailure]

    /// Creates a plan.
    public init(placements: [String] = [], unplacedCount: Int = 0, failures: [PlacementFailure] = []) {
        self.placements = placements
        self.unplacedCount = unplacedCount
        self.failures = failures
    }

    /// The reason of the instances that came closest to taking the task: the filter that
    /// eliminated the last candidates.
    public var reason: PlacementFailure.Reason? { failures.map(\.reason).max() }

    /// The failures as ECS returns them from RunTask: one per container instance.
    public var ecsFailures: [ECS.Failure] {
        failures.map { ECS.Failure(arn: $0.instanceId, reason: $0.reason.rawValue) }
    }
}

/// Why a task could not go on an instance (or anywhere).
public struct PlacementFailure: Sendable, Hashable {
    /// The reasons ECS reports, in the order the engine's filters run; a later reason
    /// means the instance passed more filters (it came closer).
    public enum Reason: String, Sendable, Hashable, Comparable, CaseIterable {
        /// The cluster has no container instances at all.
        case noInstances = "No Container Instances were found in your cluster."
        /// The instance is not ACTIVE or its agent is disconnected.
        case agent = "AGENT"
        /// The instance lacks an attribute the task definition requires.
        case attribute = "ATTRIBUTE"
        /// The instance does not satisfy a `memberOf` constraint.
        case memberOf = "MemberOf"
        /// The instance already runs a task of the group (`distinctInstance`).
        case distinctInstance = "DistinctInstance"
        /// Not enough CPU remains.
        case cpu = "RESOURCE:CPU"
        /// Not enough memory remains.
        case memory = "RESOURCE:MEMORY"
        /// A fixed TCP host port is taken.
        case ports = "RESOURCE:PORTS"
        /// A fixed UDP host port is taken.
        case portsUDP = "RESOURCE:PORTS_UDP"

        private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

        /// Whether `lhs` comes earlier in the filter pipeline than `rhs`.
        public static func < (lhs: Reason, rhs: Reason) -> Bool { lhs.rank < rhs.rank }
    }

    /// The container instance ARN, or nil when the failure concerns the whole cluster.
    public var instanceId: String?
    /// Why.
    public var reason: Reason

    /// Creates a failure.
    public init(instanceId: String?, reason: Reason) {
        self.instanceId = instanceId
        self.reason = reason
    }
}
