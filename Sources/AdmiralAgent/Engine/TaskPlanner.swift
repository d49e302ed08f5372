import AdmiralModel
import Foundation

/// One step the agent takes for a task.
public enum TaskAction: Sendable, Equatable {
    /// Make the task's images available (pull them when needed).
    case prepareImages
    /// Create a container.
    case create(String)
    /// Start a created container whose dependencies are met.
    case start(String)
    /// Stop a running container (SIGTERM, then SIGKILL after its stop timeout).
    case stop(String)
    /// Give up on running the task, for this reason; its containers are then stopped.
    case fail(String)
}

/// The agent's decisions for one task, as a pure function of what the server wants and
/// what the host shows, like ECS's task engine comparing desired and known status. The
/// agent performs the actions, observes the result and asks again until nothing is left.
public enum TaskPlanner {
    /// The task stop reason ECS gives when an essential container exits.
    public static let essentialContainerExited = "Essential container in task exited"

    /// The next actions for `task`; empty when it has converged (RUNNING with nothing
    /// left to start, or STOPPED) or is waiting for a dependency.
    public static func next(_ task: LocalTask, now: Date, startTimeout: TimeInterval) -> [TaskAction] {
        if task.stopping { return stops(task) }
        if task.containers.contains(where: { $0.phase == .exited && task.isEssential($0.name) }) {
            return [.fail(essentialContainerExited)]
        }
        guard task.imagesReady else { return [.prepareImages] }
        let creates = task.containers.filter { container in
            container.phase == .none
                && createDependencies(of: container.name, in: task).allSatisfy { dependency in
                    task.containers.first { $0.name == dependency }.map { $0.phase >= .created } ?? false
                }
        }
        if !creates.isEmpty { return creates.map { .create($0.name) } }
        var starts: [TaskAction] = []
        for container in task.containers where container.phase == .created {
            switch readiness(of: container, in: task, now: now, startTimeout: startTimeout) {
            case .ready: starts.append(.start(container.name))
            case .waiting: continue
            case .impossible(let reason): return [.fail(reason)]
            }
        }
        return starts
    }

    /// Stops running containers, those no other running container depends on first.
    static func stops(_ task: LocalTask) -> [TaskAction] {
        let running = task.containers.filter { $0.phase == .running }
        guard !running.isEmpty else { return [] }
        let runningNames = Set(running.map(\.name))
        var dependedUpon: Set<String> = []
        for container in running {
            for dependency in startDependencies(of: container.name, in: task) where runningNames.contains(dependency.name)
            {
                dependedUpon.insert(dependency.name)
            }
            for source in createDependencies(of: container.name, in: task) where runningNames.contains(source) {
                dependedUpon.insert(source)
            }
        }
        let first = running.filter { !dependedUpon.contains($0.name) }
        return (first.isEmpty ? running : first).map { .stop($0.name) }
    }

    enum Readiness: Equatable {
        case ready
        case waiting
        case impossible(String)
    }

    /// Whether a created container may start: its `dependsOn` conditions (and the
    /// containers it links to) are met, can still be met, or never will be.
    static func readiness(
        of container: LocalTask.Container, in task: LocalTask, now: Date, startTimeout: TimeInterval
    ) -> Readiness {
        var waiting: (name: String, condition: ECS.ContainerCondition)?
        for dependency in startDependencies(of: container.name, in: task) {
            guard let target = task.containers.first(where: { $0.name == dependency.name }) else {
                return .impossible(
                    "CannotStartContainerError: container '\(container.name)' depends on '\(dependency.name)', which is not in the task")
            }
            switch dependency.condition {
            case .start:
                if target.everStarted { continue }
            case .complete:
                if target.phase == .exited { continue }
            case .success:
                if target.phase == .exited {
                    if target.exitCode == 0 { continue }
                    return .impossible(
                        "DependencyConditionNotMet: container '\(container.name)' needs '\(dependency.name)' to exit "
                            + "with code 0 (SUCCESS), but it exited with code \(target.exitCode.map(String.init) ?? "unknown")")
                }
            case .healthy:
                if target.health == .healthy { continue }
                if target.phase == .exited {
                    return .impossible(
                        "DependencyConditionNotMet: container '\(container.name)' needs '\(dependency.name)' to be "
                            + "HEALTHY, but it exited")
                }
            }
            waiting = waiting ?? (dependency.name, dependency.condition)
        }
        guard let waiting else { return .ready }
        let limit = task.definition(of: container.name)?.startTimeout.map(TimeInterval.init) ?? startTimeout
        if let since = container.waitingSince, now.timeIntervalSince(since) > limit {
            return .impossible(
                "DependencyConditionNotMet: container '\(container.name)' timed out after \(Int(limit)) seconds "
                    + "waiting for '\(waiting.name)' to reach \(waiting.condition.rawValue)")
        }
        return .waiting
    }

    /// The containers one must wait for before starting: `dependsOn`, and linked
    /// containers (which must be running to be linked to).
    static func startDependencies(of name: String, in task: LocalTask) -> [(name: String, condition: ECS.ContainerCondition)]
    {
        guard let definition = task.definition(of: name) else { return [] }
        var result = (definition.dependsOn ?? []).map { ($0.containerName, $0.condition) }
        for link in definition.links ?? [] {
            let target = String(link.split(separator: ":").first ?? Substring(link))
            if !result.contains(where: { $0.0 == target }) { result.append((target, .start)) }
        }
        return result
    }

    /// The containers that must exist before one is created: the sources of its
    /// `volumesFrom` and the targets of its links.
    static func createDependencies(of name: String, in task: LocalTask) -> [String] {
        guard let definition = task.definition(of: name) else { return [] }
        let volumes = (definition.volumesFrom ?? []).compactMap(\.sourceContainer)
        let links = (definition.links ?? []).map { String($0.split(separator: ":").first ?? Substring($0)) }
        return volumes + links.filter { !volumes.contains($0) }
    }
}
