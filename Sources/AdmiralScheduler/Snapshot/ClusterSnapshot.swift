/// The container instances of one cluster as the scheduler sees them. The engine updates
/// it as it places each task, so the next task of a request (and the next request given
/// to the same engine) sees the resources already reserved.
public struct ClusterSnapshot: Sendable {
    /// The instances, in a stable order (ties between equally good instances go to the
    /// earlier one).
    public private(set) var instances: [InstanceSnapshot]
    private var ordinalByID: [String: Int]

    /// Creates a snapshot of the given instances.
    public init(instances: [InstanceSnapshot]) {
        self.instances = instances
        var ordinals: [String: Int] = [:]
        ordinals.reserveCapacity(instances.count)
        for (ordinal, instance) in instances.enumerated() { ordinals[instance.id] = ordinal }
        self.ordinalByID = ordinals
    }

    /// The instance with the given container instance ARN.
    public subscript(id: String) -> InstanceSnapshot? {
        ordinalByID[id].map { instances[$0] }
    }

    /// The position of an instance in `instances`.
    public func ordinal(of id: String) -> Int? { ordinalByID[id] }

    /// Reserves one task of the request on the instance at `ordinal`.
    mutating func reserve(_ request: PlacementRequest, at ordinal: Int) {
        instances[ordinal].reserve(request)
    }
}
