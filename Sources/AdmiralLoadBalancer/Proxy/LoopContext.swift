import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one event loop keeps for the requests it serves: its connection pools to targets
/// and a random generator for trace ids.
///
/// Confined to its event loop: every method is called on ``eventLoop``, which is why the
/// `@unchecked Sendable` is safe (the data plane only hands the reference to work it
/// submits to that loop).
final class LoopContext: @unchecked Sendable {
    let eventLoop: any EventLoop
    private var pools: [ObjectIdentifier: UpstreamPool] = [:]
    private var random: UInt64

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        var seed: UInt64 = 0
        withUnsafeMutableBytes(of: &seed) { buffer in
            for index in buffer.indices { buffer[index] = UInt8.random(in: 0...255) }
        }
        self.random = seed | 1
    }

    /// The pool of connections from this loop to `endpoint`.
    func pool(for endpoint: TargetEndpoint) -> UpstreamPool {
        eventLoop.preconditionInEventLoop()
        let key = ObjectIdentifier(endpoint)
        if let pool = pools[key] { return pool }
        let pool = UpstreamPool(endpoint: endpoint, context: self)
        pools[key] = pool
        return pool
    }

    /// Closes this loop's idle connections to `endpoint` (it started draining); with
    /// `forget` (its deregistration delay is over, or it left with its group), closes its
    /// busy connections too and drops the pool.
    func closeConnections(to endpoint: TargetEndpoint, forget: Bool) {
        eventLoop.preconditionInEventLoop()
        let key = ObjectIdentifier(endpoint)
        guard let pool = pools[key] else { return }
        if forget {
            pool.closeAll()
            pools[key] = nil
        } else {
            pool.closeIdle()
        }
    }

    /// Closes every idle pooled connection (at shutdown).
    func closeAllIdle() {
        eventLoop.preconditionInEventLoop()
        for pool in pools.values { pool.closeIdle() }
        pools = [:]
    }

    /// xorshift64*: fast, and good enough for trace ids.
    private func next() -> UInt64 {
        random ^= random >> 12
        random ^= random << 25
        random ^= random >> 27
        return random &* 0x2545_F491_4F6C_DD1D
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A new `X-Amzn-Trace-Id` value: `Root=1-<8 hex digits of epoch seconds>-<24 hex digits>`.
    func newTraceID() -> String {
        let seconds = UInt64(UInt32(truncatingIfNeeded: time(nil)))
        let high = next()
        let low = next()
        return String(unsafeUninitializedCapacity: 40) { buffer in
            let prefix = "Root=1-".utf8
            var index = 0
            for byte in prefix {
                buffer[index] = byte
                index += 1
            }
            func hex(_ value: UInt64, digits: Int) {
                var shift = (digits - 1) * 4
                while shift >= 0 {
                    buffer[index] = Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                    shift -= 4
                }
            }
            hex(seconds, digits: 8)
            buffer[index] = UInt8(ascii: "-")
            index += 1
            hex(high, digits: 16)
            hex(low >> 32, digits: 8)
            return index
        }
    }
}
