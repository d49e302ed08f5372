import AdmiralModel
import AdmiralScheduler
import AdmiralStore
import Foundation

/// Everything needed to create tasks of one task definition revision, checked and
/// computed before the store transaction that places them.
public struct TaskLaunch: Sendable {
    public var cluster: String
    public var definition: TaskDefinitionRecord
    /// The definition's containers with the run's overrides applied.
    public var containers: [ECS.ContainerDefinition]
    public var overrides: ECS.TaskOverride?
    public var reservation: TaskReservation
    public var group: String
    public var startedBy: String?
    public var tags: [ECS.Tag]
    public var strategies: [PlacementStrategy]
    public var constraints: [PlacementConstraint]
    /// The capacity provider strategy the tasks are spread by (empty: any instance).
    public var capacityProviderStrategy: [ECS.CapacityProviderStrategyItem] = []
    /// How a task that waits in PROVISIONING is placed later: the strategy and
    /// constraints as the caller gave them.
    public var waiting: WaitingPlacement

    /// Checks a launch of `definition` as RunTask, StartTask and services do.
    public init(
        cluster: String, definition: TaskDefinitionRecord, overrides: ECS.TaskOverride?, group: String?,
        startedBy: String?, tags: [ECS.Tag], strategies: [PlacementStrategy],
        constraints: [ECS.PlacementConstraint]?
    ) throws {
        guard definition.status == .active || definition.status == .inactive else {
            throw AdmiralError.client("TaskDefinition is being deleted: \(definition.family):\(definition.revision).")
        }
        if let startedBy, startedBy.count > 128 {
            throw AdmiralError.invalidParameter("startedBy can be at most 128 characters; it has \(startedBy.count).")
        }
        let group = group ?? "family:\(definition.family)"
        guard !group.isEmpty, group.count <= 255 else {
            throw AdmiralError.invalidParameter("group must be 1 to 255 characters.")
        }
        self.cluster = cluster
        self.definition = definition
        self.containers = try TaskOverrides.apply(overrides, to: definition.definition)
        self.overrides = overrides
        self.reservation = TaskReservation.of(definition.definition, containers: containers, overrides: overrides)
        self.group = group
        self.startedBy = startedBy
        self.tags = tags
        self.strategies = strategies
        self.waiting = WaitingPlacement(
            placementStrategy: nil, placementConstraints: constraints, serviceDefaults: false)
        self.constraints = try PlacementConstraint.parse(
            constraints,
            taskDefinition: try PlacementConstraint.parseTaskDefinition(definition.definition.placementConstraints))
    }

    /// The placement request for `count` tasks of this launch.
    func placementRequest(count: Int) -> PlacementRequest {
        PlacementRequest(
            count: count, cpu: reservation.cpu, memory: reservation.memory, tcpPorts: Set(reservation.tcpPorts),
            udpPorts: Set(reservation.udpPorts), group: group, strategies: strategies, constraints: constraints,
            requiredAttributes: PlacementRequest.RequiredAttribute.from(definition.definition.requiresAttributes),
            seed: UInt64.random(in: .min ... .max))
    }

    /// A new task of this launch on `instance`, PENDING and desired RUNNING; without an
    /// instance, a task that waits in PROVISIONING for its capacity provider to have room.
    func makeTask(on instance: ContainerInstanceRecord?, at date: Date, capacityProvider: String? = nil) -> TaskRecord {
        let id = ResourceID.hex32()
        let definition = self.definition.definition
        let containers = self.containers.map { container in
            ECS.Container(
                containerArn: ResourceID.uuid(), name: container.name, image: container.image,
                lastStatus: ContainerStatus.pending.rawValue, networkBindings: [], networkInterfaces: [],
                healthStatus: container.healthCheck == nil ? nil : .unknown,
                cpu: String(container.cpu ?? 0), memory: container.memory.map(String.init),
                memoryReservation: container.memoryReservation.map(String.init))
        }
        let status: TaskStatus = instance == nil ? .provisioning : .pending
        var task = ECS.Task(
            attachments: [], attributes: [], availabilityZone: nil,
            containers: containers,
            cpu: definition.cpu ?? String(reservation.cpu),
            createdAt: date, desiredStatus: TaskStatus.running.rawValue, enableExecuteCommand: false,
            group: group, healthStatus: .unknown, lastStatus: status.rawValue, launchType: .ec2,
            memory: definition.memory ?? String(reservation.memory),
            overrides: Self.wireOverrides(overrides, containers: self.containers),
            startedBy: startedBy, tags: [], version: 1)
        task.capacityProviderName = capacityProvider
        var record = TaskRecord(
            cluster: cluster, id: id, containerInstanceId: "", family: self.definition.family,
            revision: self.definition.revision, lastStatus: status, desiredStatus: .running, group: group,
            startedBy: startedBy, reservation: reservation, createdAt: date, task: task,
            containerDefinitions: self.containers)
        if let instance {
            Self.assign(&record, to: instance)
        } else {
            record.waitingPlacement = waiting
        }
        return record
    }

    /// Puts a task on `instance`: PENDING there, with the instance's zone and
    /// architecture; a task that waited in PROVISIONING stops waiting.
    static func assign(_ record: inout TaskRecord, to instance: ContainerInstanceRecord) {
        record.containerInstanceId = instance.id
        record.lastStatus = .pending
        record.task.lastStatus = TaskStatus.pending.rawValue
        record.task.availabilityZone = instance.attribute("ecs.availability-zone")
        record.task.attributes = [
            ECS.Attribute(name: "ecs.cpu-architecture", value: instance.attribute("ecs.cpu-architecture") ?? "x86_64")
        ]
        record.waitingPlacement = nil
    }

    /// The overrides as ECS echoes them: one entry per container, named, with what was
    /// overridden.
    static func wireOverrides(_ overrides: ECS.TaskOverride?, containers: [ECS.ContainerDefinition])
        -> ECS.TaskOverride
    {
        var result = overrides ?? ECS.TaskOverride()
        let given = overrides?.containerOverrides ?? []
        result.containerOverrides = containers.map { container in
            given.first { $0.name == container.name } ?? ECS.ContainerOverride(name: container.name)
        }
        if result.inferenceAcceleratorOverrides == nil { result.inferenceAcceleratorOverrides = [] }
        return result
    }
}

extension InstanceSnapshot {
    /// What the scheduler sees of a stored container instance.
    init(_ record: ContainerInstanceRecord) {
        let remaining = record.remaining
        let status = Self.status(of: record)
        var attributes: [String: String?] = [:]
        for attribute in record.attributes { attributes[attribute.name] = attribute.value }
        self.init(
            id: record.id, ec2InstanceId: record.ec2InstanceId, status: status, agentConnected: record.agentConnected,
            agentVersion: record.versionInfo?.agentVersion ?? "", registeredAt: record.registeredAt,
            attributes: attributes, remainingCPU: remaining.cpu, remainingMemory: remaining.memory,
            usedTCPPorts: Set(remaining.tcpPorts), usedUDPPorts: Set(remaining.udpPorts),
            runningTasksCount: record.usage.runningTasks + record.usage.pendingTasks,
            taskGroups: record.usage.groups)
    }

    /// The scheduler's status of a stored container instance.
    static func status(of record: ContainerInstanceRecord) -> Status {
        switch record.status {
        case .active: .active
        case .draining: .draining
        default: .inactive
        }
    }
}
