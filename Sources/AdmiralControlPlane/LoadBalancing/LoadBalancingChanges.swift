import Synchronization

/// The change notification of the load balancing configuration: a version that goes up
/// after every committed change, and streams that deliver it. The data plane's glue
/// awaits a stream and re-reads ``LoadBalancingService/snapshot(region:accountId:)`` when it yields.
public final class LoadBalancingChanges: Sendable {
    private struct State {
        var version: Int64
        var nextSubscriber = 0
        var subscribers: [Int: AsyncStream<Int64>.Continuation] = [:]
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
}
