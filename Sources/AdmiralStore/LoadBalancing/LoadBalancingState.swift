import AdmiralModel
import Foundation

/// The whole Elastic Load Balancing configuration as one value: what
/// ``LoadBalancerStore`` reads and what the control plane's pure transitions change.
/// Keys of the dictionaries are the records' ids (targets: their keys).
public struct LoadBalancingState: Sendable, Hashable {
    /// Increases by one with every committed change; 0 before the first.
    public var version: Int64
    public var loadBalancers: [String: LoadBalancerRecord]
    public var targetGroups: [String: TargetGroupRecord]
    public var listeners: [String: ListenerRecord]
    public var rules: [String: ListenerRuleRecord]
    public var targets: [TargetKey: TargetRecord]
    /// The availability zone each subnet was first given.
    public var subnetZones: [String: String]
    /// The next position of the round-robin zone assignment.
    public var nextZonePosition: Int

    /// Creates a state, empty by default.
    public init(
        version: Int64 = 0, loadBalancers: [String: LoadBalancerRecord] = [:],
        targetGroups: [String: TargetGroupRecord] = [:], listeners: [String: ListenerRecord] = [:],
        rules: [String: ListenerRuleRecord] = [:], targets: [TargetKey: TargetRecord] = [:],
        subnetZones: [String: String] = [:], nextZonePosition: Int = 0
    ) {
        self.version = version
        self.loadBalancers = loadBalancers
        self.targetGroups = targetGroups
        self.listeners = listeners
        self.rules = rules
        self.targets = targets
        self.subnetZones = subnetZones
        self.nextZonePosition = nextZonePosition
    }

    /// Whether the configuration (everything but the version) is the same.
    public func sameConfiguration(as other: LoadBalancingState) -> Bool {
        var copy = other
        copy.version = version
        return copy == self
    }
}
