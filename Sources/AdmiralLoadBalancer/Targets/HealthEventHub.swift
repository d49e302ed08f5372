import Synchronization

/// Delivers target health changes to every subscriber's stream.
final class HealthEventHub: Sendable {
    private struct Subscribers {
        var next = 0
        var continuations: [Int: AsyncStream<TargetHealthChange>.Continuation] = [:]
        var finished = false
    }

    private let subscribers = Mutex(Subscribers())

    init() {}

    func stream() -> AsyncStream<TargetHealthChange> {
        let (stream, continuation) = AsyncStream<TargetHealthChange>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let id: Int? = subscribers.withLock { state in
            guard !state.finished else { return nil }
            let id = state.next
            state.next += 1
            state.continuations[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.continuations.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ changes: [TargetHealthChange]) {
        guard !changes.isEmpty else { return }
        subscribers.withLock { state in
            for continuation in state.continuations.values {
                for change in changes { continuation.yield(change) }
            }
        }
    }

    func finish() {
        let continuations = subscribers.withLock { state in
            state.finished = true
            defer { state.continuations = [:] }
            return Array(state.continuations.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
