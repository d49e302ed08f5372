import Synchronization

/// The change notification of the load balancing configuration: a version that goes up
/// after every committed change, and streams that deliver it. The data plane's glue
/// awaits a stream and re-reads ``LoadBalancingService/snapshot(region:accountId:)`` when it yields,
/// then reports the version it applied (``applied(_:)``), which lets a caller wait until
/// its change is served (``waitUntilApplied(_:timeout:)``).
public final class LoadBalancingChanges: Sendable {
    private struct State {
        var version: Int64
        var nextSubscriber = 0
        var subscribers: [Int: AsyncStream<Int64>.Continuation] = [:]
        /// The last version a data plane applied; nil while none reports what it applies.
        var appliedVersion: Int64?
        var nextWaiter = 0
        var waiters: [Int: (version: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
        /// Waiters allocated and not yet resumed.
        var pending: Set<Int> = []
        /// Pending waiters whose timeout passed before they were registered.
        var expired: Set<Int> = []
    }

    private let state: Mutex<State>

    /// Creates the notification at a version (the store's, at start).
    public init(version: Int64 = 0) {
        state = Mutex(State(version: version))
    }

    /// The version of the last committed change seen.
    public var version: Int64 {
        state.withLock { $0.version }
    }

    /// A stream that yields the current version at once, then the version after each
    /// committed change. A slow reader sees the newest version only (intermediate ones are
    /// dropped, since a snapshot always carries everything). It ends when the task that
    /// iterates it is cancelled.
    public func versions() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state -> Int in
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = continuation
            continuation.yield(state.version)
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Records a committed version and wakes every stream; older versions are ignored.
    public func publish(_ version: Int64) {
        state.withLock { state in
            guard version > state.version else { return }
            state.version = version
            for continuation in state.subscribers.values {
                continuation.yield(version)
            }
        }
    }

    /// Records that the data plane serves everything up to `version` (successfully or
    /// not: a version it could not apply is not retried until the next change), and wakes
    /// the callers waiting for it.
    public func applied(_ version: Int64) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.appliedVersion = max(state.appliedVersion ?? version, version)
            let ready = state.waiters.filter { $0.value.version <= version }
            for id in ready.keys {
                state.waiters.removeValue(forKey: id)
                state.pending.remove(id)
            }
            return ready.values.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Returns once the data plane has applied `version` or later, or after `timeout`;
    /// at once when no data plane reports what it applies.
    public func waitUntilApplied(_ version: Int64, timeout: Duration) async {
        let id = state.withLock { state -> Int? in
            guard let applied = state.appliedVersion, applied < version else { return nil }
            state.nextWaiter += 1
            state.pending.insert(state.nextWaiter)
            return state.nextWaiter
        }
        guard let id else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.release(id)
        }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.expired.remove(id) != nil || (state.appliedVersion ?? version) >= version {
                    state.pending.remove(id)
                    return true
                }
                state.waiters[id] = (version, continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
    }

    /// The timeout of waiter `id` passed: resume it, or have it resume as it registers.
    private func release(_ id: Int) {
        let waiter = state.withLock { state in
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                if state.pending.contains(id) { state.expired.insert(id) }
                return nil as CheckedContinuation<Void, Never>?
            }
            state.pending.remove(id)
            return waiter.continuation
        }
        waiter?.resume()
    }
}
