import Glibc
import Testing

@testable import AdmiralAPI

@Suite("The ingestion pool")
struct IngestionPoolTests {
    @Test("work runs on a thread niced below the caller's, and its result and errors come back")
    func lowerPriority() async throws {
        errno = 0
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let pool = try await IngestionPool.run { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        #expect(pool == min(own + IngestionPool.niceness, 19))
        // The caller's own thread keeps its priority.
        #expect(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) == own)

        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await IngestionPool.run { throw Refused() }
        }
    }
}
