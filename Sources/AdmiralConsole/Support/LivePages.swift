import Synchronization

/// The live sections of the pages open in browsers, rendered once for all who watch the
/// same page: a page with ten open event streams is rendered once per change, not ten
/// times. Whoever needs a newer render than the latest renders it (in its own task) while
/// the others wait for that render and share it.
final class LivePages: Sendable {
    /// One render of a page's live sections.
    struct Snapshot: Sendable {
        /// When the render began: it shows every change made before then.
        var started: ContinuousClock.Instant
        /// How long the render took.
        var cost: Duration
        /// Each live section's markup, by section id, in page order.
        var sections: [(id: String, markup: String)]
    }

    private enum Step: Sendable {
        case use(Snapshot)
        case render
        case retry
    }

    private struct Entry {
        var watchers = 0
        var latest: Snapshot?
        var rendering = false
        var waiting: [CheckedContinuation<Step, Never>] = []
    }

    private let entries = Mutex([String: Entry]())
    private let clock = ContinuousClock()

    /// Counts a watcher of the page `key`; its renders are kept while anyone watches.
    func watch(_ key: String) {
        entries.withLock { $0[key, default: Entry()].watchers += 1 }
    }

    /// Ends a watch; the page's last render is dropped when nobody watches it any more.
    func unwatch(_ key: String) {
        let waiting = entries.withLock { entries -> [CheckedContinuation<Step, Never>] in
            guard var entry = entries[key] else { return [] }
            entry.watchers -= 1
            if entry.watchers <= 0 && !entry.rendering {
                entries[key] = nil
                return entry.waiting
            }
            entries[key] = entry
            return []
        }
        for continuation in waiting { continuation.resume(returning: .retry) }
    }

    /// A render of the page `key` that began at or after `notBefore`: the latest when it
    /// is that recent, the one under way when there is one (then checked again), else a
    /// new one made with `render` in the calling task. Nil when the render failed.
    func snapshot(
        _ key: String, notBefore: ContinuousClock.Instant,
        render: () async -> [(id: String, markup: String)]?
    ) async -> Snapshot? {
        while true {
            let step = await withCheckedContinuation { (continuation: CheckedContinuation<Step, Never>) in
                entries.withLock { entries in
                    var entry = entries[key] ?? Entry()
                    if let latest = entry.latest, latest.started >= notBefore {
                        continuation.resume(returning: .use(latest))
                    } else if entry.rendering {
                        entry.waiting.append(continuation)
                    } else {
                        entry.rendering = true
                        continuation.resume(returning: .render)
                    }
                    entries[key] = entry
                }
            }
            switch step {
            case .use(let snapshot):
                return snapshot
            case .retry:
                continue
            case .render:
                let started = clock.now
                let sections = await render()
                let snapshot = sections.map { Snapshot(started: started, cost: clock.now - started, sections: $0) }
                let waiting = entries.withLock { entries -> [CheckedContinuation<Step, Never>] in
                    guard var entry = entries[key] else { return [] }
                    entry.rendering = false
                    if let snapshot { entry.latest = snapshot }
                    let waiting = entry.waiting
                    entry.waiting = []
                    entries[key] = entry.watchers > 0 ? entry : nil
                    return waiting
                }
                for continuation in waiting { continuation.resume(returning: .retry) }
                return snapshot
            }
        }
    }
}
