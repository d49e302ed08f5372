import AdmiralControlPlane
import AdmiralStore
import Hummingbird
import Logging

/// The composition root of `admiral server`: the AWS endpoint over a store, bound to
/// an address. Tests call it with their own store and port.
public func buildServer(
    configuration: APIConfiguration,
    store: any Store,
    address: BindAddress,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let ecs = ECSHandler(
        clusters: ClusterService(store: store),
        taskDefinitions: TaskDefinitionService(store: store),
        tags: TagService(store: store))
    let endpoint = AWSEndpoint(configuration: configuration, ecs: ecs, logger: logger)
    return Application(
        responder: endpoint,
        configuration: ApplicationConfiguration(address: address, serverName: "admiral"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
}
