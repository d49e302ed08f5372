import AdmiralControlPlane
import AdmiralStore
import Hummingbird
import Logging

/// The composition root of `admiral server`: the AWS endpoint over a store, bound to
/// an address. Tests call it with their own store and port. `loadBalancing` is the
/// Elastic Load Balancing service to serve (pass the one the services controller and the
/// data plane glue share); without one, a service over `store` with the configuration's
/// addressing is made.
public func buildServer(
    configuration: APIConfiguration,
    store: any Store & LoadBalancerStore,
    loadBalancing: LoadBalancingService? = nil,
    address: BindAddress,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let ecs = ECSHandler(
        clusters: ClusterService(store: store),
        taskDefinitions: TaskDefinitionService(store: store),
        tags: TagService(store: store))
    let elbv2 = ELBv2Handler(
        service: loadBalancing
            ?? LoadBalancingService(store: store, addressing: configuration.loadBalancerAddressing))
    let endpoint = AWSEndpoint(configuration: configuration, ecs: ecs, elbv2: elbv2, logger: logger)
    return Application(
        responder: endpoint,
        configuration: ApplicationConfiguration(address: address, serverName: "admiral"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
}
