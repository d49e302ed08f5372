import Synchronization

/// Wakes whoever waits on a key: long polls waiting for an instance's desired tasks to
/// change, controllers waiting for anything to do. A signal sent while nobody waits is
/// not kept, so a waiter registers first, then checks the state, then waits.
public final class Signals: Sendable {
    private struct State {
        var nextId: UInt64 = 0
        var waiters: [String: [UInt64: AsyncStream<Void>.Continuation]] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty set of signals.
    public init() {}

    /// Registers interest in `key`: signals sent from now on reach the returned waiter.
    public func register(_ key: String) -> Waiter {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            state.nextId += 1
            state.waiters[key, default: [:]][state.nextId] = continuation
            return state.nextId
        }
        return Waiter(signals: self, key: key, id: id, stream: stream)
    }

    /// Wakes every waiter registered on `key`.
    public func signal(_ key: String) {
        let continuations = state.withLock { state in state.waiters[key].map { Array($0.values) } ?? [] }
        for continuation in continuations { continuation.yield() }
    }

    /// Wakes every waiter of every key.
    public func signalAll() {
        let continuations = state.withLock { state in state.waiters.values.flatMap { Array($0.values) } }
        for continuation in continuations { continuation.yield() }
    }

    fileprivate func remove(key: String, id: UInt64) {
        let continuation = state.withLock { state -> AsyncStream<Void>.Continuation? in
            let removed = state.waiters[key]?.removeValue(forKey: id)
            if state.waiters[key]?.isEmpty == true { state.waiters[key] = nil }
            return removed
        }
        continuation?.finish()
    }

    /// One registration; `wait` returns at the first signal after `register` (even one
    /// sent before `wait` was called) or when the timeout passes.
    ///
    /// A waiter serves one wait: a wait that times out cancels its read of the stream,
    /// which ends the stream, so every later wait on the same waiter returns false at once
    /// (a loop that reuses one spins). Register a new waiter for each wait, before checking
    /// the state, as the long polls and controllers do.
    public final class Waiter: Sendable {
        private let signals: Signals
        private let key: String
        private let id: UInt64
        private let stream: AsyncStream<Void>

        fileprivate init(signals: Signals, key: String, id: UInt64, stream: AsyncStream<Void>) {
            self.signals = signals
            self.key = key
            self.id = id
            self.stream = stream
        }

        deinit { signals.remove(key: key, id: id) }

        /// Waits for a signal or the timeout; true when signalled.
        public func wait(timeout: Duration) async -> Bool {
            let stream = self.stream
            return await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for await _ in stream { return true }
                    return false
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
        }
    }
}
