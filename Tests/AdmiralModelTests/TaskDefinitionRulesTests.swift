import AdmiralModel
import Foundation
import Testing

/// Small task definitions to vary one member at a time.
enum TaskDefinitionFixture {
    static func container(
        _ name: String = "web", image: String? = "nginx:1.27", memory: Int? = 256
    ) -> ECS.ContainerDefinition {
        ECS.ContainerDefinition(name: name, image: image, memory: memory)
    }

    static func request(
        _ containers: [ECS.ContainerDefinition] = [container()],
        family: String = "web-app",
        networkMode: ECS.NetworkMode? = nil
    ) -> ECS.RegisterTaskDefinitionRequest {
        ECS.RegisterTaskDefinitionRequest(
            family: family, networkMode: networkMode, containerDefinitions: containers)
    }
}

/// Validates `request`, expects a `ClientException` whose message contains every fragment,
/// and returns it.
@discardableResult
func expectRejection(
    _ request: ECS.RegisterTaskDefinitionRequest,
    mentioning fragments: [String],
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> AdmiralError {
    let caught = #expect(throws: AdmiralError.self, sourceLocation: sourceLocation) {
        try TaskDefinitionRules.validate(request)
    }
    let error = try #require(caught, sourceLocation: sourceLocation)
    #expect(error.code == .client, sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
    }
    return error
}

@Suite("Task definition rules: family, containers, launch types and resources")
struct TaskDefinitionRulesTests {
    typealias Fixture = TaskDefinitionFixture

    @Test("A minimal EC2 definition with one container and a memory limit is valid")
    func minimalDefinitionIsValid() throws {
        try TaskDefinitionRules.validate(Fixture.request())
    }

    @Test("A definition using most rules at once is valid")
    func richDefinitionIsValid() throws {
        var db = Fixture.container("db", image: "postgres:16", memory: nil)
        db.memoryReservation = 512
        db.healthCheck = ECS.HealthCheck(command: ["CMD-SHELL", "pg_isready"], interval: 10, timeout: 5, retries: 3)
        db.mountPoints = [ECS.MountPoint(sourceVolume: "data", containerPath: "/var/lib/postgresql/data")]
        db.portMappings = [ECS.PortMapping(containerPort: 5432)]
        var web = Fixture.container("web")
        web.links = ["db:database"]
        web.dependsOn = [ECS.ContainerDependency(containerName: "db", condition: .healthy)]
        web.portMappings = [
            ECS.PortMapping(containerPort: 80, hostPort: 8080),
            ECS.PortMapping(containerPort: 53, hostPort: 8080, protocol: .udp),
            ECS.PortMapping(containerPortRange: "9000-9010"),
        ]
        web.volumesFrom = [ECS.VolumeFrom(sourceContainer: "db", readOnly: true)]
        var request = Fixture.request([db, web])
        request.volumes = [ECS.Volume(name: "data")]
        request.cpu = "1 vCPU"
        request.memory = "1 GB"
        request.requiresCompatibilities = [.ec2, .external]
        request.placementConstraints = [
            ECS.TaskDefinitionPlacementConstraint(type: .memberOf, expression: "attribute:ecs.os-type == linux")
        ]
        try TaskDefinitionRules.validate(request)
    }

    @Test("An empty family is refused")
    func emptyFamily() throws {
        try expectRejection(Fixture.request(family: ""), mentioning: ["Family can not be blank."])
    }

    @Test(
        "A family with characters other than letters, digits, underscores and hyphens is refused",
        arguments: ["web app", "web.app", "web/app", "wéb", String(repeating: "a", count: 256)])
    func invalidFamily(family: String) throws {
        try expectRejection(Fixture.request(family: family), mentioning: ["Family contains invalid characters."])
    }

    @Test("A family of 255 allowed characters is valid")
    func longestFamily() throws {
        try TaskDefinitionRules.validate(Fixture.request(family: String(repeating: "a_-9", count: 63) + "xyz"))
    }

