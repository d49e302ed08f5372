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
    // MARK: Capacity providers

    /// Creates a capacity provider (replacing an INACTIVE one of that name) with its tags,
    /// after `check` accepts it against every provider stored (names and Auto Scaling
    /// groups are unique among the ACTIVE ones).
    func createCapacityProvider(
        _ record: CapacityProviderRecord, tags: [ECS.Tag], check: @Sendable ([CapacityProviderRecord]) throws -> Void
    ) async throws -> CapacityProviderRecord

    /// Every capacity provider, ACTIVE and INACTIVE, by name.
    func capacityProviders() async throws -> [CapacityProviderRecord]

    /// Changes a capacity provider in one transaction; `change` also sees the ACTIVE
    /// clusters (which ones use the provider). Nil when there is none of that name.
    func updateCapacityProvider(
        named name: String, _ change: @Sendable (inout CapacityProviderRecord, [ClusterRecord]) throws -> Void
    ) async throws -> CapacityProviderRecord?

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

    /// Registers `definition` as the next revision of `family`, ACTIVE, storing its JSON
    /// as encoded (whose `family` is `family` and `status` ACTIVE). The store assigns the
    /// revision (concurrent calls get distinct, consecutive revisions) and sets the
    /// definition's `revision`; `taskDefinitionArn` is left to the caller to render, since
    /// the ARN's region is the request's.
    func registerTaskDefinition(
        family: String,
        definition: ECS.EncodedTaskDefinition,
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

    // MARK: Container instances

    /// Registers a container instance in an ACTIVE cluster, or, when `reusing` names an
    /// instance of that cluster that is not INACTIVE, updates that one in place
    /// (resources, attributes, version info, connected) keeping its id, usage and
    /// registration time. Throws ClusterNotFoundException when the cluster is not ACTIVE.
    func registerContainerInstance(_ record: ContainerInstanceRecord, reusing id: String?) async throws
        -> ContainerInstanceRecord

    /// The container instances of a cluster with those ids that exist, by id.
    func containerInstances(cluster: String, ids: [String]) async throws -> [String: ContainerInstanceRecord]

    /// The container instance of a cluster whose EC2 instance id is `ec2InstanceId`.
    func containerInstance(cluster: String, ec2InstanceId: String) async throws -> ContainerInstanceRecord?

    /// Container instances of a cluster with one of `statuses` (every status when nil),
    /// ordered by id, after `cursor`.
    func listContainerInstances(
        cluster: String, statuses: [ContainerInstanceStatus]?, after cursor: String?, limit: Int
    ) async throws -> [ContainerInstanceRecord]

    /// Every container instance of every cluster that is not INACTIVE (liveness checks).
    func liveContainerInstances() async throws -> [ContainerInstanceRecord]

    /// Applies `change` to one container instance and stores it (its version incremented
    /// when anything changed); nil when it does not exist. A throwing `change` writes
    /// nothing.
    func updateContainerInstance(
        cluster: String, id: String, _ change: @Sendable (inout ContainerInstanceRecord) throws -> Void
    ) async throws -> ContainerInstanceRecord?

    /// Deregisters a container instance in one transaction: it becomes INACTIVE and
    /// `stop` is applied to each of its tasks that is not STOPPED (as `updateTasks` would);
    /// `check` sees those tasks first and may throw to refuse. Nil when the instance does
    /// not exist or is already INACTIVE.
    func deregisterContainerInstance(
        cluster: String, id: String, at date: Date,
        check: @Sendable ([TaskRecord]) throws -> Void,
        stop: @Sendable (inout TaskRecord) throws -> Void
    ) async throws -> (instance: ContainerInstanceRecord, stoppedTasks: [TaskRecord])?

    // MARK: Tasks

    /// Creates tasks in one transaction: `place` sees the cluster's container instances
    /// that are not INACTIVE, as they stand inside the transaction, and decides which tasks
    /// to create; their reservations are added to their instances' usage in the same
    /// transaction, so concurrent calls never overbook an instance. Tags are stored with
    /// each created task. Throws ClusterNotFoundException when the cluster is not ACTIVE.
    func createTasks(
        cluster: String, tags: [ECS.Tag],
        _ place: @Sendable ([ContainerInstanceRecord]) throws -> PlacementOutcome
    ) async throws -> PlacementOutcome

    /// The clusters that have tasks waiting in PROVISIONING, by name.
    func clustersWithProvisioningTasks() async throws -> [String]

    /// A cluster's tasks waiting in PROVISIONING, oldest first.
    func provisioningTasks(cluster: String) async throws -> [TaskRecord]

    /// Places tasks waiting in PROVISIONING in one transaction: `place` sees the cluster's
    /// container instances that are not INACTIVE and its PROVISIONING tasks desired
    /// RUNNING (oldest first), as they stand inside the transaction, and returns those it
    /// placed, changed (each on its instance, PENDING); their reservations are added to
    /// their instances' usage in the same transaction, as `createTasks` does. Tasks that
    /// are no longer waiting are not written. Returns the tasks placed.
    func placeProvisioningTasks(
        cluster: String, _ place: @Sendable ([ContainerInstanceRecord], [TaskRecord]) throws -> [TaskRecord]
    ) async throws -> [TaskRecord]

    /// The tasks of a cluster with those ids that exist, by id.
    func tasks(cluster: String, ids: [String]) async throws -> [String: TaskRecord]

    /// Tasks matching `filter`, ordered by id, after `cursor`.
    func listTasks(_ filter: TaskFilter, after cursor: String?, limit: Int) async throws -> [TaskRecord]

    /// The tasks placed on a container instance that are not STOPPED.
    func instanceTasks(cluster: String, containerInstanceId: String) async throws -> [TaskRecord]

    /// Applies `change` to each of the tasks (those that exist) in one transaction and
    /// stores them; the instances' usage follows (a task that becomes STOPPED releases its
    /// reservation) and an instance's desired version moves when one of its tasks'
    /// desired status changes. Returns the tasks that changed. A throwing `change` writes
    /// nothing.
    func updateTasks(
        cluster: String, ids: [String], _ change: @Sendable (inout TaskRecord) throws -> Void
    ) async throws -> [TaskRecord]

    /// Deletes tasks that have been STOPPED since before `date`; returns how many.
    func deleteTasks(stoppedBefore date: Date) async throws -> Int

    /// The tasks of a service that are not STOPPED, and those that stopped at or after
    /// `stoppedSince` (for the deployment circuit breaker).
    func serviceTasks(cluster: String, service: String, stoppedSince: Date?) async throws -> [TaskRecord]

    // MARK: Services

    /// Creates a service in an ACTIVE cluster. When a service of that name is ACTIVE or
    /// DRAINING, `sameRequest` decides: true returns it unchanged (an idempotent retry),
    /// false refuses with InvalidParameterException. An INACTIVE one is replaced.
    func createService(
        _ record: ServiceRecord, tags: [ECS.Tag], sameRequest: @Sendable (ServiceRecord) -> Bool
    ) async throws -> (record: ServiceRecord, created: Bool)

    /// The services of a cluster with those names that exist, in any status.
    func services(cluster: String, names: [String]) async throws -> [String: ServiceRecord]

    /// ACTIVE services of a cluster ordered by name, after `cursor`, optionally only those
    /// of one scheduling strategy.
    func listServices(
        cluster: String, schedulingStrategy: ECS.SchedulingStrategy?, after cursor: String?, limit: Int
    ) async throws -> [ServiceRecord]

    /// ACTIVE and DRAINING services, of one cluster or of all: what the controller runs.
    func liveServices(cluster: String?) async throws -> [ServiceRecord]

    /// Applies `change` to a service and stores it (its version incremented when anything
    /// changed); nil when it does not exist. A throwing `change` writes nothing.
    func updateService(
        cluster: String, name: String, _ change: @Sendable (inout ServiceRecord) throws -> Void
    ) async throws -> ServiceRecord?
}

extension Store {
    /// Registers `definition` as the next revision of `family`, ACTIVE, encoding it first.
    public func registerTaskDefinition(
        family: String,
        definition: ECS.TaskDefinition,
        tags: [ECS.Tag]
    ) async throws -> TaskDefinitionRecord {
        var definition = definition
        definition.family = family
        definition.status = .active
        return try await registerTaskDefinition(
            family: family, definition: ECS.EncodedTaskDefinition(definition), tags: tags)
    }
}
