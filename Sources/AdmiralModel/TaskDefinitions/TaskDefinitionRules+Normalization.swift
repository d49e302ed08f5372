import Foundation

extension TaskDefinitionRules {
    /// The task definition ECS stores and returns for a valid request: every member of the
    /// request copied unchanged (except `tags`, which ECS returns beside the definition), the
    /// computed members, and ECS's defaults.
    ///
    /// Computed: `taskDefinitionArn`, `revision`, `status` `ACTIVE`, `registeredAt`,
    /// `registeredBy`, `compatibilities` (`EXTERNAL` and `EC2`, what ECS reports for an
    /// EC2-compatible definition) and `requiresAttributes`. Defaults, as ECS fills them in:
    /// container `cpu` 0, `essential` true, empty `portMappings`, `environment`,
    /// `mountPoints`, `volumesFrom` and `systemControls`; port mappings get protocol `tcp`,
    /// and in host mode a host port equal to the container port; task `volumes` and
    /// `placementConstraints` empty. Task `cpu` and `memory` become integer strings
    /// (`"1 vCPU"` → `"1024"`, `"2 GB"` → `"2048"`). Call `validate` first: a value that
    /// does not parse is stored as given.
    public static func makeDefinition(
        _ request: ECS.RegisterTaskDefinitionRequest,
        arn: String,
        revision: Int,
        registeredAt: Date,
        registeredBy: String
    ) -> ECS.TaskDefinition {
        let networkMode = effectiveNetworkMode(request.networkMode)
        // Member by member, so that a member added to the request is a compile-visible
        // choice here; the member-preservation test fails for one that is left out.
        return ECS.TaskDefinition(
            taskDefinitionArn: arn,
            containerDefinitions: request.containerDefinitions.map {
                withDefaults($0, networkMode: networkMode)
            },
            family: request.family,
            taskRoleArn: request.taskRoleArn,
            executionRoleArn: request.executionRoleArn,
            networkMode: request.networkMode,
            revision: revision,
            volumes: request.volumes ?? [],
            status: .active,
            requiresAttributes: requiresAttributes(for: request),
            placementConstraints: request.placementConstraints ?? [],
            compatibilities: ec2Compatibilities,
            runtimePlatform: request.runtimePlatform,
            requiresCompatibilities: request.requiresCompatibilities,
            cpu: request.cpu.map(normalizedCPU),
            memory: request.memory.map(normalizedMemory),
            inferenceAccelerators: request.inferenceAccelerators,
            pidMode: request.pidMode,
            ipcMode: request.ipcMode,
            proxyConfiguration: request.proxyConfiguration,
            registeredAt: registeredAt,
            deregisteredAt: nil,
            deleteRequestedAt: nil,
            registeredBy: registeredBy,
            ephemeralStorage: request.ephemeralStorage,
            enableFaultInjection: request.enableFaultInjection
        )
    }

    /// A container definition with ECS's defaults filled in where the request left them out.
    static func withDefaults(
        _ container: ECS.ContainerDefinition, networkMode: ECS.NetworkMode
    ) -> ECS.ContainerDefinition {
        var container = container
        container.cpu = container.cpu ?? 0
        container.essential = container.essential ?? true
        container.portMappings = (container.portMappings ?? []).map {
            withDefaults($0, networkMode: networkMode)
        }
        container.environment = container.environment ?? []
        container.mountPoints = container.mountPoints ?? []
        container.volumesFrom = container.volumesFrom ?? []
        container.systemControls = container.systemControls ?? []
        return container
    }

    /// A port mapping with protocol `tcp` when none is given and, in host (and awsvpc) mode,
    /// the host port set to the container port when it is absent or 0.
    static func withDefaults(_ mapping: ECS.PortMapping, networkMode: ECS.NetworkMode) -> ECS.PortMapping {
        var mapping = mapping
        mapping.protocol = mapping.protocol ?? .tcp
        if networkMode == .host || networkMode == .awsvpc, mapping.containerPortRange == nil,
            let containerPort = mapping.containerPort, (mapping.hostPort ?? 0) == 0
        {
            mapping.hostPort = containerPort
        }
        return mapping
    }

    /// Task `cpu` as an integer string of CPU units, or the text unchanged if it does not parse.
    static func normalizedCPU(_ text: String) -> String {
        parseCPUUnits(text).map(String.init) ?? text
    }

    /// Task `memory` as an integer string of MiB, or the text unchanged if it does not parse.
    static func normalizedMemory(_ text: String) -> String {
        parseMemoryMiB(text).map(String.init) ?? text
    }
}
