import GRDB
import Synchronization

/// Group commit: concurrent writes share one SQLite transaction and one commit.
///
/// Each `write` queues its work. The first write of a burst schedules a drain on GRDB's
/// writer queue; the drain takes the queued works (at most `maximumBatch`), runs each in
/// its own savepoint inside one IMMEDIATE transaction, commits once, runs the works'
/// `committed` steps on the writer queue in commit order, and only then resumes the
/// callers: no caller hears of its write before it is committed. Works queued while a
/// batch is being written make up the next batch.
///
/// A work that throws fails alone: the batch is rolled back and run again with each work
/// in its own savepoint (so works must be pure functions of the database, as the `Store`
/// contract asks of its closures: one may run twice), the failing one's savepoint is
/// rolled back, its caller gets the error, and the rest of the batch is committed as if
/// it had never run (a revision it took goes to the next registration, so none goes
/// missing). When the transaction itself fails (BEGIN or COMMIT), every caller of the
/// batch gets that error and nothing of the batch is written.
///
/// The drain runs on the writer queue, not on a caller's task, so one caller's
/// cancellation never interrupts the others' writes. A writer made `inBackground` runs its
/// drains from ``BackgroundPool`` (a synchronous write there runs on the pool's low-priority
/// thread): bulk ingestion commits with what the control plane leaves of the cores.
final class GroupCommitWriter: Sendable {
    /// The most works committed together; bounds how long one transaction holds the
    /// writer and how long its first caller waits.
    static let maximumBatch = 64

    private struct State {
        var queue: [any GroupCommitJob] = []
        /// A drain is scheduled or running; new works join its next batch.
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let inBackground: Bool
    private let state = Mutex(State())

    init(writer: any DatabaseWriter, inBackground: Bool = false) {
        self.writer = writer
        self.inBackground = inBackground
    }

    /// Runs `work` inside a shared transaction and returns its result once that
    /// transaction is committed. `committed` runs after the commit, on the writer queue,
    /// in commit order relative to every other write, before the caller resumes: the
    /// place to update caches that must follow the database's order.
    func write<T: Sendable>(
        _ work: @escaping @Sendable (Database) throws -> T,
        committed: @escaping @Sendable (T) -> Void = { _ in }
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(work: work, committed: committed, continuation: continuation)
            let schedule = state.withLock { state in
                state.queue.append(job)
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if schedule { scheduleDrain() }
        }
    }

    /// Works waiting for the next batch (for tests).
    var queuedCount: Int {
        state.withLock { $0.queue.count }
    }

    private func scheduleDrain() {
        if inBackground {
            BackgroundPool.shared.submit { self.writer.writeWithoutTransaction { db in self.drain(db) } }
        } else {
            writer.asyncWriteWithoutTransaction { db in self.drain(db) }
        }
    }

    private func drain(_ db: Database) {
        let batch = state.withLock { state in
            let batch = Array(state.queue.prefix(Self.maximumBatch))
            state.queue.removeFirst(batch.count)
            return batch
        }
        do {
            // Optimistically without savepoints (two statements fewer per work); when a
            // work throws, the transaction is rolled back and, if others share it, run
            // again with each work in its own savepoint, so that the failing one fails alone.
            var failed = false
            try db.inTransaction(.immediate) {
                for job in batch where !job.perform(db, isolated: false) {
                    failed = true
                    return .rollback
                }
                return .commit
            }
            if failed && batch.count > 1 {
                try db.inTransaction(.immediate) {
                    for job in batch { _ = job.perform(db, isolated: true) }
                    return .commit
                }
            }
            for job in batch { job.committed() }
            for job in batch { job.resume(failure: nil) }
        } catch {
            for job in batch { job.resume(failure: error) }
        }
        let more = state.withLock { state in
            if state.queue.isEmpty { state.draining = false }
            return state.draining
        }
        // Another asynchronous write rather than a loop here, so that writes queued on
        // GRDB's writer by other callers take their turn between batches.
        if more { scheduleDrain() }
    }
}

/// One queued write, its outcome and its caller.
private protocol GroupCommitJob: AnyObject, Sendable {
    /// Runs the work (writer queue, inside the batch's transaction), in its own savepoint
    /// when `isolated`; returns whether it succeeded.
    func perform(_ db: Database, isolated: Bool) -> Bool
    /// After the commit: the `committed` step of a work that succeeded.
    func committed()
    /// Resumes the caller with the work's outcome, or with `failure` when the batch's
    /// transaction failed.
    func resume(failure: (any Error)?)
}

private final class Job<T: Sendable>: GroupCommitJob {
    let work: @Sendable (Database) throws -> T
    let onCommit: @Sendable (T) -> Void
    let continuation: CheckedContinuation<T, any Error>
    /// Set on the writer queue by `perform`, read there by `committed` and `resume`.
    let outcome = Mutex<Result<T, any Error>?>(nil)

    init(
        work: @escaping @Sendable (Database) throws -> T, committed: @escaping @Sendable (T) -> Void,
        continuation: CheckedContinuation<T, any Error>
    ) {
        self.work = work
        self.onCommit = committed
        self.continuation = continuation
    }

    func perform(_ db: Database, isolated: Bool) -> Bool {
        let result = Result<T, any Error> {
            guard isolated else { return try work(db) }
            var value: T?
            try db.inSavepoint {
                value = try work(db)
                return .commit
            }
            guard let value else { throw GroupCommitError.workDidNotRun }
            return value
        }
        outcome.withLock { $0 = result }
        if case .failure = result { return false }
        return true
    }

    func committed() {
        if case .success(let value) = outcome.withLock({ $0 }) { onCommit(value) }
    }

    func resume(failure: (any Error)?) {
        if let failure {
            continuation.resume(throwing: failure)
        } else {
            continuation.resume(with: outcome.withLock { $0 } ?? .failure(GroupCommitError.workDidNotRun))
        }
    }
}

/// A batch's bookkeeping went wrong; never expected.
enum GroupCommitError: Error {
    case workDidNotRun
}
