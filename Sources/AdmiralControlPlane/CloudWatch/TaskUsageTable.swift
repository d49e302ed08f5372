import Foundation
import Synchronization

/// What a task used, as its agent last measured it from the runtime's statistics.
public struct TaskUsage: Sendable, Hashable {
    /// CPU units in use (1,024 to a core), averaged over the agent's sampling interval.
    public var cpuUnits: Double
    /// Memory in use, in MiB (page cache excluded, as `docker stats` shows it).
    public var memoryMiB: Double
    /// When the agent measured it.
    public var measuredAt: Date

    /// Creates a measurement.
    public init(cpuUnits: Double, memoryMiB: Double, measuredAt: Date) {
        self.cpuUnits = cpuUnits
        self.memoryMiB = memoryMiB
        self.measuredAt = measuredAt
    }
}

/// The latest usage of each running task, kept in memory: agents report it every metrics
/// interval and the metrics publisher reads it. A server restart starts empty; the next
/// reports fill it again.
public final class TaskUsageTable: Sendable {
    let entries = Mutex<[String: TaskUsage]>([:])

    /// Creates an empty table.
    public init() {}

    /// Records the usage of tasks, by task ARN.
    public func record(_ usage: [String: TaskUsage]) {
        entries.withLock { $0.merge(usage) { $1 } }
    }

    /// The latest usage of every task measured since `since`; older entries are dropped.
    public func snapshot(since: Date) -> [String: TaskUsage] {
        entries.withLock { entries in
            entries = entries.filter { $0.value.measuredAt >= since }
            return entries
        }
    }
}
