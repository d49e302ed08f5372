import AdmiralControlPlane
import AdmiralStore
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The API server's settings.
public enum Server {
    /// How long a connection may go without a complete request head or body part before
    /// it is closed: a client that sends a request too slowly (or half of one) and an idle
    /// keep-alive connection both give their connection back (nginx's client header
    /// timeout is 60 s).
    public static let defaultIdleTimeout = TimeAmount.seconds(60)
}

/// The composition root of `admiral server`: the AWS endpoint over a control plane,
/// bound to an address, closing connections idle for `idleTimeout`. Tests call it with
/// their own control plane and port.
public func buildServer(
    configuration: APIConfiguration,
    controlPlane: ControlPlane,
    address: BindAddress,
    idleTimeout: TimeAmount = Server.defaultIdleTimeout,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let endpoint = AWSEndpoint(
        configuration: configuration, ecs: ECSHandler(controlPlane), agent: AgentHandler(controlPlane),
        elbv2: ELBv2Handler(service: controlPlane.loadBalancing),
        cloudWatch: CloudWatchHandler(service: controlPlane.cloudWatch),
        autoScaling: ApplicationAutoScalingHandler(service: controlPlane.autoScaling), logger: logger,
        logs: LogsHandler(service: controlPlane.logs))
    return Application(
        responder: endpoint,
        server: .http1(configuration: HTTP1Channel.Configuration(idleTimeout: idleTimeout)),
        configuration: ApplicationConfiguration(address: address, serverName: "admiral"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
}
