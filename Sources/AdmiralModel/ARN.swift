import Foundation

/// An Amazon Resource Name: `arn:partition:service:region:account:resource`.
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var accountId: String
    /// The resource part, e.g. `cluster/default` or `task-definition/web:3`.
    public var resource: String

    /// Creates an ARN from its parts.
    public init(
        partition: String = "aws", service: String, region: String, accountId: String, resource: String
    ) {
        self.partition = partition
        self.service = service
        self.region = region
        self.accountId = accountId
        self.resource = resource
    }

    /// Parses `arn:partition:service:region:account:resource`; nil when it is not an ARN.
    public init?(_ string: String) {
        let parts = string.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[2].isEmpty, !parts[5].isEmpty else {
            return nil
        }
        self.partition = String(parts[1])
        self.service = String(parts[2])
        self.region = String(parts[3])
        self.accountId = String(parts[4])
        self.resource = String(parts[5])
    }

    public var description: String {
        "arn:\(partition):\(service):\(region):\(accountId):\(resource)"
    }

    /// The resource type and the rest, split at the first `/`: `("cluster", "default")`.
    public var resourceTypeAndId: (type: String, id: String)? {
        guard let slash = resource.firstIndex(of: "/") else { return nil }
        return (String(resource[..<slash]), String(resource[resource.index(after: slash)...]))
    }
}

/// Builds and reads the ARNs of ECS resources for one region and account.
public struct ECSNames: Sendable, Hashable {
    public var region: String
    public var accountId: String

    /// Creates the namer.
    public init(region: String, accountId: String) {
        self.region = region
        self.accountId = accountId
    }

    private func arn(_ resource: String) -> String {
        ARN(service: "ecs", region: region, accountId: accountId, resource: resource).description
    }

    /// `arn:aws:ecs:<region>:<account>:cluster/<name>`.
    public func clusterARN(_ name: String) -> String { arn("cluster/\(name)") }

    /// `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>`.
    public func taskDefinitionARN(family: String, revision: Int) -> String {
        arn("task-definition/\(family):\(revision)")
    }

    /// `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`.
    public func taskARN(cluster: String, id: String) -> String { arn("task/\(cluster)/\(id)") }

    /// `arn:aws:ecs:<region>:<account>:container-instance/<cluster>/<id>`.
    public func containerInstanceARN(cluster: String, id: String) -> String {
        arn("container-instance/\(cluster)/\(id)")
    }

    /// `arn:aws:ecs:<region>:<account>:container/<cluster>/<task id>/<container id>`.
    public func containerARN(cluster: String, taskId: String, containerId: String) -> String {
        arn("container/\(cluster)/\(taskId)/\(containerId)")
    }

    /// `arn:aws:ecs:<region>:<account>:capacity-provider/<name>`.
    public func capacityProviderARN(_ name: String) -> String { arn("capacity-provider/\(name)") }

    /// `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`.
    public func serviceARN(cluster: String, name: String) -> String { arn("service/\(cluster)/\(name)") }

    /// The cluster name of a name or cluster ARN; nil when the ARN is not a cluster's.
    public static func clusterName(fromIdentifier identifier: String) -> String? {
        guard identifier.hasPrefix("arn:") else { return identifier }
        guard let arn = ARN(identifier), arn.service == "ecs",
            let (type, id) = arn.resourceTypeAndId, type == "cluster", !id.isEmpty
        else { return nil }
        return id
    }
}

/// A reference to a task definition as ECS accepts it: `family`, `family:revision` or
/// the full ARN.
public struct TaskDefinitionReference: Sendable, Hashable {
    public var family: String
    /// The revision; nil means the latest ACTIVE revision of the family.
    public var revision: Int?

    /// Creates a reference.
    public init(family: String, revision: Int?) {
        self.family = family
        self.revision = revision
    }

    /// Parses a reference; nil when it has none of the three forms.
    public init?(parsing identifier: String) {
        var text = Substring(identifier)
        if identifier.hasPrefix("arn:") {
            guard let arn = ARN(identifier), arn.service == "ecs",
                let (type, id) = arn.resourceTypeAndId, type == "task-definition"
            else { return nil }
            text = Substring(id)
            guard text.contains(":") else { return nil }
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard !parts[0].isEmpty else { return nil }
            self.init(family: String(parts[0]), revision: nil)
        case 2:
            guard !parts[0].isEmpty, let revision = Int(parts[1]), revision > 0 else { return nil }
            self.init(family: String(parts[0]), revision: revision)
        default:
            return nil
        }
    }
}

/// A reference to a cluster-scoped resource (a task, a container instance, a service) as
/// ECS accepts it: the bare id or name, or the full ARN `<type>/<cluster>/<id>` (or the
/// older `<type>/<id>`, without the cluster).
public struct ClusterScopedReference: Sendable, Hashable {
    /// The cluster the ARN names, when it names one.
    public var cluster: String?
    /// The id (tasks, container instances) or name (services).
    public var id: String

    /// Creates a reference.
    public init(cluster: String?, id: String) {
        self.cluster = cluster
        self.id = id
    }

    /// Parses an id or an ARN of resource type `type`; nil when it is neither.
    public init?(parsing identifier: String, type: String) {
        guard !identifier.isEmpty else { return nil }
        guard identifier.hasPrefix("arn:") else {
            guard !identifier.contains("/") else { return nil }
            self.init(cluster: nil, id: identifier)
            return
        }
        guard let arn = ARN(identifier), arn.service == "ecs", let (kind, rest) = arn.resourceTypeAndId,
            kind == type
        else { return nil }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where !parts[0].isEmpty:
            self.init(cluster: nil, id: String(parts[0]))
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty:
            self.init(cluster: String(parts[0]), id: String(parts[1]))
        default:
            return nil
        }
    }
}

/// Random identifiers in ECS's formats.
public enum ResourceID {
    /// A 32-hex-digit id, as task and container instance ids are.
    public static func hex32() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(UInt64.random(in: .min ... .max, using: &generator))
            + hex(UInt64.random(in: .min ... .max, using: &generator))
    }

    /// A lowercase UUID, as container ids inside container ARNs are.
    public static func uuid() -> String {
        UUID().uuidString.lowercased()
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
