import AdmiralStore

/// Instance targets are ECS container instances: a target group of type `instance` takes
/// the EC2 instance id of any registered (ACTIVE or DRAINING) container instance.
public struct ContainerInstanceTargets: InstanceTargetResolver {
    let store: any Store

    /// Creates the resolver over a store.
    public init(store: any Store) {
        self.store = store
    }

    public func unknownInstanceIds(among ids: [String]) async throws -> [String] {
        let known = Set(try await store.liveContainerInstances().map(\.ec2InstanceId))
        return ids.filter { !known.contains($0) }
    }
}
