import NIOCore
import NIOPosix

/// Keep-alive connections from one event loop to one target: idle ones are reused
/// last-in first-out, new ones are opened on the same loop as the client connection.
final class UpstreamPool {
    /// ALB's connection timeout towards targets; past it the client gets a 504.
    static let connectTimeout: TimeAmount = .seconds(10)
    /// Idle connections kept per target and event loop; more are closed on release.
    static let maximumIdleConnections = 256

    let endpoint: TargetEndpoint
    unowned let context: LoopContext
    private var idle: [UpstreamConnection] = []
    /// Every open connection, idle or carrying a request.
    private var open: [ObjectIdentifier: UpstreamConnection] = [:]

    init(endpoint: TargetEndpoint, context: LoopContext) {
        self.endpoint = endpoint
        self.context = context
    }

    var idleCount: Int { idle.count }

    /// An idle connection that is still open, if there is one.
    func takeIdle() -> UpstreamConnection? {
        while let connection = idle.popLast() {
            if connection.isActive {
                connection.idleSince = nil
                return connection
            }
        }
        return nil
    }

    /// Takes back a connection whose exchange finished cleanly; closes it instead when the
    /// target is draining or the pool is full.
    func release(_ connection: UpstreamConnection, idleTimeout: TimeAmount) {
        connection.owner = nil
        guard connection.isActive, !endpoint.isDraining, idle.count < Self.maximumIdleConnections else {
            connection.close()
            return
        }
        connection.idleSince = .now()
        idle.append(connection)
        connection.armIdleTimer(idleTimeout)
    }

    func remove(_ connection: UpstreamConnection) {
        if let index = idle.firstIndex(where: { $0 === connection }) {
            idle.remove(at: index)
        }
        open[ObjectIdentifier(connection)] = nil
    }

    func closeIdle() {
        let connections = idle
        idle = []
        for connection in connections { connection.close() }
    }

    /// Closes every connection, also those carrying a request (whose clients get a 502,
    /// or a closed connection when the response had started).
    func closeAll() {
        closeIdle()
        let connections = Array(open.values)
        open = [:]
        for connection in connections { connection.close() }
    }

    /// Opens a new connection to the target on this loop.
    func connect(
        counters: LoadBalancerCounters,
        _ completion: @escaping (Result<UpstreamConnection, any Error>) -> Void
    ) {
        let endpoint = self.endpoint
        let bootstrap = ClientBootstrap(group: context.eventLoop)
            .connectTimeout(Self.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.maxMessagesPerRead, value: 16)
            .channelInitializer { channel in
                do {
                    try channel.pipeline.syncOperations.addHandler(
                        UpstreamConnection(endpoint: endpoint, counters: counters))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let future: EventLoopFuture<any Channel>
        if let address = endpoint.socketAddress {
            future = bootstrap.connect(to: address)
        } else {
            future = bootstrap.connect(host: endpoint.target.host, port: endpoint.target.port)
        }
        future.assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let channel):
                do {
                    let connection = try channel.pipeline.syncOperations.handler(type: UpstreamConnection.self)
                    connection.pool = self
                    self.open[ObjectIdentifier(connection)] = connection
                    completion(.success(connection))
                } catch {
                    channel.close(promise: nil)
                    completion(.failure(error))
                }
            case .failure(let error):
                completion(.failure(error))
            }
        }
    }
}
