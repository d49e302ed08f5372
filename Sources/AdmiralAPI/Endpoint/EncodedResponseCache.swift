import Synchronization

/// Remembers the JSON encoding of recent outputs of one operation.
///
/// Keyed by the output value itself, so a hit is correct by construction: equal
/// values encode to equal bytes. It pays off for outputs that repeat and are costly
/// to encode — DescribeTaskDefinition answers the same revision to every task launch,
/// and hashing the value costs a fraction of encoding it.
final class EncodedResponseCache<Output: Hashable & Sendable>: Sendable {
    /// Distinct outputs kept at most; past that the cache starts again empty.
    let capacity: Int
    private let entries = Mutex<[Output: [UInt8]]>([:])

    init(capacity: Int = 1_000) {
        self.capacity = capacity
    }

    func encoded(_ output: Output, encode: (Output) throws -> [UInt8]) rethrows -> [UInt8] {
        if let bytes = entries.withLock({ $0[output] }) { return bytes }
        let bytes = try encode(output)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[output] = bytes
        }
        return bytes
    }
}
