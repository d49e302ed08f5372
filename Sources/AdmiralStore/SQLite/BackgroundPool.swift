import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Threads of their own, at a lower scheduling priority than the rest of the server, for
/// bulk work: decoding large PutMetricData and PutLogEvents bodies and committing the
/// metric and log stores' group writes.
///
/// When the cores are busy the kernel gives them to the server's other threads first
/// (nice +10 weighs a thread at a tenth of a normal one), so heavy ingestion takes what
/// the control plane leaves rather than the other way round; when they are idle, ingestion
/// takes them all. One thread per core, started on first use; work runs in the order it
/// was submitted, as threads free up.
public final class BackgroundPool: Sendable {
    public static let shared = BackgroundPool(threads: ProcessInfo.processInfo.activeProcessorCount)

    /// How much lower than the server's own priority the pool's threads run.
    public static let niceness: Int32 = 10

    private let queue = Mutex<[@Sendable () -> Void]>([])
    private let ready = DispatchSemaphore(value: 0)

    init(threads: Int) {
        for index in 0..<max(threads, 1) {
            let thread = Thread { self.serve() }
            thread.name = "admiral-background-\(index)"
            thread.start()
        }
    }

    /// A pool thread's life: lower its priority, then run work as it comes.
    private func serve() -> Never {
        Self.lowerPriority()
        while true {
            ready.wait()
            let work = queue.withLock { $0.removeFirst() }
            work()
        }
    }

    /// Runs `work` on a pool thread, later.
    public func submit(_ work: @escaping @Sendable () -> Void) {
        queue.withLock { $0.append(work) }
        ready.signal()
    }

    /// Runs `work` on a pool thread and returns its result (or error).
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            shared.submit { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Lowers the calling thread's priority: on Linux a thread's nice value is its own
    /// (threads start with their creator's), and `who` 0 is the calling thread.
    static func lowerPriority() {
        #if os(Linux)
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        errno = 0
        let current = getpriority(which, 0)
        guard errno == 0, current < target else { return }
        _ = setpriority(which, 0, target)
        #endif
    }

    #if os(Linux)
    /// The nice value of the pool's threads: the process's plus ``niceness``, at most 19.
    public static let target: Int32 = min(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) + niceness, 19)
    #endif
}
