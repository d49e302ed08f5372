import Synchronization
import Testing

@testable import AdmiralAPI

/// What the calls saw, shared between them.
final class GateTally: Sendable {
    let running = Mutex(0)
    let peak = Mutex(0)
    let done = Mutex(0)
}

@Suite("The ingestion gate")
struct IngestionGateTests {
    @Test("no more calls than its width run at once, and every call runs")
    func bounded() async throws {
        let gate = IngestionGate(width: 2)
        let tally = GateTally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await gate.admitted {
                        let now = tally.running.withLock { value -> Int in
                            value += 1
                            return value
                        }
                        tally.peak.withLock { $0 = max($0, now) }
                        try await Task.sleep(for: .milliseconds(2))
                        tally.running.withLock { $0 -= 1 }
                        tally.done.withLock { $0 += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(tally.peak.withLock { $0 } == 2)
        #expect(tally.done.withLock { $0 } == 20)
    }

    @Test("a call that throws gives its place back")
    func throwing() async throws {
        struct Failure: Error {}
        let gate = IngestionGate(width: 1)
        await #expect(throws: Failure.self) {
            try await gate.admitted { throw Failure() }
        }
        let value = try await gate.admitted { 7 }
        #expect(value == 7)
    }
}
