#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP port of 127.0.0.1 that nothing listens on and nothing else can take while the
/// reservation lasts: a socket bound to it that never listens. A connection to it is
/// refused, and the kernel picks it neither for another bind nor as the source port of an
/// outgoing connection, so a test that needs "nothing listens here" does not race other
/// tests for a port that was only free for a moment (a freed port can be taken by the next
/// test's listener, or by a connection to it from that very port, which then succeeds).
final class ReservedPort: Sendable {
    let port: Int
    private let descriptor: Int32

    /// Reserves `port`, or any free port with 0; nil when it is taken.
    init?(port: Int = 0) {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return nil }
        // Connections of an earlier owner in TIME_WAIT do not keep the port; a socket
        // bound or listening there does.
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard bound == 0, named == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    deinit { close(descriptor) }
}
