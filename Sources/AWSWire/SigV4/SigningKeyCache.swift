import Crypto
import Synchronization

/// Derived SigV4 signing keys, which change only once a day per secret, region and
/// service, so that a verification costs two HMACs instead of six.
///
/// Bounded: when full it starts over, which is cheap (a key is re-derived in four HMACs)
/// and keeps the memory flat however many keys, regions and days pass through.
final class SigningKeyCache: Sendable {
    struct Key: Hashable {
        var secret: String
        var date: String
        var region: String
        var service: String
    }

    struct Statistics: Equatable {
        var count: Int
        var hits: Int
        var misses: Int
    }

    private struct State {
        var keys: [Key: [UInt8]] = [:]
        var hits = 0
        var misses = 0
    }

    /// The most keys held at once.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 1024) {
        self.capacity = max(1, capacity)
    }

    /// The signing key for a scope, derived on a miss.
    func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        let key = Key(secret: secret, date: date, region: region, service: service)
        let cached = state.withLock { state -> [UInt8]? in
            if let found = state.keys[key] {
                state.hits += 1
                return found
            }
            state.misses += 1
            return nil
        }
        if let cached { return SymmetricKey(data: cached) }
        let derived = SigV4Canonical.signingKey(secret: secret, date: date, region: region, service: service)
        let bytes = derived.withUnsafeBytes { Array($0) }
        state.withLock { state in
            if state.keys.count >= capacity { state.keys.removeAll(keepingCapacity: true) }
            state.keys[key] = bytes
        }
        return derived
    }

    /// How many keys are held and how lookups went, for tests and metrics.
    var statistics: Statistics {
        state.withLock { Statistics(count: $0.keys.count, hits: $0.hits, misses: $0.misses) }
    }
}
