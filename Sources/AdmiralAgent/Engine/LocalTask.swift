import AdmiralModel
import Foundation

/// What the agent knows of one task on its host: what the server wants of it and what
/// its containers are doing.
public struct LocalTask: Sendable, Equatable {
    /// One container of the task.
    public struct Container: Sendable, Equatable {
        public var name: String
        /// The runtime's id, once created.
        public var id: String?
        /// Where the container is, as last seen.
        public var phase: Phase
        public var exitCode: Int?
        public var health: RuntimeContainer.Health?
        /// Why it failed, in ECS's words (`CannotStartContainerError: ...`).
        public var reason: String?
        public var ports: [RuntimeContainer.PortBinding]
        public var startedAt: Date?
        public var finishedAt: Date?
        /// When it began waiting for its dependencies (for `startTimeout`).
        public var waitingSince: Date?

        /// Where a container is in its life.
        public enum Phase: Int, Sendable, Comparable {
            /// Not created yet.
            case none
            case created
            case running
            /// Ended after it ran, or will never run.
            case exited

            public static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
        }

        /// Creates a container that does not exist yet.
        public init(name: String) {
            self.name = name
            self.phase = .none
            self.ports = []
        }

        /// Whether it was ever started.
        public var everStarted: Bool { startedAt != nil || phase == .running }

        /// ECS's container status.
        public var status: ContainerStatus {
            switch phase {
            case .none, .created: .pending
            case .running: .running
            case .exited: .stopped
            }
        }

        /// Takes what the runtime reports.
        mutating func observe(_ container: RuntimeContainer) {
            id = container.id
            let observed: Phase =
                switch container.state {
                case .created: .created
                case .running: .running
                case .exited: .exited
                }
            // Phases only move forward: a container that exited is done, even if someone
            // restarts it by hand; the agent never restarts containers.
            phase = max(phase, observed)
            if container.state == .exited { exitCode = container.exitCode }
            if container.oomKilled, reason == nil {
                reason = "OutOfMemoryError: Container killed due to memory usage"
            }
            health = container.health
            if !container.ports.isEmpty { ports = container.ports }
            startedAt = startedAt ?? container.startedAt
            if container.state == .exited { finishedAt = container.finishedAt ?? finishedAt }
        }
    }

    /// The server's view: what to run and whether it should run.
    public var desired: AgentTask
    /// Whether the server knows this task: false for containers found on the host whose
    /// task the server no longer lists; they are stopped without being reported.
    public var known: Bool
    public var containers: [Container]
    public var imagesReady = false
    public var pullStartedAt: Date?
    public var pullStoppedAt: Date?
    /// Why the agent decided to stop the task (an essential container exited, a step
    /// failed), in ECS's words.
    public var stopReason: String?
    /// When the task was seen stopped on the host.
    public var stoppedAt: Date?

    /// A task the server asks for, none of whose containers exist yet.
    public init(desired: AgentTask, known: Bool = true) {
        self.desired = desired
        self.known = known
        self.containers = desired.containers.map { Container(name: $0.name ?? "") }
    }

    public var arn: String { desired.taskArn }

    /// A task pieced together from containers found on the host, before the server has
    /// said what it wants of it.
    public init(adopting found: [RuntimeContainer], taskArn: String) {
        let first = found.first?.labels ?? [:]
        let names = found.compactMap { $0.labels[TaskContainers.Label.containerName] }
        self.init(
            desired: AgentTask(
                taskArn: taskArn, family: first[TaskContainers.Label.family] ?? "",
                revision: Int(first[TaskContainers.Label.revision] ?? "") ?? 0,
                desiredStatus: TaskStatus.running.rawValue, lastStatus: TaskStatus.pending.rawValue, networkMode: nil,
                containers: names.map { ECS.ContainerDefinition(name: $0) }, volumes: nil, cpu: nil, memory: nil,
                version: 0))
        for container in found {
            guard let name = container.labels[TaskContainers.Label.containerName], let index = index(of: name) else {
                continue
            }
            containers[index].observe(container)
        }
        imagesReady = containers.allSatisfy { $0.phase >= .created }
    }

    /// Takes the server's latest view, keeping what is known of the containers.
    public mutating func update(desired new: AgentTask) {
        let wasStopping = desired.desiredStatus == TaskStatus.stopped.rawValue
        desired = new
        if wasStopping { desired.desiredStatus = TaskStatus.stopped.rawValue }
        known = true
        let existing = Dictionary(containers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        containers = new.containers.map { existing[$0.name ?? ""] ?? Container(name: $0.name ?? "") }
    }

    /// Whether the task is to stop: the server wants it stopped, or the agent decided so.
    public var stopping: Bool { desired.desiredStatus == TaskStatus.stopped.rawValue || stopReason != nil }

    /// ECS's task status, as the agent reports it.
    public var status: TaskStatus {
        if stopping && !containers.contains(where: { $0.phase == .running }) { return .stopped }
        if containers.allSatisfy(\.everStarted) { return .running }
        return .pending
    }

    /// The definition of a container.
    public func definition(of name: String) -> ECS.ContainerDefinition? {
        desired.containers.first { $0.name == name }
    }

    /// The index of a container.
    func index(of name: String) -> Int? { containers.firstIndex { $0.name == name } }

    /// The index of the container with a runtime id.
    func index(ofId id: String) -> Int? { containers.firstIndex { $0.id == id } }

    /// Whether a container is essential (containers are, unless they say otherwise).
    func isEssential(_ name: String) -> Bool { definition(of: name)?.essential ?? true }
}
