import Foundation

extension TaskDefinitionRules {
    /// Checks a `RegisterTaskDefinition` request against ECS's rules for the EC2 and EXTERNAL
    /// launch types, and throws for the first problem found.
    ///
    /// The error is a `ClientException`, as ECS returns for invalid task definitions, with
    /// ECS's own message where it is known and otherwise one that names the offending
    /// container or member and says what to do. Tags are not checked here; the caller
    /// validates them with the other tagging operations.
    public static func validate(_ request: ECS.RegisterTaskDefinitionRequest) throws {
        try validateFamily(request.family)
        try validateContainerNames(request.containerDefinitions)
        try validateDefinitionSize(request)
        try validateCompatibilities(request.requiresCompatibilities ?? [])
        try validateNetworkMode(request.networkMode)
        let size = try validateTaskSize(cpu: request.cpu, memory: request.memory)
        let volumeNames = try validateVolumes(request.volumes ?? [])

        let task = TaskContext(request: request, size: size, volumeNames: volumeNames)
        for container in request.containerDefinitions {
            try validateContainer(container, in: task)
        }

        try validateEssentialContainer(request.containerDefinitions)
        try validateHostPorts(request.containerDefinitions, networkMode: task.networkMode)
        try validateLinkCycles(request.containerDefinitions)
        try validateDependencyCycles(request.containerDefinitions)
        try validateContainerResources(request.containerDefinitions, against: size)
        try validatePlacementConstraints(request.placementConstraints ?? [])
    }

    /// What the per-container rules need to know about the whole task.
    struct TaskContext {
        var networkMode: ECS.NetworkMode
        var size: TaskSize
        var volumeNames: Set<String>
        var containersByName: [String: ECS.ContainerDefinition]

        init(request: ECS.RegisterTaskDefinitionRequest, size: TaskSize, volumeNames: Set<String>) {
            networkMode = TaskDefinitionRules.effectiveNetworkMode(request.networkMode)
            self.size = size
            self.volumeNames = volumeNames
            containersByName = Dictionary(
                request.containerDefinitions.map { ($0.name ?? "", $0) },
                uniquingKeysWith: { first, _ in first })
        }
    }

    /// The family: 1 to 255 letters, digits, underscores and hyphens.
    static func validateFamily(_ family: String) throws {
        if family.isEmpty {
            throw invalid("Family can not be blank.")
        }
        guard isValidName(family) else {
            throw invalid(
                "Family contains invalid characters. Use up to \(maximumNameLength) letters, "
                    + "numbers, underscores and hyphens.")
        }
    }

