import AdmiralModel
import Foundation

/// A cluster as the store keeps it. Counts and tags are not part of the record: counts
/// are derived from the rows that own them, tags live beside every taggable resource.
public struct ClusterRecord: Sendable, Equatable {
    /// Status of a cluster record.
    public enum Status: String, Sendable, Equatable {
        case active = "ACTIVE"
        case inactive = "INACTIVE"
    }

    public var name: String
    public var status: Status
    /// The wire shape's stored members: settings, configuration, capacity providers,
    /// service connect defaults. Counts, statistics and tags are filled in on read.
    public var cluster: ECS.Cluster
    public var createdAt: Date

    /// Creates a record.
    public init(name: String, status: Status, cluster: ECS.Cluster, createdAt: Date) {
        self.name = name
        self.status = status
        self.cluster = cluster
        self.createdAt = createdAt
    }
}

/// The live counts of a cluster, computed by the store from the rows that own them.
public struct ClusterCounts: Sendable, Equatable {
    public var registeredContainerInstances = 0
    public var runningTasks = 0
    public var pendingTasks = 0
    public var activeServices = 0
    public var drainingServices = 0

    /// Creates counts, all zero by default.
    public init() {}
}

/// A task definition revision as the store keeps it.
public struct TaskDefinitionRecord: Sendable, Equatable {
    public var family: String
    public var revision: Int
    public var status: ECS.TaskDefinitionStatus
    /// The whole wire shape, computed members included.
    public var definition: ECS.TaskDefinition

    /// Creates a record.
    public init(
        family: String, revision: Int, status: ECS.TaskDefinitionStatus, definition: ECS.TaskDefinition
    ) {
        self.family = family
        self.revision = revision
        self.status = status
        self.definition = definition
    }
}

/// A resource that can carry tags, named by its primary key.
public enum TaggableResource: Sendable, Hashable {
    case cluster(name: String)
    case taskDefinition(family: String, revision: Int)
    case task(cluster: String, id: String)
    case containerInstance(cluster: String, id: String)
    case service(cluster: String, name: String)
    case capacityProvider(name: String)
}

/// A position in a keyset-paginated list of task definitions.
public struct TaskDefinitionCursor: Sendable, Hashable, Codable {
    public var family: String
    public var revision: Int

    /// Creates a cursor.
    public init(family: String, revision: Int) {
        self.family = family
        self.revision = revision
    }
}

/// Which task definition families a family listing returns.
public enum FamilyStatusFilter: Sendable, Hashable {
    /// Families with at least one ACTIVE revision.
    case active
    /// Families with no ACTIVE revision.
    case inactive
    /// Every family.
    case all
}
