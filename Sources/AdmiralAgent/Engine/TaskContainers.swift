import AdmiralModel
import Foundation

/// Turns a task's container definitions into what the runtime creates, as ECS's agent
/// does: labels that tie each container to its cluster, task and instance; ECS's
/// container names; resources, ports, volumes, links and health checks.
public struct TaskContainers: Sendable {
    /// The labels ECS's agent puts on task containers, and Admiral's own.
    public enum Label {
        public static let cluster = "com.amazonaws.ecs.cluster"
        public static let taskArn = "com.amazonaws.ecs.task-arn"
        public static let containerName = "com.amazonaws.ecs.container-name"
        public static let family = "com.amazonaws.ecs.task-definition-family"
        public static let revision = "com.amazonaws.ecs.task-definition-version"
        /// The container instance id of the agent that owns the container, so agents
        /// sharing one Docker daemon each adopt only their own.
        public static let containerInstance = "admiral.container-instance"
        /// The awslogs options of a container whose output the agent ships (JSON).
        public static let awslogs = "admiral.awslogs"
    }

    /// ECS's health check defaults (seconds, and retries).
    static let healthCheckDefaults = (interval: 30, timeout: 5, retries: 3, startPeriod: 0)
    /// The fewest CPU shares the kernel accepts; ECS passes 0 and 1 as 2.
    static let minimumCPUShares = 2

    let cluster: String
    let instanceId: String
    let hostPortAddress: String
    let defaultStopTimeout: Duration

    /// Creates the builder for one agent.
    public init(cluster: String, instanceId: String, hostPortAddress: String, defaultStopTimeout: Duration) {
        self.cluster = cluster
        self.instanceId = instanceId
        self.hostPortAddress = hostPortAddress
        self.defaultStopTimeout = defaultStopTimeout
    }

    /// The 32-hex id at the end of a task ARN.
    public static func taskId(_ taskArn: String) -> String {
        String(taskArn.split(separator: "/").last ?? Substring(taskArn))
    }

    /// The runtime's name of a task's container: `ecs-<family>-<revision>-<name>-<task id>`.
    public static func dockerName(task: AgentTask, container: String) -> String {
        "ecs-\(task.family)-\(task.revision)-\(container)-\(taskId(task.taskArn))"
    }

    /// The labels that find every container of this agent.
    public var agentLabels: [String: String] {
        [Label.cluster: cluster, Label.containerInstance: instanceId]
    }

