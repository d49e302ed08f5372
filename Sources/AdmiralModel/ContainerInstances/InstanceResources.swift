/// The resources of a container instance in ECS's four kinds: CPU units, memory (MiB),
/// and the TCP and UDP host ports that are taken (reserved by the agent or bound by
/// tasks).
public struct InstanceResources: Sendable, Hashable, Codable {
    /// CPU units (1024 per vCPU).
    public var cpu: Int
    /// Memory in MiB.
    public var memory: Int
    /// TCP host ports that are not available to new tasks.
    public var tcpPorts: [Int]
    /// UDP host ports that are not available to new tasks.
    public var udpPorts: [Int]

    /// Creates resources.
    public init(cpu: Int, memory: Int, tcpPorts: [Int] = [], udpPorts: [Int] = []) {
        self.cpu = cpu
        self.memory = memory
        self.tcpPorts = Array(Set(tcpPorts)).sorted()
        self.udpPorts = Array(Set(udpPorts)).sorted()
    }

    /// The host ports ECS's agent reserves by default: SSH, the Docker daemon's ports and
    /// the agent's introspection ports.
    public static let defaultReservedTCPPorts = [22, 2375, 2376, 51678, 51679]

    /// Reads the resources a RegisterContainerInstance call reports, refusing what ECS
    /// would refuse.
    public init(registering resources: [ECS.Resource]) throws {
        var cpu: Int?
        var memory: Int?
        var tcp: [Int] = []
        var udp: [Int] = []
        for resource in resources {
            switch resource.name {
            case "CPU":
                cpu = try Self.integer(resource)
            case "MEMORY":
                memory = try Self.integer(resource)
            case "PORTS":
                tcp = try Self.ports(resource)
            case "PORTS_UDP":
                udp = try Self.ports(resource)
            default:
                continue
            }
        }
        guard let cpu, let memory else {
            throw AdmiralError.invalidParameter(
                "totalResources must report CPU and MEMORY as INTEGER resources.")
        }
        self.init(cpu: cpu, memory: memory, tcpPorts: tcp, udpPorts: udp)
    }

    /// The largest CPU or MEMORY an instance may report: ECS's `integerValue` is a 32-bit
    /// integer, and sums over a cluster's instances must not overflow.
    public static let maximumInteger = Int(Int32.max)

    private static func integer(_ resource: ECS.Resource) throws -> Int {
        let value =
            resource.integerValue ?? resource.longValue
            ?? resource.doubleValue.flatMap { Int(exactly: $0.rounded(.down)) }
        guard let value, (0...maximumInteger).contains(value) else {
            throw AdmiralError.invalidParameter(
                "Resource \(resource.name ?? "") must have an integerValue from 0 to \(maximumInteger).")
        }
        return value
    }

    private static func ports(_ resource: ECS.Resource) throws -> [Int] {
        try (resource.stringSetValue ?? []).map { text in
            guard let port = Int(text), (0...65_535).contains(port) else {
                throw AdmiralError.invalidParameter(
                    "Resource \(resource.name ?? "") lists '\(text)', which is not a port number between 0 and 65535.")
            }
            return port
        }
    }

    /// The resources as ECS's `Resource` list: CPU, MEMORY, PORTS, PORTS_UDP.
    public var ecsResources: [ECS.Resource] {
        [
            ECS.Resource(name: "CPU", type: "INTEGER", doubleValue: 0, longValue: 0, integerValue: cpu),
            ECS.Resource(name: "MEMORY", type: "INTEGER", doubleValue: 0, longValue: 0, integerValue: memory),
            ECS.Resource(
                name: "PORTS", type: "STRINGSET", doubleValue: 0, longValue: 0, integerValue: 0,
                stringSetValue: tcpPorts.map(String.init)),
            ECS.Resource(
                name: "PORTS_UDP", type: "STRINGSET", doubleValue: 0, longValue: 0, integerValue: 0,
                stringSetValue: udpPorts.map(String.init)),
        ]
    }

    /// What remains of these resources after `reservations`: CPU and memory less their
    /// sums, the ports together with theirs.
    public func remaining(after usage: InstanceUsage) -> InstanceResources {
        InstanceResources(
            cpu: cpu - usage.cpu, memory: memory - usage.memory,
            tcpPorts: tcpPorts + usage.tcpPorts, udpPorts: udpPorts + usage.udpPorts)
    }
}

/// What the tasks placed on a container instance hold, kept by the store in the same
/// transactions that create tasks and stop them.
public struct InstanceUsage: Sendable, Hashable, Codable {
    /// CPU units held by tasks that are not STOPPED.
    public var cpu: Int = 0
    /// Memory (MiB) held by tasks that are not STOPPED.
    public var memory: Int = 0
    /// Fixed TCP host ports bound by those tasks.
    public var tcpPorts: [Int] = []
    /// Fixed UDP host ports bound by those tasks.
    public var udpPorts: [Int] = []
    /// Tasks whose last status is RUNNING.
    public var runningTasks: Int = 0
    /// Tasks that are not RUNNING yet (PROVISIONING, PENDING, ACTIVATING).
    public var pendingTasks: Int = 0
    /// Tasks holding resources, by group (`family:web`, `service:api`).
    public var groups: [String: Int] = [:]

    /// No usage.
    public init() {}

    /// Adds a task that holds resources.
    public mutating func add(_ reservation: TaskReservation, group: String, status: TaskStatus) {
        cpu += reservation.cpu
        memory += reservation.memory
        tcpPorts = Array(Set(tcpPorts).union(reservation.tcpPorts)).sorted()
        udpPorts = Array(Set(udpPorts).union(reservation.udpPorts)).sorted()
        groups[group, default: 0] += 1
        count(status, by: 1)
    }

    /// Removes a task that no longer holds resources.
    public mutating func remove(_ reservation: TaskReservation, group: String, status: TaskStatus) {
        cpu -= reservation.cpu
        memory -= reservation.memory
        tcpPorts = Array(Set(tcpPorts).subtracting(reservation.tcpPorts)).sorted()
        udpPorts = Array(Set(udpPorts).subtracting(reservation.udpPorts)).sorted()
        let left = (groups[group] ?? 0) - 1
        groups[group] = left > 0 ? left : nil
        count(status, by: -1)
    }

    /// Moves a task from one counted status to another.
    public mutating func move(from old: TaskStatus, to new: TaskStatus) {
        count(old, by: -1)
        count(new, by: 1)
    }

    private mutating func count(_ status: TaskStatus, by delta: Int) {
        if status == .running {
            runningTasks += delta
        } else if status < .running {
            pendingTasks += delta
        }
    }
}
