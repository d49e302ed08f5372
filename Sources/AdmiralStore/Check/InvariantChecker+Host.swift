import AdmiralModel
import Foundation

/// A container of a Docker host as the checker sees it: its state and what the agent's
/// labels say it belongs to (the command reads them with the agent's label names).
public struct HostContainer: Sendable, Hashable {
    /// The container id.
    public var id: String
    /// Its name, without Docker's leading slash.
    public var name: String
    /// Docker's state: `created`, `running`, `paused`, `restarting`, `exited`, `dead`...
    public var state: String
    /// The `com.amazonaws.ecs.cluster` label.
    public var cluster: String?
    /// The `com.amazonaws.ecs.task-arn` label.
    public var taskArn: String?
    /// The `com.amazonaws.ecs.container-name` label.
    public var containerName: String?
    /// The agent's container instance id label.
    public var containerInstanceId: String?

    /// Creates a container.
    public init(
        id: String, name: String, state: String, cluster: String?, taskArn: String?, containerName: String?,
        containerInstanceId: String?
    ) {
        self.id = id
        self.name = name
        self.state = state
        self.cluster = cluster
        self.taskArn = taskArn
        self.containerName = containerName
        self.containerInstanceId = containerInstanceId
    }

    /// Whether its process is there (running, paused or restarting).
    public var isRunning: Bool { ["running", "paused", "restarting"].contains(state) }

    /// The short id Docker prints.
    var shortId: String { String(id.prefix(12)) }
}

extension InvariantChecker {
    /// Compares a Docker host with the store. The host's instances are those its
    /// containers are labelled with (agents that share a daemon label theirs apart):
    /// no running container is labelled for a task the store has STOPPED or does not
    /// know, and every RUNNING task placed on one of those instances has a running
    /// container for each container the store records RUNNING.
    public func checkHost(_ snapshot: StateSnapshot, containers: [HostContainer], host: String) -> [Violation] {
        let tasks = Dictionary(
            snapshot.tasks.map { ("\($0.cluster)/\($0.id)", $0) }, uniquingKeysWith: { first, _ in first })
        let instances = Dictionary(
            snapshot.instances.map { ("\($0.cluster)/\($0.id)", $0) }, uniquingKeysWith: { first, _ in first })
        var violations: [Violation] = []
        var running: [String: [HostContainer]] = [:]
        var hostInstances: Set<String> = []
        for container in containers {
            if let cluster = container.cluster, let instance = container.containerInstanceId {
                hostInstances.insert("\(cluster)/\(instance)")
            }
            guard let labelled = container.taskArn else { continue }
            let reference = ClusterScopedReference(parsing: labelled, type: "task")
            let cluster = reference?.cluster ?? container.cluster ?? ""
            let key = "\(cluster)/\(reference?.id ?? labelled)"
            if container.isRunning { running[key, default: []].append(container) }
            guard container.isRunning else { continue }
            let what = "Running container \(container.name) (\(container.shortId)) on \(host)"
            let remove = "stop it (docker rm -f \(container.shortId)) if no agent does"
            guard let task = tasks[key] else {
                violations.append(
                    Violation(
                        .hostContainer, subject: labelled,
                        "\(what) is labelled for this task, which the store does not know: no agent will stop it "
                            + "and its resources are counted nowhere; \(remove)."))
                continue
            }
            if task.lastStatus == .stopped {
                let agent =
                    instances["\(task.cluster)/\(task.containerInstanceId)"].map {
                        $0.agentConnected ? "its agent is connected" : "its agent is disconnected"
                    } ?? "its instance is not stored"
                violations.append(
                    Violation(
                        .hostContainer, subject: taskARN(task),
                        "\(what) belongs to this task, which the store has STOPPED "
                            + "(\(task.task.stoppedReason ?? "no reason recorded")); \(agent). The host still runs "
                            + "what the scheduler has given back; \(remove)."))
            }
            if let labelledInstance = container.containerInstanceId, labelledInstance != task.containerInstanceId {
                violations.append(
                    Violation(
                        .hostContainer, subject: taskARN(task),
                        "\(what) is labelled for container instance \(instanceARN(task.cluster, labelledInstance)), "
                            + "but the store placed the task on \(instanceARN(task.cluster, task.containerInstanceId))."
                    ))
            }
        }
        for task in snapshot.tasks where task.lastStatus == .running {
            guard hostInstances.contains("\(task.cluster)/\(task.containerInstanceId)") else { continue }
            let here = running["\(task.cluster)/\(task.id)"] ?? []
            let expected = (task.task.containers ?? []).filter { $0.lastStatus == ContainerStatus.running.rawValue }
            let missing = expected.compactMap(\.name).filter { name in !here.contains { $0.containerName == name } }
            if here.isEmpty || !missing.isEmpty {
                let names = (missing.isEmpty ? ["any"] : missing).joined(separator: ", ")
                violations.append(
                    Violation(
                        .hostTask, subject: taskARN(task),
                        "The task is RUNNING on container instance "
                            + "\(instanceARN(task.cluster, task.containerInstanceId)) of \(host), but the host runs "
                            + "no container for it (\(names)); DescribeTasks reports a task that is not running."))
            }
        }
        return violations
    }
}
