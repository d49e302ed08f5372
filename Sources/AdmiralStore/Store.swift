import AdmiralModel
import Foundation

/// The persistence contract of the control plane.
///
/// Every method is one transaction: when it returns, its change is committed and
/// survives a killed process. Methods that take a closure run it inside the
/// transaction, against the current row, so that read-check-write sequences (next
/// revision, state transitions) are atomic. Closures must be pure and quick.
///
/// The contract is kept narrow so that a PostgreSQL implementation can follow
/// without touching the domain services or the handlers.
public protocol Store: Sendable {
    // MARK: Clusters

    /// Creates a cluster, or returns the existing ACTIVE one of that name unchanged
    /// (CreateCluster is idempotent). An INACTIVE cluster of that name is replaced.
    /// Tags are stored with a created cluster only.
    func createCluster(_ record: ClusterRecord, tags: [ECS.Tag]) async throws -> (
        record: ClusterRecord, created: Bool
    )

    /// The cluster of that name, ACTIVE or INACTIVE.
    func cluster(named name: String) async throws -> ClusterRecord?

    /// The clusters of those names that exist, by name.
    func clusters(named names: [String]) async throws -> [String: ClusterRecord]

    /// The live counts of the named clusters.
    func clusterCounts(named names: [String]) async throws -> [String: ClusterCounts]

    /// ACTIVE clusters ordered by name, after the given name.
    func listActiveClusters(after name: String?, limit: Int) async throws -> [ClusterRecord]

    /// Applies `change` to the ACTIVE cluster of that name, with its live counts, and
    /// stores the result. Returns nil when there is no ACTIVE cluster of that name.
    /// A throwing `change` writes nothing.
    func updateCluster(
        named name: String,
        _ change: @Sendable (inout ClusterRecord, ClusterCounts) throws -> Void
    ) async throws -> ClusterRecord?

    // MARK: Task definitions

    /// Registers `definition` as the next revision of `family`, ACTIVE. The store
    /// assigns the revision (concurrent calls get distinct, consecutive revisions) and
    /// sets the definition's `revision`; `taskDefinitionArn` is left to the caller to
    /// render, since the ARN's region is the request's.
    func registerTaskDefinition(
        family: String,
        definition: ECS.TaskDefinition,
        tags: [ECS.Tag]
    ) async throws -> TaskDefinitionRecord

    /// One revision, or the latest ACTIVE revision of the family when `revision` is nil.
    func taskDefinition(family: String, revision: Int?) async throws -> TaskDefinitionRecord?

    /// Revisions with one of `statuses`, ordered by family then revision (descending
    /// reverses both), after `cursor`, optionally limited to one family.
    func listTaskDefinitions(
        family: String?, statuses: [ECS.TaskDefinitionStatus], descending: Bool,
        after cursor: TaskDefinitionCursor?, limit: Int
    ) async throws -> [TaskDefinitionRecord]

    /// Family names ordered by name, after `name`.
    func listTaskDefinitionFamilies(
        prefix: String?, status: FamilyStatusFilter, after name: String?, limit: Int
    ) async throws -> [String]

    /// Applies `change` to one revision and stores the result; nil when it does not
    /// exist. A throwing `change` writes nothing.
    func updateTaskDefinition(
        family: String, revision: Int,
        _ change: @Sendable (inout TaskDefinitionRecord) throws -> Void
    ) async throws -> TaskDefinitionRecord?

    // MARK: Tags

    /// The tags of a resource, in the order they were first added.
    func tags(of resource: TaggableResource) async throws -> [ECS.Tag]

    /// Adds or overwrites `add` and removes `removeKeys` on an existing resource.
    /// `check` sees the resulting tags and may throw to refuse (limits); then nothing
    /// is written. Returns false when the resource does not exist.
    func updateTags(
        of resource: TaggableResource, add: [ECS.Tag], removeKeys: [String],
        check: @Sendable ([ECS.Tag]) throws -> Void
    ) async throws -> Bool
}
