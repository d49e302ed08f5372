import AdmiralModel
import Foundation
import Testing

@Suite("Task definition rules: the stored definition")
struct TaskDefinitionMakeDefinitionTests {
    typealias Fixture = TaskDefinitionFixture

    static let arn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web-app:3"
    static let registeredAt = Date(timeIntervalSince1970: 1_700_000_000)
    static let registeredBy = "arn:aws:iam::000000000000:root"

    private func make(_ request: ECS.RegisterTaskDefinitionRequest) -> ECS.TaskDefinition {
        TaskDefinitionRules.makeDefinition(
            request, arn: Self.arn, revision: 3, registeredAt: Self.registeredAt, registeredBy: Self.registeredBy)
    }

    private func jsonObject(_ value: some Encodable) throws -> [String: Any] {
        let data = try ECS.makeEncoder().encode(value)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func canonical(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// The labels of stored properties that are nil.
    private func absentMembers(of value: Any) -> [String] {
        Mirror(reflecting: value).children.compactMap { child in
            let member = Mirror(reflecting: child.value)
            return member.displayStyle == .optional && member.children.isEmpty ? child.label : nil
        }
    }

    @Test("Every member of a fully populated request appears unchanged in the definition")
    func everyMemberIsPreserved() throws {
        var request = try FillingDecoder.fill(ECS.RegisterTaskDefinitionRequest.self)
        request.cpu = "1024"
        request.memory = "2048"
        let container = try #require(request.containerDefinitions.first)
        #expect(absentMembers(of: request).isEmpty, "request members left nil: \(absentMembers(of: request))")
        #expect(absentMembers(of: container).isEmpty, "container members left nil: \(absentMembers(of: container))")

        let requestJSON = try jsonObject(request)
        let definitionJSON = try jsonObject(make(request))
        #expect(requestJSON.count == Mirror(reflecting: request).children.count)
        for (key, value) in requestJSON where key != "tags" {
            let stored = try #require(definitionJSON[key], "task member '\(key)' was dropped")
            #expect(try canonical(stored) == canonical(value), "task member '\(key)' changed")
        }

        let requestContainer = try #require((requestJSON["containerDefinitions"] as? [[String: Any]])?.first)
        let storedContainer = try #require((definitionJSON["containerDefinitions"] as? [[String: Any]])?.first)
        #expect(requestContainer.count == Mirror(reflecting: container).children.count)
        for (key, value) in requestContainer {
            let stored = try #require(storedContainer[key], "container member '\(key)' was dropped")
            #expect(try canonical(stored) == canonical(value), "container member '\(key)' changed")
        }
    }

    @Test("The definition carries its ARN, family, revision, status, registration and compatibilities")
    func computedMembers() throws {
        let definition = make(Fixture.request())
        #expect(definition.taskDefinitionArn == Self.arn)
        #expect(definition.family == "web-app")
        #expect(definition.revision == 3)
        #expect(definition.status == .active)
        #expect(definition.registeredAt == Self.registeredAt)
        #expect(definition.registeredBy == Self.registeredBy)
        #expect(definition.compatibilities == [.external, .ec2])
        #expect(definition.deregisteredAt == nil)
        #expect(try jsonObject(definition)["tags"] == nil)
    }

    @Test("Containers get ECS's defaults where the request left members out")
    func containerDefaults() throws {
        let container = try #require(make(Fixture.request()).containerDefinitions?.first)
        #expect(container.cpu == 0)
        #expect(container.essential == true)
        #expect(container.portMappings == [])
        #expect(container.environment == [])
        #expect(container.mountPoints == [])
        #expect(container.volumesFrom == [])
        #expect(container.systemControls == [])
        #expect(container.links == nil)
        #expect(container.memoryReservation == nil)
        #expect(container.memory == 256)
    }

    @Test("Given container members are kept over the defaults")
    func givenContainerMembersWin() throws {
        var web = Fixture.container()
        web.cpu = 512
        web.essential = false
        web.environment = [ECS.KeyValuePair(name: "MODE", value: "production")]
        let container = try #require(make(Fixture.request([web, Fixture.container("db")])).containerDefinitions?.first)
        #expect(container.cpu == 512)
        #expect(container.essential == false)
        #expect(container.environment == [ECS.KeyValuePair(name: "MODE", value: "production")])
    }

    @Test("Port mappings default to tcp; in host mode the host port becomes the container port")
    func portMappingDefaults() throws {
        var web = Fixture.container()
        web.portMappings = [
            ECS.PortMapping(containerPort: 80), ECS.PortMapping(containerPort: 443, hostPort: 0),
            ECS.PortMapping(containerPort: 53, protocol: .udp),
        ]
        let bridge = try #require(make(Fixture.request([web])).containerDefinitions?.first?.portMappings)
        #expect(
            bridge == [
                ECS.PortMapping(containerPort: 80, protocol: .tcp),
                ECS.PortMapping(containerPort: 443, hostPort: 0, protocol: .tcp),
                ECS.PortMapping(containerPort: 53, protocol: .udp),
            ])
        let host = try #require(
            make(Fixture.request([web], networkMode: .host)).containerDefinitions?.first?.portMappings)
        #expect(host.map(\.hostPort) == [80, 443, 53])
    }

