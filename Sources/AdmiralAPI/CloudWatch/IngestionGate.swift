import Foundation
import Synchronization

/// Admits a bounded number of metric ingestions at a time, first come first served, so
/// that heavy PutMetricData traffic cannot take every core from the control plane: on a
/// machine of N cores at most N − 1 (at least one) calls are decoded and stored at once,
/// and RunTask, the agents' polls and the rest always find a core. Waiting calls hold
/// only their collected body.
final class IngestionGate: Sendable {
    struct State {
        var available: Int
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    let state: Mutex<State>

    /// A gate admitting `width` calls at once.
    init(width: Int) {
        state = Mutex(State(available: max(width, 1)))
    }

    /// The width for this machine: one less than its active cores, at least one.
    static var machineWidth: Int {
        max(ProcessInfo.processInfo.activeProcessorCount - 1, 1)
    }

    /// Runs `work` once admitted.
    func admitted<T: Sendable>(_ work: () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await work()
    }

    func enter() async {
        let admitted = state.withLock { state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        guard !admitted else { return }
        await withCheckedContinuation { continuation in
            let admittedNow = state.withLock { state -> Bool in
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if admittedNow { continuation.resume() }
        }
    }

    func leave() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.available += 1
                return nil
            }
            // The slot passes straight to the first waiter.
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
