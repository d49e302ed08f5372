import AdmiralControlPlane
import AdmiralStore
import Hummingbird
import Logging

/// The composition root of `admiral server`: the AWS endpoint over a control plane,
/// bound to an address. Tests call it with their own control plane and port.
public func buildServer(
    configuration: APIConfiguration,
    controlPlane: ControlPlane,
    address: BindAddress,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let endpoint = AWSEndpoint(
        configuration: configuration, ecs: ECSHandler(controlPlane), agent: AgentHandler(controlPlane),
        elbv2: ELBv2Handler(service: controlPlane.loadBalancing), logger: logger)
    return Application(
        responder: endpoint,
        configuration: ApplicationConfiguration(address: address, serverName: "admiral"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
}
