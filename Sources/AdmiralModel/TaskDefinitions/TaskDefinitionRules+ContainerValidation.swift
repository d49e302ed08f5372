import Foundation

extension TaskDefinitionRules {
    /// Every rule that looks at one container (and at the task only for context).
    static func validateContainer(_ container: ECS.ContainerDefinition, in task: TaskContext) throws {
        let name = container.name ?? ""
        try validateMemory(of: container, named: name, taskMemory: task.size.memoryMiB)
        if let cpu = container.cpu, cpu < 0 {
            throw invalid(
                "Invalid 'cpu' setting for container '\(name)'. CPU units must be 0 or more; "
                    + "\(cpu) is not.")
        }
        if let files = container.environmentFiles, files.count > maximumEnvironmentFiles {
            throw invalid(
                "Too many environment files for container '\(name)': at most \(maximumEnvironmentFiles) "
                    + "may be given; it has \(files.count).")
        }
        try validatePortMappings(container.portMappings ?? [], container: name, networkMode: task.networkMode)
        if let healthCheck = container.healthCheck {
            try validateHealthCheck(healthCheck, container: name)
        }
        try validateLinks(of: container, named: name, in: task)
        try validateDependencies(of: container, named: name, in: task)
        try validateMountPoints(of: container, named: name, in: task)
        try validateVolumesFrom(of: container, named: name, in: task)
    }

    /// memory or memoryReservation (unless the task sets memory), each at least Docker's
    /// minimum, and the reservation no more than the limit.
    static func validateMemory(
        of container: ECS.ContainerDefinition, named name: String, taskMemory: Int?
    ) throws {
        if taskMemory == nil, container.memory == nil, container.memoryReservation == nil {
            throw invalid(
                "Invalid setting for container '\(name)'. At least one of 'memory' or "
                    + "'memoryReservation' must be specified.")
        }
        let values: [(member: String, value: Int?)] = [
            ("memory", container.memory), ("memoryReservation", container.memoryReservation),
        ]
        for (member, value) in values {
            if let value, value < minimumContainerMemoryMiB {
                throw invalid(
                    "Invalid '\(member)' setting for container '\(name)'. Docker needs at least "
                        + "\(minimumContainerMemoryMiB) MiB; set '\(member)' to "
                        + "\(minimumContainerMemoryMiB) or more (it is \(value)).")
            }
        }
        if let memory = container.memory, let reservation = container.memoryReservation,
            reservation > memory
        {
            throw invalid(
                "Invalid 'memoryReservation' setting for container '\(name)'. 'memoryReservation' "
                    + "(\(reservation) MiB) must be less than or equal to 'memory' (\(memory) MiB); "
                    + "lower the reservation or raise the limit.")
        }
    }

    /// Container ports or port ranges, host ports, and what each network mode allows.
    static func validatePortMappings(
        _ mappings: [ECS.PortMapping], container name: String, networkMode: ECS.NetworkMode
    ) throws {
        if networkMode == .none, !mappings.isEmpty {
            throw invalid(
                "Port mappings are not supported when networkMode=none. Remove the portMappings of "
                    + "container '\(name)' or use networkMode 'bridge' or 'host'.")
        }
        var claimed: [(protocol: ECS.TransportProtocol, ports: ClosedRange<Int>, isRange: Bool)] = []
        for mapping in mappings {
            let ports: ClosedRange<Int>
            switch (mapping.containerPort, mapping.containerPortRange) {
            case (nil, nil):
                throw invalid(
                    "Invalid 'containerPort' setting for container '\(name)'. Each port mapping "
                        + "needs a 'containerPort' (1-65535) or a 'containerPortRange'.")
            case (.some, .some):
                throw invalid(
                    "Invalid port mapping for container '\(name)': give either 'containerPort' or "
                        + "'containerPortRange', not both.")
            case (let port?, nil):
                guard containerPortRange.contains(port) else {
                    throw invalid(
                        "Invalid 'containerPort' setting for container '\(name)'. Container ports "
                            + "must be between 1 and 65535; \(port) is not.")
                }
                try validateHostPort(mapping.hostPort, containerPort: port, container: name, networkMode: networkMode)
                ports = port...port
            case (nil, let text?):
                ports = try parseContainerPortRange(text, container: name)
                guard networkMode == .bridge || networkMode == .awsvpc else {
                    throw invalid(
                        "Invalid 'containerPortRange' setting for container '\(name)'. Port ranges "
                            + "need networkMode 'bridge'; map single container ports in "
                            + "networkMode=\(networkMode.rawValue).")
                }
                if let hostPort = mapping.hostPort, hostPort != 0 {
                    throw invalid(
                        "Invalid 'hostPort' setting for container '\(name)'. Leave 'hostPort' out of "
                            + "a mapping with a 'containerPortRange'; the agent picks the host ports.")
                }
            }
            let transport = mapping.protocol ?? .tcp
            let isRange = mapping.containerPortRange != nil
            if let clash = claimed.first(where: {
                $0.protocol == transport && ($0.isRange || isRange) && $0.ports.overlaps(ports)
            }) {
                throw invalid(
                    "Invalid 'containerPortRange' setting for container '\(name)'. A port can only be "
                        + "included in one port mapping per container; \(describe(ports)) overlaps "
                        + "\(describe(clash.ports)).")
            }
            claimed.append((transport, ports, isRange))
        }
    }

