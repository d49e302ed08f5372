import AdmiralModel
import Foundation

extension InvariantChecker {
    /// Each container instance's recorded usage (what `remainingResources` is computed
    /// from) equals what its tasks that are not STOPPED reserve: CPU, memory, fixed host
    /// ports, RUNNING and pending counts, tasks per group. No two of those tasks reserve
    /// the same fixed host port.
    func checkUsage(_ snapshot: StateSnapshot) -> [Violation] {
        var byInstance: [String: [TaskRecord]] = [:]
        for task in snapshot.liveTasks {
            byInstance["\(task.cluster)/\(task.containerInstanceId)", default: []].append(task)
        }
        var violations: [Violation] = []
        for instance in snapshot.instances {
            let tasks = byInstance["\(instance.cluster)/\(instance.id)"] ?? []
            let arn = instanceARN(instance.cluster, instance.id)
            violations += usageDifferences(instance, tasks: tasks).map { Violation(.instanceUsage, subject: arn, $0) }
            violations += portConflicts(tasks).map { Violation(.portConflict, subject: arn, $0) }
        }
        return violations
    }

    /// What the tasks hold, summed as the store adds them.
    static func expectedUsage(of tasks: [TaskRecord]) -> InstanceUsage {
        var usage = InstanceUsage()
        for task in tasks { usage.add(task.reservation, group: task.group, status: task.lastStatus) }
        return usage
    }

    /// The differences between an instance's recorded usage and its tasks', in words.
    func usageDifferences(_ instance: ContainerInstanceRecord, tasks: [TaskRecord]) -> [String] {
        let recorded = instance.usage
        let expected = Self.expectedUsage(of: tasks)
        let summary = "\(tasks.count) task(s) not STOPPED"
        let consequence = "remainingResources is wrong and placement decides on it"
        var differences: [String] = []
        if recorded.cpu != expected.cpu {
            differences.append(
                "recorded CPU in use is \(recorded.cpu) units, but its \(summary) reserve \(expected.cpu); "
                    + "\(consequence).")
        }
        if recorded.memory != expected.memory {
            differences.append(
                "recorded memory in use is \(recorded.memory) MiB, but its \(summary) reserve \(expected.memory) MiB; "
                    + "\(consequence).")
        }
        for (kind, have, want) in [
            ("TCP", recorded.tcpPorts, expected.tcpPorts), ("UDP", recorded.udpPorts, expected.udpPorts),
        ] where Set(have) != Set(want) {
            let extra = Set(have).subtracting(want).sorted()
            let missing = Set(want).subtracting(have).sorted()
            var parts: [String] = []
            if !extra.isEmpty { parts.append("held by no task: \(Self.list(extra))") }
            if !missing.isEmpty { parts.append("reserved by tasks but not recorded: \(Self.list(missing))") }
            differences.append(
                "recorded \(kind) host ports in use differ from its tasks' (\(parts.joined(separator: "; "))); "
                    + "\(consequence).")
        }
        if recorded.runningTasks != expected.runningTasks || recorded.pendingTasks != expected.pendingTasks {
            differences.append(
                "recorded task counts are \(recorded.runningTasks) RUNNING and \(recorded.pendingTasks) pending, but "
                    + "its tasks are \(expected.runningTasks) RUNNING and \(expected.pendingTasks) pending; "
                    + "DescribeContainerInstances reports the recorded ones.")
        }
        if recorded.groups != expected.groups {
            differences.append(
                "recorded tasks per group are \(Self.describe(recorded.groups)), but its tasks are "
                    + "\(Self.describe(expected.groups)); spread and distinctInstance placement decide on them.")
        }
        return differences
    }

    /// Fixed host ports two live tasks of one instance both reserve.
    func portConflicts(_ tasks: [TaskRecord]) -> [String] {
        var owners: [String: [TaskRecord]] = [:]
        for task in tasks {
            for port in Set(task.reservation.tcpPorts) { owners["TCP \(port)", default: []].append(task) }
            for port in Set(task.reservation.udpPorts) { owners["UDP \(port)", default: []].append(task) }
        }
        return owners.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { entry in
            "host port \(entry.key) is reserved by \(entry.value.count) tasks at once "
                + "(\(entry.value.map(taskARN).sorted().joined(separator: ", "))); "
                + "placement must never overbook a port."
        }
    }

    static func list(_ ports: [Int]) -> String { ports.map(String.init).joined(separator: ",") }

    static func describe(_ groups: [String: Int]) -> String {
        groups.isEmpty
            ? "none" : groups.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
