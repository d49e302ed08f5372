import AdmiralModel
import Foundation

/// A load balancer as the store keeps it. ARNs are rendered on read with the request's
/// region; the record keeps the name and the 16-hex-digit id.
public struct LoadBalancerRecord: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var scheme: ELBv2.LoadBalancerSchemeEnum
    public var ipAddressType: ELBv2.IpAddressType
    /// The address it listens on, which is also its DNSName.
    public var address: String
    public var vpcId: String
    /// The subnets in the order given, with their zones.
    public var zones: [Zone]
    public var securityGroups: [String]
    /// The attributes set to something other than their default.
    public var attributes: [String: String]
    public var tags: [ELBv2.Tag]
    public var createdAt: Date

    /// A subnet of the load balancer and its availability zone.
    public struct Zone: Sendable, Hashable, Codable {
        public var subnetId: String
        public var zoneName: String

        /// Creates a zone.
        public init(subnetId: String, zoneName: String) {
            self.subnetId = subnetId
            self.zoneName = zoneName
        }
    }

    /// Creates a record.
    public init(
        id: String, name: String, scheme: ELBv2.LoadBalancerSchemeEnum, ipAddressType: ELBv2.IpAddressType,
        address: String, vpcId: String, zones: [Zone], securityGroups: [String], attributes: [String: String],
        tags: [ELBv2.Tag], createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.scheme = scheme
        self.ipAddressType = ipAddressType
        self.address = address
        self.vpcId = vpcId
        self.zones = zones
        self.securityGroups = securityGroups
        self.attributes = attributes
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// A target group as the store keeps it; its targets are rows of their own.
public struct TargetGroupRecord: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var settings: TargetGroupSettings
    /// The attributes set to something other than their default.
    public var attributes: [String: String]
    public var tags: [ELBv2.Tag]
    public var createdAt: Date

    /// Creates a record.
    public init(
        id: String, name: String, settings: TargetGroupSettings, attributes: [String: String], tags: [ELBv2.Tag],
        createdAt: Date
    ) {
        self.id = id
        self.name = name
        self.settings = settings
        self.attributes = attributes
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// A listener as the store keeps it. Its default actions are those of its default rule.
public struct ListenerRecord: Sendable, Hashable, Codable {
    public var id: String
    public var loadBalancerId: String
    public var port: Int
    public var listenerProtocol: ELBv2.ProtocolEnum
    /// The id of its default rule.
    public var defaultRuleId: String
    public var tags: [ELBv2.Tag]
    public var createdAt: Date

    /// Creates a record.
    public init(
        id: String, loadBalancerId: String, port: Int, listenerProtocol: ELBv2.ProtocolEnum, defaultRuleId: String,
        tags: [ELBv2.Tag], createdAt: Date
    ) {
        self.id = id
        self.loadBalancerId = loadBalancerId
        self.port = port
        self.listenerProtocol = listenerProtocol
        self.defaultRuleId = defaultRuleId
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// A listener rule as the store keeps it, conditions and actions normalized.
public struct ListenerRuleRecord: Sendable, Hashable, Codable {
    public var id: String
    public var listenerId: String
    /// nil for the listener's default rule.
    public var priority: Int?
    public var conditions: [ELBv2.RuleCondition]
    public var actions: [ELBv2.Action]
    public var tags: [ELBv2.Tag]
    public var createdAt: Date

    /// Whether this is its listener's default rule.
    public var isDefault: Bool { priority == nil }

    /// Creates a record.
    public init(
        id: String, listenerId: String, priority: Int?, conditions: [ELBv2.RuleCondition], actions: [ELBv2.Action],
        tags: [ELBv2.Tag], createdAt: Date
    ) {
        self.id = id
        self.listenerId = listenerId
        self.priority = priority
        self.conditions = conditions
        self.actions = actions
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// A registered target: the key of its row.
public struct TargetKey: Sendable, Hashable, Codable, Comparable {
    public var targetGroupId: String
    public var id: String
    public var port: Int

    /// Creates a key.
    public init(targetGroupId: String, id: String, port: Int) {
        self.targetGroupId = targetGroupId
        self.id = id
        self.port = port
    }

    public static func < (lhs: TargetKey, rhs: TargetKey) -> Bool {
        (lhs.targetGroupId, lhs.id, lhs.port) < (rhs.targetGroupId, rhs.id, rhs.port)
    }
}

/// A registered target as the store keeps it.
public struct TargetRecord: Sendable, Hashable, Codable {
    public var key: TargetKey
    public var availabilityZone: String?
    public var registeredAt: Date

    /// Creates a record.
    public init(key: TargetKey, availabilityZone: String?, registeredAt: Date) {
        self.key = key
        self.availabilityZone = availabilityZone
        self.registeredAt = registeredAt
    }
}
