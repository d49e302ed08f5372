import AdmiralModel
import Foundation

/// A container instance as the store keeps it.
public struct ContainerInstanceRecord: Sendable, Equatable, Codable {
    /// The cluster it is registered in.
    public var cluster: String
    /// The 32-hex id of its ARN.
    public var id: String
    /// The EC2 instance id its agent reports (from the instance identity document).
    public var ec2InstanceId: String
    public var status: ContainerInstanceStatus
    public var statusReason: String?
    /// Whether its agent is connected (polling). Changes are written when they happen.
    public var agentConnected: Bool
    public var registeredAt: Date
    /// When it was deregistered (INACTIVE), for the reaper.
    public var deregisteredAt: Date?
    /// What its agent registered.
    public var registered: InstanceResources
    /// Built-in and custom attributes.
    public var attributes: [ECS.Attribute]
    public var versionInfo: ECS.VersionInfo?
    /// ECS's record version, incremented on every change of the instance.
    public var version: Int
    /// What its tasks hold, maintained with every task change.
    public var usage: InstanceUsage
    /// The address other hosts (the load balancer) reach the instance's published ports
    /// on, from its identity document's `privateIp`; nil when it gave none.
    public var privateIpAddress: String?
    /// The version of the instance's desired tasks: incremented whenever a task is placed
    /// on it or one of its tasks is asked to stop, so a polling agent learns at once.
    public var desiredVersion: Int
    /// The capacity provider whose Auto Scaling group launched the instance, if any.
    public var capacityProviderName: String?

    /// Creates a record.
    public init(
        cluster: String, id: String, ec2InstanceId: String, status: ContainerInstanceStatus = .active,
        statusReason: String? = nil, agentConnected: Bool = true, registeredAt: Date, deregisteredAt: Date? = nil,
        registered: InstanceResources, attributes: [ECS.Attribute] = [], versionInfo: ECS.VersionInfo? = nil,
        version: Int = 1, usage: InstanceUsage = InstanceUsage(), desiredVersion: Int = 0
    ) {
        self.cluster = cluster
        self.id = id
        self.ec2InstanceId = ec2InstanceId
        self.status = status
        self.statusReason = statusReason
        self.agentConnected = agentConnected
        self.registeredAt = registeredAt
        self.deregisteredAt = deregisteredAt
        self.registered = registered
        self.attributes = attributes
        self.versionInfo = versionInfo
        self.version = version
        self.usage = usage
        self.desiredVersion = desiredVersion
    }

    /// What remains for new tasks.
    public var remaining: InstanceResources { registered.remaining(after: usage) }

    /// The value of an attribute; nil when absent or valueless.
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }
}

/// A position in a keyset-paginated list of container instances.
public struct ContainerInstanceCursor: Sendable, Hashable, Codable {
    public var id: String

    /// Creates a cursor.
    public init(id: String) { self.id = id }
}
