import AdmiralModel
import AdmiralStore
import Foundation
import Synchronization

/// CloudWatch Logs' API over a ``LogStore``: groups, streams, events, metric filters and
/// tags. Every check runs before the store is called, so a rejected request stores
/// nothing. Metric filters publish into CloudWatch through ``CloudWatchService``.
public struct LogsService: Sendable {
    /// Where groups, streams and events are kept.
    public let store: any LogStore
    let cloudWatch: CloudWatchService
    let filters = MetricFilterCache()
    /// Raised when a retention policy changes, so that the sweeper runs at once.
    public let retentionChanges = LogRetentionSignal()

    /// Creates the service.
    public init(store: any LogStore, cloudWatch: CloudWatchService) {
        self.store = store
        self.cloudWatch = cloudWatch
    }

    /// Milliseconds since the epoch.
    static func millis(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The group named by `logGroupName` or `logGroupIdentifier` (a name or an ARN):
    /// exactly one must be given.
    static func groupName(name: String?, identifier: String?) throws -> String {
        switch (name, identifier) {
        case (let name?, nil):
            try LogNames.checkGroupName(name)
            return name
        case (nil, let identifier?):
            guard let name = LogNames.groupName(fromIdentifier: identifier) else {
                throw AdmiralError.invalidParameter("'\(identifier)' is not a log group name or ARN.")
            }
            try LogNames.checkGroupName(name, member: "logGroupIdentifier")
            return name
        case (nil, nil):
            throw AdmiralError.invalidParameter("Either logGroupName or logGroupIdentifier must be specified.")
        case (_?, _?):
            throw AdmiralError.invalidParameter(
                "LogGroupName and LogGroupIdentifier are mutually exclusive parameters: specify one of them.")
        }
    }

    static func checkLimit(_ limit: Int?, max: Int) throws -> Int {
        guard let limit else { return max }
        guard (1...max).contains(limit) else {
            throw AdmiralError.invalidParameter(
                "1 validation error detected: Value '\(limit)' at 'limit' failed to satisfy constraint: Member must "
                    + "have value between 1 and \(max)")
        }
        return limit
    }
}

/// The metric filters of each group, compiled, read from the store on first use after a
/// change.
final class MetricFilterCache: Sendable {
    struct Compiled: Sendable {
        var record: MetricFilterRecord
        var pattern: LogFilterPattern
    }

    private let byGroup = Mutex<[String: [Compiled]]>([:])

    func filters(of group: String, store: any LogStore) async throws -> [Compiled] {
        if let cached = byGroup.withLock({ $0[group] }) { return cached }
        let records = try await store.metricFilters(group: group)
        let compiled = records.compactMap { record in
            (try? LogFilterPattern(record.pattern)).map { Compiled(record: record, pattern: $0) }
        }
        byGroup.withLock { $0[group] = compiled }
        return compiled
    }

    func invalidate(_ group: String) {
        _ = byGroup.withLock { $0.removeValue(forKey: group) }
    }
}

/// Counts retention policy changes, so that the retention sweeper runs when one changed.
public final class LogRetentionSignal: Sendable {
    let generation = Atomic<Int>(0)

    init() {}

    func raise() { generation.add(1, ordering: .releasing) }

    var current: Int { generation.load(ordering: .acquiring) }
}
