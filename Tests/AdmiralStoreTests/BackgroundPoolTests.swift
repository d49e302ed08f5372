import Glibc
import Synchronization
import Testing

@testable import AdmiralStore

@Suite("The background pool")
struct BackgroundPoolTests {
    @Test("work runs on a thread niced below the caller's, and its result and errors come back")
    func lowerPriority() async throws {
        errno = 0
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let pool = try await BackgroundPool.run { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        #expect(pool == min(own + BackgroundPool.niceness, 19))
        // The caller's own thread keeps its priority.
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == own)

        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await BackgroundPool.run { throw Refused() }
        }
    }

    @Test("every piece of work submitted runs, on a pool of one thread in the order given")
    func order() async throws {
        let pool = BackgroundPool(threads: 1)
        let seen = Mutex<[Int]>([])
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            for index in 0..<100 {
                pool.submit {
                    seen.withLock { $0.append(index) }
                    if index == 99 { done.resume() }
                }
            }
        }
        #expect(seen.withLock { $0 } == Array(0..<100))
    }
}