    /// One to ten containers, each with a valid, unique name and an image.
    static func validateContainerNames(_ containers: [ECS.ContainerDefinition]) throws {
        if containers.isEmpty {
            throw invalid("Container list cannot be empty.")
        }
        if containers.count > maximumContainers {
            throw invalid(
                "Too many containers. A task definition holds at most \(maximumContainers) "
                    + "containers; this one has \(containers.count).")
        }
        var seen = Set<String>()
        for container in containers {
            guard let name = container.name, !name.isEmpty else {
                throw invalid("Container.name should not be null or empty.")
            }
            guard isValidName(name) else {
                throw invalid(
                    "Container.name contains invalid characters: '\(name)'. Use up to "
                        + "\(maximumNameLength) letters, numbers, underscores and hyphens.")
            }
            guard let image = container.image, !image.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw invalid("Container.image should not be null or empty.")
            }
            guard image.utf8.count <= maximumImageLength else {
                throw invalid(
                    "Container.image of container '\(name)' is \(image.utf8.count) characters long; an image "
                        + "reference may have at most \(maximumImageLength).")
            }
            guard hasValidImageCharacters(image) else {
                throw invalid(
                    "Container.image of container '\(name)' contains invalid characters. Use up to "
                        + "\(maximumImageLength) letters, numbers, hyphens, underscores, colons, periods, "
                        + "forward slashes, number signs and '@' (repository-url/image:tag or "
                        + "repository-url/image@digest).")
            }
            guard seen.insert(name).inserted else {
                throw invalid(
                    "Container names must be unique within a Task Definition. '\(name)' is used "
                        + "more than once.")
            }
        }
    }

    /// The whole definition, tags aside, is at most 64 KiB of JSON, as on ECS: every member
    /// without a limit of its own (environment, command, labels...) is bounded by it.
    static func validateDefinitionSize(_ request: ECS.RegisterTaskDefinitionRequest) throws {
        var definition = request
        definition.tags = nil
        let size = try WireJSONEncoder.encode(definition).count
        guard size <= maximumDefinitionBytes else {
            throw invalid(
                "Task definition size exceeds the limit: its JSON is \(size) bytes and a task definition may "
                    + "have at most \(maximumDefinitionBytes) bytes (64 KiB). Shorten it, for example by "
                    + "moving environment variables to environment files or secrets.")
        }
    }

    /// Only the launch types Admiral runs: EC2 and EXTERNAL.
    static func validateCompatibilities(_ compatibilities: [ECS.Compatibility]) throws {
        for compatibility in compatibilities where !supportedCompatibilities.contains(compatibility) {
            throw invalid(
                "Admiral runs tasks on its own container instances only, so requiresCompatibilities "
                    + "may list EC2 and EXTERNAL but not '\(compatibility.rawValue)'. Remove "
                    + "'\(compatibility.rawValue)' from requiresCompatibilities.")
        }
    }

    /// bridge, host or none; awsvpc needs elastic network interfaces Admiral does not have.
    static func validateNetworkMode(_ mode: ECS.NetworkMode?) throws {
        if mode == .awsvpc {
            throw invalid(
                "Network mode 'awsvpc' is not supported: Admiral has no elastic network interfaces "
                    + "to give each task. Use networkMode 'bridge', 'host' or 'none'.")
        }
    }

    /// Volume names are present, well formed and unique; returns them.
    static func validateVolumes(_ volumes: [ECS.Volume]) throws -> Set<String> {
        var names = Set<String>()
        for volume in volumes {
            guard let name = volume.name, !name.isEmpty else {
                throw invalid("Volume.name should not be null or empty.")
            }
            guard isValidName(name) else {
                throw invalid(
                    "Volume.name contains invalid characters: '\(name)'. Use up to "
                        + "\(maximumNameLength) letters, numbers, underscores and hyphens.")
            }
            guard names.insert(name).inserted else {
                throw invalid(
                    "Volume names must be unique within a Task Definition. '\(name)' is used more "
                        + "than once.")
            }
        }
        return names
    }

    /// At least one container is essential (containers are essential unless they say not).
    static func validateEssentialContainer(_ containers: [ECS.ContainerDefinition]) throws {
        guard containers.contains(where: isEssential) else {
            throw invalid(
                "Task definition doesn't have any essential container. Set 'essential' to true "
                    + "(or leave it out) on at least one container.")
        }
    }

    /// At most ten constraints, each `memberOf` with an expression.
    static func validatePlacementConstraints(
        _ constraints: [ECS.TaskDefinitionPlacementConstraint]
    ) throws {
        if constraints.count > maximumPlacementConstraints {
            throw invalid(
                "Too many placement constraints. A task definition holds at most "
                    + "\(maximumPlacementConstraints); this one has \(constraints.count).")
        }
        for constraint in constraints {
            guard constraint.type == .memberOf else {
                throw invalid(
                    "Invalid placement constraint: 'type' must be 'memberOf' in a task definition. "
                        + "Use distinctInstance in the service or RunTask request instead.")
            }
            let expression = constraint.expression?.trimmingCharacters(in: .whitespaces) ?? ""
            if expression.isEmpty {
                throw invalid(
                    "Invalid placement constraint: a 'memberOf' constraint needs an 'expression', "
                        + "for example \"attribute:ecs.instance-type =~ t3.*\".")
            }
        }
    }
}
