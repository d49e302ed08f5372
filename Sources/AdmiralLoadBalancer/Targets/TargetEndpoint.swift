import NIOCore
import Synchronization

/// One registration of a target in a target group, shared by every event loop: the
/// request path reads and updates it without taking the group's lock.
final class TargetEndpoint: Sendable, CustomStringConvertible {
    let target: TargetConfiguration
    let groupID: String
    /// The `AWSALB` cookie value that names this target.
    let stickyToken: String
    /// The resolved address when ``TargetConfiguration/host`` is an IP literal.
    let socketAddress: SocketAddress?
    /// Requests sent to this target that have not completed.
    let outstanding = Counter()
    private let drainingFlag = Atomic<Bool>(false)
    private let retiredFlag = Atomic<Bool>(false)

    init(target: TargetConfiguration, groupID: String) {
        self.target = target
        self.groupID = groupID
        self.stickyToken = Self.token(groupID: groupID, target: target)
        self.socketAddress = try? SocketAddress(ipAddress: target.host, port: target.port)
    }

    /// Deregistered: no new requests; connections are closed when released.
    var isDraining: Bool { drainingFlag.load(ordering: .relaxed) }
    /// Gone from the group: every connection to it is closed.
    var isRetired: Bool { retiredFlag.load(ordering: .relaxed) }

    func markDraining() { drainingFlag.store(true, ordering: .relaxed) }
    func markRetired() {
        drainingFlag.store(true, ordering: .relaxed)
        retiredFlag.store(true, ordering: .relaxed)
    }

    var description: String { "\(target) in \(groupID)" }

    /// A stable opaque value (FNV-1a, 64 bits, hex) naming the target within its group.
    static func token(groupID: String, target: TargetConfiguration) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(groupID)|\(target.id)|\(target.host)|\(target.port)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