    /// The spec of one container of a task.
    public func spec(for definition: ECS.ContainerDefinition, in task: AgentTask) throws -> ContainerSpec {
        let name = definition.name ?? ""
        let networkMode = task.networkMode ?? "bridge"
        var labels = definition.dockerLabels ?? [:]
        labels[Label.cluster] = cluster
        labels[Label.taskArn] = task.taskArn
        labels[Label.containerName] = name
        labels[Label.family] = task.family
        labels[Label.revision] = String(task.revision)
        labels[Label.containerInstance] = instanceId
        let awslogs = definition.logConfiguration.flatMap { $0.logDriver == .awslogs ? $0.options ?? [:] : nil }
        if let awslogs {
            // Docker keeps the output in its json-file log (so `docker logs` works on the
            // host); the agent follows it and ships it (AWSLogsShipper).
            labels[Label.awslogs] = try AWSLogsOptions(options: awslogs, containerName: name, taskArn: task.taskArn)
                .label()
        }
        let ports = (definition.portMappings ?? []).compactMap { mapping -> ContainerSpec.Port? in
            guard let containerPort = mapping.containerPort else { return nil }
            let fixed = mapping.hostPort.flatMap { $0 == 0 ? nil : $0 }
            return ContainerSpec.Port(
                containerPort: containerPort, hostPort: networkMode == "host" ? containerPort : fixed,
                transport: mapping.protocol?.rawValue ?? "tcp")
        }
        return ContainerSpec(
            name: Self.dockerName(task: task, container: name), image: definition.image ?? "", labels: labels,
            environment: (definition.environment ?? []).compactMap { pair in
                pair.name.map { "\($0)=\(pair.value ?? "")" }
            },
            entryPoint: definition.entryPoint, command: definition.command,
            workingDirectory: definition.workingDirectory, user: definition.user,
            hostname: networkMode == "bridge" ? definition.hostname : nil,
            networkMode: definition.disableNetworking == true ? "none" : networkMode, ports: ports,
            hostPortAddress: hostPortAddress, mounts: try mounts(of: definition, in: task),
            volumesFrom: (definition.volumesFrom ?? []).compactMap { source in
                source.sourceContainer.map {
                    Self.dockerName(task: task, container: $0) + (source.readOnly == true ? ":ro" : "")
                }
            },
            links: networkMode == "bridge"
                ? (definition.links ?? []).map { link in
                    let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
                    let target = parts.first ?? link
                    return Self.dockerName(task: task, container: target) + ":" + (parts.count > 1 ? parts[1] : target)
                } : [],
            cpuShares: max(definition.cpu ?? 0, Self.minimumCPUShares), memoryMiB: definition.memory,
            memoryReservationMiB: definition.memoryReservation, privileged: definition.privileged ?? false,
            readonlyRootFilesystem: definition.readonlyRootFilesystem ?? false,
            initProcessEnabled: definition.linuxParameters?.initProcessEnabled ?? false,
            extraHosts: (definition.extraHosts ?? []).map { "\($0.hostname):\($0.ipAddress)" },
            dnsServers: definition.dnsServers ?? [],
            ulimits: (definition.ulimits ?? []).map {
                ContainerSpec.Ulimit(name: $0.name.rawValue, soft: $0.softLimit, hard: $0.hardLimit)
            },
            healthCheck: definition.healthCheck.map { check in
                ContainerSpec.HealthCheck(
                    test: check.command, interval: check.interval ?? Self.healthCheckDefaults.interval,
                    timeout: check.timeout ?? Self.healthCheckDefaults.timeout,
                    retries: check.retries ?? Self.healthCheckDefaults.retries,
                    startPeriod: check.startPeriod ?? Self.healthCheckDefaults.startPeriod)
            },
            stopTimeoutSeconds: stopTimeout(of: definition),
            logDriver: awslogs != nil ? "json-file" : definition.logConfiguration?.logDriver.rawValue,
            logOptions: awslogs != nil ? [:] : definition.logConfiguration?.options ?? [:])
    }

    /// SIGTERM to SIGKILL for a container.
    public func stopTimeout(of definition: ECS.ContainerDefinition) -> Int {
        definition.stopTimeout ?? Int(defaultStopTimeout.components.seconds)
    }

    /// The container's mount points: host paths bound as they are; Docker volumes by
    /// name (a `shared` one under its own name, a task-scoped one per task); volumes with
    /// neither, as ECS's empty "Docker-managed" volumes, one per task.
    func mounts(of definition: ECS.ContainerDefinition, in task: AgentTask) throws -> [ContainerSpec.Mount] {
        try (definition.mountPoints ?? []).map { point in
            guard let source = point.sourceVolume, let target = point.containerPath,
                let volume = (task.volumes ?? []).first(where: { $0.name == source })
            else {
                throw RuntimeError(
                    .create,
                    "mount point \(point.sourceVolume ?? "(none)") of container \(definition.name ?? "") names no volume of the task definition")
            }
            let readOnly = point.readOnly ?? false
            if let path = volume.host?.sourcePath, !path.isEmpty {
                return ContainerSpec.Mount(source: path, target: target, readOnly: readOnly, isVolume: false)
            }
            if let docker = volume.dockerVolumeConfiguration, docker.scope == .shared {
                return ContainerSpec.Mount(source: source, target: target, readOnly: readOnly, isVolume: true)
            }
            return ContainerSpec.Mount(
                source: "ecs-\(Self.taskId(task.taskArn))-\(source)", target: target, readOnly: readOnly, isVolume: true)
        }
    }
}
