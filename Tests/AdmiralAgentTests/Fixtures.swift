import AdmiralModel
import Foundation

@testable import AdmiralAgent

/// Builders for agent tests.
enum Fixtures {
    static let taskArn = "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef"

    static func container(
        _ name: String, image: String = "admiral-test/busybox", essential: Bool? = nil,
        dependsOn: [(String, ECS.ContainerCondition)] = [], links: [String]? = nil, volumesFrom: [String] = [],
        healthCheck: Bool = false, memory: Int? = 64
    ) -> ECS.ContainerDefinition {
        var definition = ECS.ContainerDefinition(name: name, image: image, memory: memory, essential: essential)
        definition.links = links
        if !dependsOn.isEmpty {
            definition.dependsOn = dependsOn.map { ECS.ContainerDependency(containerName: $0.0, condition: $0.1) }
        }
        if !volumesFrom.isEmpty { definition.volumesFrom = volumesFrom.map { ECS.VolumeFrom(sourceContainer: $0) } }
        if healthCheck { definition.healthCheck = ECS.HealthCheck(command: ["CMD-SHELL", "true"]) }
        return definition
    }

    static func task(
        _ containers: [ECS.ContainerDefinition], desired: TaskStatus = .running, networkMode: String? = nil,
        volumes: [ECS.Volume]? = nil, arn: String = taskArn
    ) -> AgentTask {
        AgentTask(
            taskArn: arn, family: "web", revision: 3, desiredStatus: desired.rawValue, lastStatus: "PENDING",
            networkMode: networkMode, containers: containers, volumes: volumes, cpu: nil, memory: nil, version: 1)
    }

    /// A local task whose containers are at the given phases.
    static func local(
        _ task: AgentTask, phases: [String: LocalTask.Container.Phase] = [:], exitCodes: [String: Int] = [:],
        health: [String: RuntimeContainer.Health] = [:], imagesReady: Bool = true, waitingSince: Date? = nil
    ) -> LocalTask {
        var local = LocalTask(desired: task)
        local.imagesReady = imagesReady
        for index in local.containers.indices {
            let name = local.containers[index].name
            if let phase = phases[name] {
                local.containers[index].phase = phase
                local.containers[index].id = "id-\(name)"
                if phase >= .running { local.containers[index].startedAt = Date(timeIntervalSince1970: 100) }
                if phase == .created { local.containers[index].waitingSince = waitingSince ?? Date() }
            }
            local.containers[index].exitCode = exitCodes[name]
            local.containers[index].health = health[name]
        }
        return local
    }
}