    @Test("A definition without containers is refused")
    func noContainers() throws {
        try expectRejection(Fixture.request([]), mentioning: ["Container list cannot be empty."])
    }

    @Test("More than ten containers are refused, ten are valid")
    func tooManyContainers() throws {
        let ten = (1...10).map { Fixture.container("c\($0)") }
        try TaskDefinitionRules.validate(Fixture.request(ten))
        try expectRejection(
            Fixture.request(ten + [Fixture.container("c11")]), mentioning: ["Too many containers.", "11"])
    }

    @Test("A container without a name is refused", arguments: [nil, ""] as [String?])
    func missingContainerName(name: String?) throws {
        var container = Fixture.container()
        container.name = name
        try expectRejection(Fixture.request([container]), mentioning: ["Container.name should not be null or empty."])
    }

    @Test("A container name with invalid characters is refused")
    func invalidContainerName() throws {
        try expectRejection(
            Fixture.request([Fixture.container("web app")]),
            mentioning: ["Container.name contains invalid characters", "'web app'"])
    }

    @Test("A container without an image is refused", arguments: [nil, "", "  "] as [String?])
    func missingImage(image: String?) throws {
        try expectRejection(
            Fixture.request([Fixture.container(image: image)]),
            mentioning: ["Container.image should not be null or empty."])
    }

    @Test("Two containers with the same name are refused")
    func duplicateContainerNames() throws {
        try expectRejection(
            Fixture.request([Fixture.container("web"), Fixture.container("web")]),
            mentioning: ["Container names must be unique within a Task Definition.", "'web'"])
    }

    @Test("A definition whose containers are all non-essential is refused")
    func noEssentialContainer() throws {
        var first = Fixture.container("a")
        first.essential = false
        var second = Fixture.container("b")
        second.essential = false
        try expectRejection(
            Fixture.request([first, second]), mentioning: ["doesn't have any essential container", "'essential'"])
        second.essential = nil
        try TaskDefinitionRules.validate(Fixture.request([first, second]))
    }

    @Test(
        "FARGATE and MANAGED_INSTANCES compatibilities are refused",
        arguments: [ECS.Compatibility.fargate, .managedInstances])
    func unsupportedCompatibility(compatibility: ECS.Compatibility) throws {
        var request = Fixture.request()
        request.requiresCompatibilities = [.ec2, compatibility]
        try expectRejection(request, mentioning: ["requiresCompatibilities", "'\(compatibility.rawValue)'"])
    }

    @Test("The awsvpc network mode is refused; bridge, host and none are valid")
    func networkModes() throws {
        try expectRejection(Fixture.request(networkMode: .awsvpc), mentioning: ["'awsvpc'", "networkMode"])
        for mode in [ECS.NetworkMode.bridge, .host, .none] {
            try TaskDefinitionRules.validate(Fixture.request(networkMode: mode))
        }
    }

