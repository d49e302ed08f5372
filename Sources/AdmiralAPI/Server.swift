import AdmiralConsole
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

    /// How many connections the API port holds at once. Past it the server stops
    /// accepting (new connections wait in the kernel's backlog until one closes), so one
    /// client opening connections cannot use up the process's file descriptors, which
    /// the store, Docker and the load balancer's sockets need too. nginx's default
    /// `worker_connections` is 512 a worker; agents hold one long poll each.
    public static let defaultMaxConnections = 4096
}

/// The composition root of `admiral server`: the AWS endpoint over a control plane,
/// bound to an address, closing connections idle for `idleTimeout` and holding at most
/// `maxConnections` at once. Tests call it with their own control plane and port.
public func buildServer(
    configuration: APIConfiguration,
    controlPlane: ControlPlane,
    address: BindAddress,
    idleTimeout: TimeAmount = Server.defaultIdleTimeout,
    maxConnections: Int = Server.defaultMaxConnections,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let endpoint = AWSEndpoint(
        configuration: configuration, ecs: ECSHandler(controlPlane), agent: AgentHandler(controlPlane),
        elbv2: ELBv2Handler(service: controlPlane.loadBalancing),
        cloudWatch: CloudWatchHandler(service: controlPlane.cloudWatch),
        autoScaling: ApplicationAutoScalingHandler(service: controlPlane.autoScaling), logger: logger,
        logs: LogsHandler(service: controlPlane.logs), instanceCredentials: controlPlane.instanceCredentials,
        ec2AutoScaling: EC2AutoScalingHandler(service: controlPlane.ec2AutoScaling),
        ec2: EC2Handler(service: controlPlane.ec2),
        console: Console(
            controlPlane: controlPlane,
            users: configuration.principals.map {
                ConsoleUser(name: $0.name, accessKeyId: $0.accessKeyId, secretAccessKey: $0.secretAccessKey)
            }))
    return Application(
        responder: endpoint,
        server: .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [LingeringCloseHandler()], idleTimeout: idleTimeout)),
        configuration: ApplicationConfiguration(
            address: address, serverName: "admiral",
            availableConnectionsDelegate: MaximumAvailableConnections(maxConnections, logger: logger)),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: logger)
}
