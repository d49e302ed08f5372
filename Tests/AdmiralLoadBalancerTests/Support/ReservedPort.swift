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
        // A sockaddr_in written out byte by byte (family in host order, port and address in
        // network order): its C fields are declared by more than one imported module.
        var address = [UInt8](repeating: 0, count: 16)
        address[0] = UInt8(truncatingIfNeeded: AF_INET)
        address[1] = UInt8(truncatingIfNeeded: AF_INET >> 8)
        address[2] = UInt8(port >> 8 & 0xFF)
        address[3] = UInt8(port & 0xFF)
        address[4...7] = [127, 0, 0, 1]
        let bound = address.withUnsafeBytes {
            bind(descriptor, $0.baseAddress?.assumingMemoryBound(to: sockaddr.self), 16)
        }
        var actual = [UInt8](repeating: 0, count: 16)
        var length = socklen_t(16)
        let named = actual.withUnsafeMutableBytes {
            getsockname(descriptor, $0.baseAddress?.assumingMemoryBound(to: sockaddr.self), &length)
        }
        guard bound == 0, named == 0 else {
            close(descriptor)
            return nil
        }
        self.descriptor = descriptor
        self.port = Int(actual[2]) << 8 | Int(actual[3])
    }

    deinit { close(descriptor) }
}
