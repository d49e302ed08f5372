/// What a task takes from its container instance while it holds resources: CPU units,
/// memory (MiB) and the fixed host ports its port mappings bind. Dynamic host ports
/// (bridge mode, `hostPort` 0 or absent) are chosen by Docker and reserve nothing.
public struct TaskReservation: Sendable, Hashable, Codable {
    /// CPU units (1024 per vCPU).
    public var cpu: Int
    /// Memory in MiB.
    public var memory: Int
    /// Fixed host TCP ports.
    public var tcpPorts: [Int]
    /// Fixed host UDP ports.
    public var udpPorts: [Int]

    /// Creates a reservation.
    public init(cpu: Int, memory: Int, tcpPorts: [Int] = [], udpPorts: [Int] = []) {
        self.cpu = cpu
        self.memory = memory
        self.tcpPorts = tcpPorts.sorted()
        self.udpPorts = udpPorts.sorted()
    }

    /// The reservation of a task of `definition` whose containers are `containers` (the
    /// definition's, with the run's overrides applied), as ECS computes it: task-level
    /// `cpu` and `memory` when the definition sets them; otherwise the sum over containers
    /// of `cpu` and of `memoryReservation` (or `memory` when there is no soft limit).
    public static func of(
        _ definition: ECS.TaskDefinition, containers: [ECS.ContainerDefinition], overrides: ECS.TaskOverride? = nil
    ) -> TaskReservation {
        let taskCPU = (overrides?.cpu ?? definition.cpu).flatMap(TaskDefinitionRules.parseCPUUnits)
        let taskMemory = (overrides?.memory ?? definition.memory).flatMap(TaskDefinitionRules.parseMemoryMiB)
        let cpu = taskCPU ?? containers.reduce(0) { $0 + max($1.cpu ?? 0, 0) }
        let memory =
            taskMemory ?? containers.reduce(0) { $0 + max($1.memoryReservation ?? $1.memory ?? 0, 0) }
        let networkMode = TaskDefinitionRules.effectiveNetworkMode(definition.networkMode)
        var tcp: Set<Int> = []
        var udp: Set<Int> = []
        for container in containers {
            for mapping in container.portMappings ?? [] where mapping.containerPortRange == nil {
                guard let port = TaskDefinitionRules.effectiveHostPort(of: mapping, networkMode: networkMode),
                    port != 0
                else { continue }
                if mapping.protocol == .udp { udp.insert(port) } else { tcp.insert(port) }
            }
        }
        return TaskReservation(cpu: cpu, memory: memory, tcpPorts: Array(tcp), udpPorts: Array(udp))
    }
}

/// Applies a RunTask or StartTask `overrides.containerOverrides` to a task definition's
/// containers, as ECS does, after checking them.
public enum TaskOverrides {
    /// The definition's containers with the overrides applied: `command` and
    /// `environment` (merged by name, the override winning), `cpu`, `memory` and
    /// `memoryReservation` replace the definition's values.
    public static func apply(
        _ overrides: ECS.TaskOverride?, to definition: ECS.TaskDefinition
    ) throws -> [ECS.ContainerDefinition] {
        var containers = definition.containerDefinitions ?? []
        guard let overrides else { return containers }
        if let cpu = overrides.cpu, TaskDefinitionRules.parseCPUUnits(cpu) == nil {
            throw AdmiralError.invalidParameter(
                "Invalid 'overrides.cpu' '\(cpu)': give CPU units (for example '1024') or vCPUs ('1 vCPU').")
        }
        if let memory = overrides.memory, TaskDefinitionRules.parseMemoryMiB(memory) == nil {
            throw AdmiralError.invalidParameter(
                "Invalid 'overrides.memory' '\(memory)': give MiB (for example '512') or GB ('1 GB').")
        }
        for override in overrides.containerOverrides ?? [] {
            guard let name = override.name, let index = containers.firstIndex(where: { $0.name == name }) else {
                throw AdmiralError.invalidParameter(
                    "Override for container named \(override.name ?? "(no name)") is not a container in the TaskDefinition."
                )
            }
            var container = containers[index]
            if let command = override.command { container.command = command }
            if let environment = override.environment {
                var merged = container.environment ?? []
                for pair in environment {
                    if let existing = merged.firstIndex(where: { $0.name == pair.name }) {
                        merged[existing] = pair
                    } else {
                        merged.append(pair)
                    }
                }
                container.environment = merged
            }
            if let cpu = override.cpu {
                guard cpu >= 0 else {
                    throw AdmiralError.invalidParameter(
                        "Invalid cpu override for container '\(name)': \(cpu) is negative.")
                }
                container.cpu = cpu
            }
            if let memory = override.memory {
                guard memory >= TaskDefinitionRules.minimumContainerMemoryMiB else {
                    throw AdmiralError.invalidParameter(
                        "Invalid memory override for container '\(name)': the minimum is "
                            + "\(TaskDefinitionRules.minimumContainerMemoryMiB) MiB, \(memory) was given.")
                }
                container.memory = memory
            }
            if let reservation = override.memoryReservation { container.memoryReservation = reservation }
            if let memory = container.memory, let reservation = container.memoryReservation, reservation > memory {
                throw AdmiralError.invalidParameter(
                    "Invalid memory overrides for container '\(name)': memoryReservation (\(reservation) MiB) "
                        + "must not exceed memory (\(memory) MiB).")
            }
            containers[index] = container
        }
        return containers
    }
}
