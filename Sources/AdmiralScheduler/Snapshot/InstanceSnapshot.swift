import Foundation

/// What the scheduler knows of one container instance: a read-only copy of the store's
/// record taken in the transaction that will create the tasks.
public struct InstanceSnapshot: Sendable, Hashable {
    /// The status of a container instance, as ECS names it.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Accepts new tasks.
        case active = "ACTIVE"
        /// Keeps its tasks but accepts no new ones.
        case draining = "DRAINING"
        /// Deregistered.
        case inactive = "INACTIVE"
    }

    /// The container instance ARN; placements and failures name instances by it.
    public var id: String
    /// The EC2 instance id (`ec2InstanceId` in the query language).
    public var ec2InstanceId: String
    /// The instance's status.
    public var status: Status
    /// Whether its agent is connected.
    public var agentConnected: Bool
    /// The agent's version, such as `1.14.5`.
    public var agentVersion: String
    /// When the instance registered.
    public var registeredAt: Date
    /// Attributes by name; a `nil` value is an attribute without value.
    public var attributes: [String: String?]
    /// Remaining CPU units (1024 per vCPU).
    public var remainingCPU: Int
    /// Remaining memory in MiB.
    public var remainingMemory: Int
    /// Host TCP ports in use.
    public var usedTCPPorts: Set<Int>
    /// Host UDP ports in use.
    public var usedUDPPorts: Set<Int>
    /// Tasks running (or about to) on the instance.
    public var runningTasksCount: Int
    /// How many of those tasks are in each task group (`family:web`, `service:api`...).
    public var taskGroups: [String: Int]

    /// Creates the snapshot of an instance.
    public init(
        id: String,
        ec2InstanceId: String = "",
        status: Status = .active,
        agentConnected: Bool = true,
        agentVersion: String = "1.0.0",
        registeredAt: Date = Date(timeIntervalSince1970: 0),
        attributes: [String: String?] = [:],
        remainingCPU: Int,
        remainingMemory: Int,
        usedTCPPorts: Set<Int> = [],
        usedUDPPorts: Set<Int> = [],
        runningTasksCount: Int = 0,
        taskGroups: [String: Int] = [:]
    ) {
        self.id = id
        self.ec2InstanceId = ec2InstanceId
        self.status = status
        self.agentConnected = agentConnected
        self.agentVersion = agentVersion
        self.registeredAt = registeredAt
        self.attributes = attributes
        self.remainingCPU = remainingCPU
        self.remainingMemory = remainingMemory
        self.usedTCPPorts = usedTCPPorts
        self.usedUDPPorts = usedUDPPorts
        self.runningTasksCount = runningTasksCount
        self.taskGroups = taskGroups
    }

    /// Whether the instance accepts new tasks at all: ACTIVE with its agent connected.
    public var acceptsTasks: Bool { status == .active && agentConnected }

    /// The value of an attribute, or nil when the instance lacks it (or it has no value).
    public func attribute(_ name: String) -> String? {
        attributes[name] ?? nil
    }

    /// Reserves a task's resources and counts it in its group.
    mutating func reserve(_ demand: PlacementRequest) {
        remainingCPU -= demand.cpu
        remainingMemory -= demand.memory
        usedTCPPorts.formUnion(demand.tcpPorts)
        usedUDPPorts.formUnion(demand.udpPorts)
        runningTasksCount += 1
        taskGroups[demand.group, default: 0] += 1
    }
}
