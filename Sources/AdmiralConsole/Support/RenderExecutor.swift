import Dispatch

/// Where the console renders pages: threads of its own (a concurrent dispatch queue),
/// not SwiftNIO's event loops, which `admiral server` makes Swift concurrency's global
/// executor. A page of a big cluster takes milliseconds of CPU to read and build; on an
/// event loop that time would hold up every connection the loop serves (API calls, the
/// agents' long polls, other pages). Pages run here through
/// `withTaskExecutorPreference`.
final class RenderExecutor: TaskExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// The console's one render executor.
    static let shared = RenderExecutor(label: "admiral.console.render")
}
