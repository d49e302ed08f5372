import AdmiralStore

/// What the domain services announce after each committed change, so that waiting
/// parties react at once instead of on a timer: an agent's long poll (keyed by
/// instance) and the controllers (keyed by cluster).
public final class ChangeFeed: Sendable {
    /// Keyed `<cluster>/<container instance id>`: the instance's desired tasks changed.
    public let instances = Signals()
    /// Keyed by cluster name: a task or container instance of the cluster changed.
    public let clusters = Signals()

    /// Creates a feed.
    public init() {}

    /// The key of an instance's signal.
    public static func instanceKey(cluster: String, id: String) -> String { "\(cluster)/\(id)" }

    /// Tasks were created or changed.
    public func tasksChanged(_ tasks: [TaskRecord]) {
        var clusters: Set<String> = []
        var instances: Set<String> = []
        for task in tasks {
            clusters.insert(task.cluster)
            instances.insert(Self.instanceKey(cluster: task.cluster, id: task.containerInstanceId))
        }
        for key in instances { self.instances.signal(key) }
        for cluster in clusters { self.clusters.signal(cluster) }
    }

    /// A container instance registered, changed status or connectivity.
    public func instanceChanged(cluster: String, id: String) {
        instances.signal(Self.instanceKey(cluster: cluster, id: id))
        clusters.signal(cluster)
    }
}