    @Test("A container needs memory or memoryReservation when the task sets no memory")
    func containerMemoryRequired() throws {
        var request = Fixture.request([Fixture.container(memory: nil)])
        let error = try expectRejection(request, mentioning: [])
        #expect(
            error.message
                == "Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be specified."
        )
        request.memory = "512"
        try TaskDefinitionRules.validate(request)
    }

    @Test("Container memory below Docker's 6 MiB minimum is refused", arguments: [-1, 0, 5])
    func containerMemoryMinimum(value: Int) throws {
        try expectRejection(
            Fixture.request([Fixture.container(memory: value)]), mentioning: ["'memory'", "'web'", "6 MiB"])
        var container = Fixture.container(memory: nil)
        container.memoryReservation = value
        try expectRejection(Fixture.request([container]), mentioning: ["'memoryReservation'", "'web'"])
    }

    @Test("memoryReservation above memory is refused; equal is valid")
    func reservationAboveLimit() throws {
        var container = Fixture.container(memory: 256)
        container.memoryReservation = 512
        try expectRejection(Fixture.request([container]), mentioning: ["'memoryReservation'", "'web'", "512", "256"])
        container.memoryReservation = 256
        try TaskDefinitionRules.validate(Fixture.request([container]))
    }

    @Test("Negative container CPU units are refused")
    func negativeContainerCPU() throws {
        var container = Fixture.container()
        container.cpu = -1
        try expectRejection(Fixture.request([container]), mentioning: ["'cpu'", "'web'"])
    }

    @Test(
        "Task cpu that is neither units nor vCPUs, or out of range, is refused",
        arguments: ["lots", "1 core", "0.3 vCPU", "64", "200000", "-1024", ""])
    func invalidTaskCPU(cpu: String) throws {
        var request = Fixture.request()
        request.cpu = cpu
        try expectRejection(request, mentioning: ["Invalid 'cpu' setting for task."])
    }

    @Test("Task memory that is neither MiB nor GB is refused", arguments: ["big", "2 TB", "2MiB", "0", "0.0001GB", ""])
    func invalidTaskMemory(memory: String) throws {
        var request = Fixture.request()
        request.memory = memory
        try expectRejection(request, mentioning: ["Invalid 'memory' setting for task."])
    }

    @Test("A container memory limit above the task memory is refused")
    func containerAboveTaskMemory() throws {
        var request = Fixture.request([Fixture.container("worker", memory: 4096)])
        request.memory = "2GB"
        let error = try expectRejection(request, mentioning: [])
        #expect(error.message.hasPrefix("The 'memory' setting for container 'worker' is greater than for the task."))
    }

    @Test("Container reservations summing above the task memory are refused")
    func reservationsAboveTaskMemory() throws {
        var request = Fixture.request([Fixture.container("a", memory: 300), Fixture.container("b", memory: 300)])
        request.memory = "512"
        try expectRejection(
            request,
            mentioning: [
                "The sum of all container 'memoryReservation' values cannot be greater than the value of the task 'memory'."
            ])
    }

    @Test("Container CPU units summing above the task cpu are refused")
    func containerCPUAboveTask() throws {
        var first = Fixture.container("a")
        first.cpu = 512
        var second = Fixture.container("b")
        second.cpu = 1024
        var request = Fixture.request([first, second])
        request.cpu = "1 vCPU"
        try expectRejection(request, mentioning: ["'cpu'", "1536"])
        request.cpu = "1.5 vcpu"
        try TaskDefinitionRules.validate(request)
    }

    @Test("A distinctInstance placement constraint does not decode: task definitions allow memberOf only")
    func distinctInstanceDoesNotDecode() throws {
        let json = #"{"family":"f","containerDefinitions":[],"placementConstraints":[{"type":"distinctInstance"}]}"#
        #expect(throws: InvalidEnumValue.self) {
            try ECS.makeDecoder().decode(ECS.RegisterTaskDefinitionRequest.self, from: Data(json.utf8))
        }
    }

    @Test("More than ten placement constraints are refused")
    func tooManyPlacementConstraints() throws {
        var request = Fixture.request()
        request.placementConstraints = Array(
            repeating: ECS.TaskDefinitionPlacementConstraint(type: .memberOf, expression: "attribute:a == b"), count: 11
        )
        try expectRejection(request, mentioning: ["placement constraints", "11"])
    }

    @Test("A memberOf constraint without an expression, or a constraint without a type, is refused")
    func incompletePlacementConstraint() throws {
        var request = Fixture.request()
        request.placementConstraints = [ECS.TaskDefinitionPlacementConstraint(type: .memberOf, expression: " ")]
        try expectRejection(request, mentioning: ["memberOf", "'expression'"])
        request.placementConstraints = [ECS.TaskDefinitionPlacementConstraint(expression: "attribute:a == b")]
        try expectRejection(request, mentioning: ["'type'", "memberOf"])
    }
}
