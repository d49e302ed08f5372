import Foundation

extension TaskDefinitionRules {
    /// Links only in bridge mode, each naming another container of the task (`name` or
    /// `name:alias`).
    static func validateLinks(
        of container: ECS.ContainerDefinition, named name: String, in task: TaskContext
    ) throws {
        guard let links = container.links, !links.isEmpty else { return }
        guard task.networkMode == .bridge else {
            throw invalid(
                "Links are not supported when networkMode=\(task.networkMode.rawValue). Remove the "
                    + "links of container '\(name)' or use networkMode 'bridge'.")
        }
        for link in links {
            let target = try linkTarget(link, container: name)
            if target == name {
                throw invalid(
                    "Invalid 'links' setting for container '\(name)'. A container cannot link to "
                        + "itself.")
            }
            guard task.containersByName[target] != nil else {
                throw invalid(
                    "Invalid 'links' setting for container '\(name)'. Container '\(target)' is not "
                        + "in this task definition; link only to containers it defines.")
            }
        }
    }

    /// The container a link names: the part before the optional `:alias`.
    static func linkTarget(_ link: String, container name: String) throws -> String {
        let parts = link.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2, parts.allSatisfy(isValidName), let target = parts.first else {
            throw invalid(
                "Invalid 'links' setting for container '\(name)'. '\(link)' must be a container "
                    + "name or 'name:alias', each up to \(maximumNameLength) letters, numbers, "
                    + "underscores and hyphens.")
        }
        return target
    }

    /// Each dependency names another container; COMPLETE and SUCCESS wait only for
    /// non-essential containers; HEALTHY needs the dependency to have a health check.
    static func validateDependencies(
        of container: ECS.ContainerDefinition, named name: String, in task: TaskContext
    ) throws {
        for dependency in container.dependsOn ?? [] {
            let target = dependency.containerName
            if target == name {
                throw invalid(
                    "Invalid 'dependsOn' setting for container '\(name)'. A container cannot depend "
                        + "on itself.")
            }
            guard let upstream = task.containersByName[target] else {
                throw invalid(
                    "Cannot depend on container '\(target)' because it does not exist. Container "
                        + "'\(name)' lists it in 'dependsOn'; name a container of this task definition.")
            }
            switch dependency.condition {
            case .complete, .success:
                if isEssential(upstream) {
                    throw invalid(
                        "A dependency container with SUCCESS or COMPLETE condition cannot be an "
                            + "essential container. Container '\(name)' waits for '\(target)' to exit; "
                            + "set 'essential' to false on '\(target)'.")
                }
            case .healthy:
                if upstream.healthCheck == nil {
                    throw invalid(
                        "Invalid 'dependsOn' setting for container '\(name)'. The HEALTHY condition "
                            + "needs a 'healthCheck' on '\(target)'; add one to '\(target)' or use "
                            + "the START condition.")
                }
            case .start:
                break
            }
        }
    }

    /// Each mount point names a task volume and a container path.
    static func validateMountPoints(
        of container: ECS.ContainerDefinition, named name: String, in task: TaskContext
    ) throws {
        for mountPoint in container.mountPoints ?? [] {
            guard let source = mountPoint.sourceVolume, task.volumeNames.contains(source) else {
                throw invalid(
                    "Unknown volume '\(mountPoint.sourceVolume ?? "null")'. Container '\(name)' "
                        + "mounts it; declare it in the task definition's 'volumes' or fix "
                        + "'sourceVolume'.")
            }
            let path = mountPoint.containerPath?.trimmingCharacters(in: .whitespaces) ?? ""
            if path.isEmpty {
                throw invalid(
                    "Invalid 'mountPoints' setting for container '\(name)'. The mount of volume "
                        + "'\(source)' needs a 'containerPath'.")
            }
        }
    }

    /// Each `volumesFrom` entry names another container of the task.
    static func validateVolumesFrom(
        of container: ECS.ContainerDefinition, named name: String, in task: TaskContext
    ) throws {
        for volumesFrom in container.volumesFrom ?? [] {
            guard let source = volumesFrom.sourceContainer, !source.isEmpty else {
                throw invalid(
                    "Invalid 'volumesFrom' setting for container '\(name)'. Each entry needs a "
                        + "'sourceContainer'.")
            }
            if source == name {
                throw invalid(
                    "Invalid 'volumesFrom' setting for container '\(name)'. A container cannot "
                        + "mount volumes from itself.")
            }
            guard task.containersByName[source] != nil else {
                throw invalid(
                    "Invalid 'volumesFrom' setting for container '\(name)'. Container '\(source)' "
                        + "is not in this task definition; name a container it defines.")
            }
        }
    }

    /// Links form no cycle (Docker could start none of the containers in it).
    static func validateLinkCycles(_ containers: [ECS.ContainerDefinition]) throws {
        var graph: [String: [String]] = [:]
        for container in containers {
            let name = container.name ?? ""
            graph[name] = try (container.links ?? []).map { try linkTarget($0, container: name) }
        }
        if let cycle = firstCycle(in: graph, order: containers.map { $0.name ?? "" }) {
            throw invalid(
                "Container links should not have a cycle: \(cycle.joined(separator: " -> ")). "
                    + "Remove one of these links.")
        }
    }

    /// Dependencies form no cycle (the agent could start none of the containers in it).
    static func validateDependencyCycles(_ containers: [ECS.ContainerDefinition]) throws {
        var graph: [String: [String]] = [:]
        for container in containers {
            graph[container.name ?? ""] = (container.dependsOn ?? []).map(\.containerName)
        }
        if let cycle = firstCycle(in: graph, order: containers.map { $0.name ?? "" }) {
            throw invalid(
                "Container dependencies should not have a cycle: \(cycle.joined(separator: " -> ")). "
                    + "Remove one of these 'dependsOn' entries.")
        }
    }

    /// The first cycle found by a depth-first walk from each node in `order`, as the path
    /// that closes it (`a -> b -> a`), or nil.
    static func firstCycle(in graph: [String: [String]], order: [String]) -> [String]? {
        var finished = Set<String>()
        var path: [String] = []

        func walk(_ node: String) -> [String]? {
            if let start = path.firstIndex(of: node) {
                return Array(path[start...]) + [node]
            }
            guard !finished.contains(node) else { return nil }
            path.append(node)
            for next in graph[node] ?? [] {
                if let cycle = walk(next) { return cycle }
            }
            path.removeLast()
            finished.insert(node)
            return nil
        }

        for node in order {
            if let cycle = walk(node) { return cycle }
        }
        return nil
    }
}
