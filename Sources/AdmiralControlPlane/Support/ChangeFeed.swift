import AdmiralModel
import AdmiralStore
import Synchronization

/// What the domain services announce after each committed change, so that waiting
/// parties react at once instead of on a timer: an agent's long poll (keyed by
/// instance) and the controllers (keyed by cluster).
public final class ChangeFeed: Sendable {
    /// Keyed `<cluster>/<container instance id>`: the instance's desired tasks changed.
    public let instances = Signals()
    /// Keyed by cluster name: a task or container instance of the cluster changed.
    public let clusters = Signals()
    /// Keyed `controller`: there is service work (see `takeServiceWork`).
    public let services = Signals()
    /// The key the service controller waits on.
    public static let controllerKey = "controller"
    /// Keyed `placer`: there may be room for tasks that wait in PROVISIONING (an instance
    /// changed, a task stopped or started to wait).
    public let placement = Signals()
    /// The key the waiting-task placer waits on.
    public static let placerKey = "placer"

    /// Services to reconcile, by `<cluster>/<name>`, and clusters all of whose services
    /// are to be reconciled (an instance joined, drained or went away).
    public struct ServiceWork: Sendable, Equatable {
        public var services: Set<String> = []
        public var clusters: Set<String> = []
        /// Whether every service with load balancers is to be reconciled (a target's
        /// health changed).
        public var loadBalanced = false

        /// Creates work.
        public init(services: Set<String> = [], clusters: Set<String> = [], loadBalanced: Bool = false) {
            self.services = services
            self.clusters = clusters
            self.loadBalanced = loadBalanced
        }

        public var isEmpty: Bool { services.isEmpty && clusters.isEmpty && !loadBalanced }
    }

    private let work = Mutex(ServiceWork())

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
            if task.isPlaced { instances.insert(Self.instanceKey(cluster: task.cluster, id: task.containerInstanceId)) }
        }
        for key in instances { self.instances.signal(key) }
        for cluster in clusters { self.clusters.signal(cluster) }
        if tasks.contains(where: { $0.lastStatus == .stopped || $0.lastStatus == .provisioning }) {
            placement.signal(Self.placerKey)
        }
        let services = tasks.compactMap { task in task.serviceName.map { "\(task.cluster)/\($0)" } }
        if !services.isEmpty {
            work.withLock { $0.services.formUnion(services) }
            self.services.signal(Self.controllerKey)
        }
    }

    /// A service was created or changed.
    public func serviceChanged(cluster: String, name: String) {
        _ = work.withLock { $0.services.insert("\(cluster)/\(name)") }
        services.signal(Self.controllerKey)
    }

    /// A load balancer target's health changed (or a target finished draining).
    public func targetHealthChanged() {
        work.withLock { $0.loadBalanced = true }
        services.signal(Self.controllerKey)
    }

    /// Takes the service work noted so far.
    public func takeServiceWork() -> ServiceWork {
        work.withLock { work in
            defer { work = ServiceWork() }
            return work
        }
    }

    /// A container instance registered, changed status or connectivity.
    public func instanceChanged(cluster: String, id: String) {
        instances.signal(Self.instanceKey(cluster: cluster, id: id))
        clusters.signal(cluster)
        _ = work.withLock { $0.clusters.insert(cluster) }
        services.signal(Self.controllerKey)
        placement.signal(Self.placerKey)
    }
}