    @Test("Task volumes and placement constraints default to empty; requiresCompatibilities only when given")
    func taskDefaults() throws {
        let plain = make(Fixture.request())
        #expect(plain.volumes == [])
        #expect(plain.placementConstraints == [])
        #expect(plain.requiresCompatibilities == nil)
        #expect(plain.networkMode == nil)
        #expect(plain.cpu == nil)
        #expect(plain.memory == nil)
        var request = Fixture.request()
        request.requiresCompatibilities = [.ec2]
        #expect(make(request).requiresCompatibilities == [.ec2])
    }

    @Test(
        "Task cpu in vCPUs becomes CPU units",
        arguments: [
            ("1 vCPU", "1024"), ("0.5 vcpu", "512"), (".25 vCPU", "256"), ("2vcpu", "2048"), ("0.125 VCPU", "128"),
            ("1024", "1024"), (" 256 ", "256"),
        ])
    func cpuConversion(given: String, stored: String) throws {
        var request = Fixture.request()
        request.cpu = given
        try TaskDefinitionRules.validate(request)
        #expect(make(request).cpu == stored)
    }

    @Test(
        "Task memory in GB becomes MiB",
        arguments: [("2GB", "2048"), ("2 GB", "2048"), ("0.5 gb", "512"), ("1.5GB", "1536"), ("512", "512")])
    func memoryConversion(given: String, stored: String) throws {
        var request = Fixture.request()
        request.memory = given
        try TaskDefinitionRules.validate(request)
        #expect(make(request).memory == stored)
    }

    private func attributeNames(_ request: ECS.RegisterTaskDefinitionRequest) -> [String] {
        (make(request).requiresAttributes ?? []).map(\.name)
    }

    @Test("A plain container requires no attributes, and attributes carry only a name")
    func noAttributes() throws {
        #expect(attributeNames(Fixture.request()) == [])
        var web = Fixture.container()
        web.healthCheck = ECS.HealthCheck(command: ["CMD", "true"])
        let attribute = try #require(make(Fixture.request([web])).requiresAttributes?.first)
        #expect(attribute == ECS.Attribute(name: "ecs.capability.container-health-check"))
    }

    @Test(
        "awslogs with options and an execution role requires the driver, Docker API 1.18 and 1.19, and execution-role-awslogs"
    )
    func awslogsAttributes() {
        var web = Fixture.container()
        web.logConfiguration = ECS.LogConfiguration(logDriver: .awslogs, options: ["awslogs-group": "/ecs/web"])
        var request = Fixture.request([web])
        request.executionRoleArn = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole"
        #expect(
            attributeNames(request) == [
                "com.amazonaws.ecs.capability.logging-driver.awslogs",
                "com.amazonaws.ecs.capability.docker-remote-api.1.18",
                "com.amazonaws.ecs.capability.docker-remote-api.1.19",
                "ecs.capability.execution-role-awslogs",
            ])
    }

    @Test("Container features map to the capabilities the agent registers, each listed once")
    func containerFeatureAttributes() {
        var db = Fixture.container("db", image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/postgres:16", memory: nil)
        db.memoryReservation = 512
        db.healthCheck = ECS.HealthCheck(command: ["CMD", "pg_isready"])
        db.secrets = [
            ECS.Secret(name: "PASSWORD", valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db")
        ]
        db.dockerLabels = ["team": "data"]
        var web = Fixture.container("web")
        web.dependsOn = [ECS.ContainerDependency(containerName: "db", condition: .healthy)]
        web.secrets = [ECS.Secret(name: "TOKEN", valueFrom: "/web/token")]
        web.memoryReservation = 128
        web.privileged = true
        var request = Fixture.request([db, web])
        request.executionRoleArn = "arn:aws:iam::000000000000:role/exec"
        request.taskRoleArn = "arn:aws:iam::000000000000:role/task"
        request.memory = "1GB"
        let names = attributeNames(request)
        #expect(Set(names).count == names.count)
        #expect(
            Set(names) == [
                "com.amazonaws.ecs.capability.docker-remote-api.1.18",
                "com.amazonaws.ecs.capability.docker-remote-api.1.21",
                "ecs.capability.container-health-check",
                "ecs.capability.secrets.asm.environment-variables",
                "ecs.capability.secrets.ssm.environment-variables",
                "com.amazonaws.ecs.capability.ecr-auth",
                "ecs.capability.execution-role-ecr-pull",
                "ecs.capability.container-ordering",
                "com.amazonaws.ecs.capability.privileged-container",
                "com.amazonaws.ecs.capability.task-iam-role",
                "ecs.capability.task-cpu-mem-limit",
            ])
    }

    @Test("Task features map to capabilities: host-mode task roles, namespaces, Docker volumes and EFS")
    func taskFeatureAttributes() {
        var request = Fixture.request(networkMode: .host)
        request.taskRoleArn = "arn:aws:iam::000000000000:role/task"
        request.pidMode = .host
        request.volumes = [
            ECS.Volume(name: "scratch", dockerVolumeConfiguration: ECS.DockerVolumeConfiguration(scope: .task)),
            ECS.Volume(name: "shared", efsVolumeConfiguration: ECS.EFSVolumeConfiguration(fileSystemId: "fs-1")),
        ]
        #expect(
            Set(attributeNames(request)) == [
                "com.amazonaws.ecs.capability.task-iam-role",
                "com.amazonaws.ecs.capability.task-iam-role-network-host",
                "ecs.capability.pid-ipc-namespace-sharing",
                "ecs.capability.docker-plugin.local",
                "com.amazonaws.ecs.capability.docker-remote-api.1.25",
                "ecs.capability.efs",
                "ecs.capability.efsAuth",
            ])
    }
}
