import NIOCore
import Synchronization

/// A bound listener socket: the routing table its connections read for each request, and
/// the client connections it accepted (so that closing the listener can close them).
final class ListenerRuntime: Sendable {
    /// Sent through a client connection's pipeline when its listener closes.
    struct Closing: Sendable {}

    let address: String
    let port: Int
    private let table: Mutex<RoutingTable?>
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    init(address: String, port: Int, table: RoutingTable) {
        self.address = address
        self.port = port
        self.table = Mutex(table)
    }

    /// The rules for the next request; `nil` once the listener is closed.
    @inline(__always)
    func currentTable() -> RoutingTable? {
        table.withLock { $0 }
    }

    /// Swaps the rules: every request that starts after this call sees `newTable`.
    func install(_ newTable: RoutingTable) {
        table.withLock { $0 = newTable }
    }

    func register(_ channel: any Channel) {
        connections.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    func unregister(_ channel: any Channel) {
        _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var connectionCount: Int { connections.withLock { $0.count } }

    /// Stops routing: idle client connections close now, busy ones after their response.
    func closeConnections() {
        table.withLock { $0 = nil }
        let channels = connections.withLock { Array($0.values) }
        for channel in channels {
            channel.pipeline.fireUserInboundEventTriggered(Closing())
        }
    }
}
