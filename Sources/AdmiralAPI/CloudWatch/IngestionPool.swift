import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Where PutMetricData bodies are decoded, checked and merged: threads of their own, off
/// the event loops, at a lower scheduling priority than the rest of the server.
///
/// Decoding a call of 20 metrics × 150 values takes about a millisecond. On an event loop
/// it held up every other connection of that loop, RunTask and the agents' polls
/// included; on these threads the event loops only read the body and write the answer,
/// and when the cores are busy the kernel gives them to the event loops first (nice +10
/// weighs a thread at a tenth of a normal one), so heavy ingestion takes what the control
/// plane leaves rather than the other way round. One thread per core: the cores the
/// control plane does not need all ingest.
enum IngestionPool {
    static let shared: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: ProcessInfo.processInfo.activeProcessorCount)
        pool.start()
        return pool
    }()

    /// How much lower than the server's own priority the pool's threads run.
    static let niceness: Int32 = 10

    /// Runs `work` on a pool thread and returns its result (or error).
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await shared.runIfActive {
            lowerPriority()
            return try work()
        }
    }

    /// Lowers the calling pool thread's priority, once: on Linux a thread's nice value is
    /// its own (the threads start with the process's), and `who` 0 is the calling thread.
    static func lowerPriority() {
        #if os(Linux)
        let thread: id_t = 0
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        errno = 0
        let current = getpriority(which, thread)
        guard errno == 0, current < target else { return }
        _ = setpriority(which, thread, target)
        #endif
    }

    #if os(Linux)
    /// The nice value of the pool's threads: the process's plus ``niceness``, at most 19.
    static let target: Int32 = min(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) + niceness, 19)
    #endif
}