    /// A host port in range, and in host (or awsvpc) mode absent, 0 or the container port.
    static func validateHostPort(
        _ hostPort: Int?, containerPort: Int, container name: String, networkMode: ECS.NetworkMode
    ) throws {
        guard let hostPort else { return }
        guard hostPortRange.contains(hostPort) else {
            throw invalid(
                "Invalid 'hostPort' setting for container '\(name)'. Host ports must be between 0 "
                    + "and 65535 (0 or absent picks a dynamic port); \(hostPort) is not.")
        }
        if networkMode == .host || networkMode == .awsvpc, hostPort != 0, hostPort != containerPort {
            throw invalid(
                "When networkMode=\(networkMode.rawValue), the host ports and container ports in port "
                    + "mappings must match. Container '\(name)' maps container port \(containerPort) "
                    + "to host port \(hostPort); leave 'hostPort' out or set it to \(containerPort).")
        }
    }

    /// Parses `"first-last"` with 1 ≤ first < last ≤ 65535.
    static func parseContainerPortRange(_ text: String, container name: String) throws -> ClosedRange<Int> {
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard bounds.count == 2, let first = bounds[0], let last = bounds[1],
            containerPortRange.contains(first), containerPortRange.contains(last), first < last
        else {
            throw invalid(
                "Invalid 'containerPortRange' setting for container '\(name)'. Give it as "
                    + "'first-last' with ports between 1 and 65535 and the first less than the last; "
                    + "'\(text)' is not.")
        }
        return first...last
    }

    /// The same host port and protocol is claimed by at most one mapping in the task.
    static func validateHostPorts(
        _ containers: [ECS.ContainerDefinition], networkMode: ECS.NetworkMode
    ) throws {
        var owners: [String: String] = [:]
        for container in containers {
            let name = container.name ?? ""
            for mapping in container.portMappings ?? [] where mapping.containerPortRange == nil {
                guard let hostPort = effectiveHostPort(of: mapping, networkMode: networkMode),
                    hostPort != 0
                else { continue }
                let transport = (mapping.protocol ?? .tcp).rawValue
                let key = "\(transport)/\(hostPort)"
                if let owner = owners[key] {
                    let who =
                        owner == name
                        ? "Container '\(name)' maps it twice" : "Containers '\(owner)' and '\(name)' both map it"
                    throw invalid(
                        "\(transport.uppercased()) host port '\(hostPort)' is mapped multiple times in "
                            + "task. \(who); give each mapping its own host port, or 0 for a dynamic "
                            + "port in bridge mode.")
                }
                owners[key] = name
            }
        }
    }

    /// The host port a single-port mapping binds: in host and awsvpc mode the container port
    /// when none (or 0) is given; in bridge mode whatever was given (0 or nil is dynamic).
    static func effectiveHostPort(of mapping: ECS.PortMapping, networkMode: ECS.NetworkMode) -> Int? {
        switch networkMode {
        case .host, .awsvpc:
            if let hostPort = mapping.hostPort, hostPort != 0 { return hostPort }
            return mapping.containerPort
        case .bridge, .none:
            return mapping.hostPort
        }
    }

    /// A command starting with CMD or CMD-SHELL, and timings within ECS's limits.
    static func validateHealthCheck(_ healthCheck: ECS.HealthCheck, container name: String) throws {
        guard let kind = healthCheck.command.first, kind == "CMD" || kind == "CMD-SHELL",
            healthCheck.command.count >= 2
        else {
            throw invalid(
                "Invalid 'healthCheck.command' setting for container '\(name)'. Start the command "
                    + "with \"CMD\" followed by the program and its arguments, or \"CMD-SHELL\" "
                    + "followed by a shell command.")
        }
        let limits: [(member: String, value: Int?, range: ClosedRange<Int>, unit: String)] = [
            ("interval", healthCheck.interval, healthCheckIntervalRange, " seconds"),
            ("timeout", healthCheck.timeout, healthCheckTimeoutRange, " seconds"),
            ("retries", healthCheck.retries, healthCheckRetriesRange, ""),
            ("startPeriod", healthCheck.startPeriod, healthCheckStartPeriodRange, " seconds"),
        ]
        for limit in limits {
            if let value = limit.value, !limit.range.contains(value) {
                throw invalid(
                    "Invalid 'healthCheck.\(limit.member)' setting for container '\(name)'. Specify "
                        + "between \(limit.range.lowerBound) and \(limit.range.upperBound)\(limit.unit); "
                        + "\(value) is not.")
            }
        }
    }

    private static func describe(_ ports: ClosedRange<Int>) -> String {
        ports.count == 1 ? "port \(ports.lowerBound)" : "ports \(ports.lowerBound)-\(ports.upperBound)"
    }
}
