import AdmiralModel
import Foundation
import Testing

@Suite("Task definition rules: ports, links, dependencies, health checks and volumes")
struct TaskDefinitionReferenceRulesTests {
    typealias Fixture = TaskDefinitionFixture

    private func web(ports: [ECS.PortMapping]) -> ECS.ContainerDefinition {
        var container = Fixture.container("web")
        container.portMappings = ports
        return container
    }

    @Test("A port mapping without a container port or range is refused")
    func missingContainerPort() throws {
        let error = try expectRejection(Fixture.request([web(ports: [ECS.PortMapping(hostPort: 80)])]), mentioning: [])
        #expect(error.message.hasPrefix("Invalid 'containerPort' setting for container 'web'."))
    }

    @Test("Container ports outside 1-65535 are refused", arguments: [0, -80, 65_536])
    func containerPortOutOfRange(port: Int) throws {
        try expectRejection(
            Fixture.request([web(ports: [ECS.PortMapping(containerPort: port)])]),
            mentioning: ["Invalid 'containerPort' setting for container 'web'.", "\(port)"])
    }

    @Test("Host ports outside 0-65535 are refused", arguments: [-1, 65_536])
    func hostPortOutOfRange(port: Int) throws {
        try expectRejection(
            Fixture.request([web(ports: [ECS.PortMapping(containerPort: 80, hostPort: port)])]),
            mentioning: ["'hostPort'", "'web'"])
    }

    @Test("In host mode a host port must be absent, 0 or the container port")
    func hostModeHostPort() throws {
        try expectRejection(
            Fixture.request([web(ports: [ECS.PortMapping(containerPort: 80, hostPort: 8080)])], networkMode: .host),
            mentioning: [
                "When networkMode=host, the host ports and container ports in port mappings must match.", "'web'",
            ])
        for hostPort in [nil, 0, 80] as [Int?] {
            try TaskDefinitionRules.validate(
                Fixture.request(
                    [web(ports: [ECS.PortMapping(containerPort: 80, hostPort: hostPort)])], networkMode: .host))
        }
    }

    @Test("Port mappings are refused in none mode")
    func noneModePorts() throws {
        try expectRejection(
            Fixture.request([web(ports: [ECS.PortMapping(containerPort: 80)])], networkMode: ECS.NetworkMode.none),
            mentioning: ["networkMode=none", "'web'"])
    }

    @Test("The same host port and protocol in two mappings of the task is refused")
    func duplicateHostPorts() throws {
        var api = Fixture.container("api")
        api.portMappings = [ECS.PortMapping(containerPort: 8000, hostPort: 8080)]
        let request = Fixture.request([web(ports: [ECS.PortMapping(containerPort: 80, hostPort: 8080)]), api])
        try expectRejection(
            request, mentioning: ["TCP host port '8080' is mapped multiple times in task.", "'web'", "'api'"])
    }

    @Test("In host mode two containers exposing the same container port clash")
    func duplicateImplicitHostPorts() throws {
        var api = Fixture.container("api")
        api.portMappings = [ECS.PortMapping(containerPort: 80)]
        let request = Fixture.request([web(ports: [ECS.PortMapping(containerPort: 80)]), api], networkMode: .host)
        try expectRejection(request, mentioning: ["TCP host port '80' is mapped multiple times in task."])
    }

    @Test("Dynamic host ports and different protocols do not clash")
    func distinctHostPorts() throws {
        var api = Fixture.container("api")
        api.portMappings = [
            ECS.PortMapping(containerPort: 80, hostPort: 0),
            ECS.PortMapping(containerPort: 53, hostPort: 53, protocol: .udp),
        ]
        let request = Fixture.request([
            web(ports: [ECS.PortMapping(containerPort: 80), ECS.PortMapping(containerPort: 53, hostPort: 53)]), api,
        ])
        try TaskDefinitionRules.validate(request)
    }

    @Test(
        "A container port range must be 'first-last' with first below last",
        arguments: ["9010-9000", "9000", "0-10", "a-b", "9000-70000", "9000-9000"])
    func invalidPortRange(range: String) throws {
        try expectRejection(
            Fixture.request([web(ports: [ECS.PortMapping(containerPortRange: range)])]),
            mentioning: ["'containerPortRange'", "'web'", "'\(range)'"])
    }

    @Test("Container port ranges need bridge mode, no host port, and no overlap")
    func portRangeRules() throws {
        try expectRejection(
            Fixture.request([web(ports: [ECS.PortMapping(containerPortRange: "9000-9010")])], networkMode: .host),
            mentioning: ["'containerPortRange'", "'web'", "bridge"])
        try expectRejection(
            Fixture.request([web(ports: [ECS.PortMapping(hostPort: 9000, containerPortRange: "9000-9010")])]),
            mentioning: ["'hostPort'", "'web'"])
        try expectRejection(
            Fixture.request([
                web(ports: [ECS.PortMapping(containerPortRange: "9000-9010"), ECS.PortMapping(containerPort: 9005)])
            ]),
            mentioning: ["one port mapping per container", "'web'"])
        try expectRejection(
            Fixture.request([web(ports: [ECS.PortMapping(containerPort: 80, containerPortRange: "9000-9010")])]),
            mentioning: ["'containerPortRange'", "not both"])
    }

    @Test("Links are refused outside bridge mode", arguments: [ECS.NetworkMode.host, .none])
    func linksOutsideBridge(mode: ECS.NetworkMode) throws {
        var web = Fixture.container("web")
        web.links = ["db"]
        let request = Fixture.request([web, Fixture.container("db")], networkMode: mode)
        try expectRejection(
            request, mentioning: ["Links are not supported when networkMode=\(mode.rawValue).", "'web'"])
    }

    @Test("A link must name another container of the task, optionally with an alias")
    func linkTargets() throws {
        var web = Fixture.container("web")
        web.links = ["cache:redis"]
        try expectRejection(
            Fixture.request([web, Fixture.container("db")]), mentioning: ["'links'", "'web'", "'cache'"])
        web.links = ["web"]
        try expectRejection(
            Fixture.request([web, Fixture.container("db")]), mentioning: ["'links'", "'web'", "itself"])
        web.links = ["db:data base"]
        try expectRejection(
            Fixture.request([web, Fixture.container("db")]), mentioning: ["'links'", "'db:data base'"])
        web.links = ["db:database", "db"]
        try TaskDefinitionRules.validate(Fixture.request([web, Fixture.container("db")]))
    }

    @Test("Links that form a cycle are refused")
    func linkCycle() throws {
        var web = Fixture.container("web")
        web.links = ["db"]
        var db = Fixture.container("db")
        db.links = ["web:frontend"]
        try expectRejection(
            Fixture.request([web, db]), mentioning: ["Container links should not have a cycle", "web -> db -> web"])
    }

    @Test("A dependency must name another container of the task")
    func dependencyTargets() throws {
        var web = Fixture.container("web")
        web.dependsOn = [ECS.ContainerDependency(containerName: "db", condition: .start)]
        try expectRejection(
            Fixture.request([web]), mentioning: ["Cannot depend on container 'db' because it does not exist.", "'web'"])
        web.dependsOn = [ECS.ContainerDependency(containerName: "web", condition: .start)]
        try expectRejection(Fixture.request([web]), mentioning: ["'dependsOn'", "'web'", "itself"])
    }

    @Test("HEALTHY needs a health check on the dependency")
    func healthyNeedsHealthCheck() throws {
        var web = Fixture.container("web")
        web.dependsOn = [ECS.ContainerDependency(containerName: "db", condition: .healthy)]
        var db = Fixture.container("db")
        try expectRejection(Fixture.request([web, db]), mentioning: ["HEALTHY", "'healthCheck'", "'db'", "'web'"])
        db.healthCheck = ECS.HealthCheck(command: ["CMD", "pg_isready"])
        try TaskDefinitionRules.validate(Fixture.request([web, db]))
    }

    @Test(
        "COMPLETE and SUCCESS may only wait for a non-essential container",
        arguments: [ECS.ContainerCondition.complete, .success])
    func exitConditionsNeedNonEssential(condition: ECS.ContainerCondition) throws {
        var web = Fixture.container("web")
        web.dependsOn = [ECS.ContainerDependency(containerName: "migrate", condition: condition)]
        var migrate = Fixture.container("migrate")
        try expectRejection(
            Fixture.request([web, migrate]),
            mentioning: [
                "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container",
                "'migrate'",
            ])
        migrate.essential = false
        try TaskDefinitionRules.validate(Fixture.request([web, migrate]))
    }

    @Test("Dependencies that form a cycle are refused")
    func dependencyCycle() throws {
        var a = Fixture.container("a")
        a.dependsOn = [ECS.ContainerDependency(containerName: "b", condition: .start)]
        var b = Fixture.container("b")
        b.dependsOn = [ECS.ContainerDependency(containerName: "c", condition: .start)]
        var c = Fixture.container("c")
        c.dependsOn = [ECS.ContainerDependency(containerName: "a", condition: .start)]
        try expectRejection(
            Fixture.request([a, b, c]),
            mentioning: ["Container dependencies should not have a cycle", "a -> b -> c -> a"])
    }

    @Test(
        "A health check command must start with CMD or CMD-SHELL and carry a command",
        arguments: [[], ["CMD"], ["curl", "-f", "http://localhost"]])
    func healthCheckCommand(command: [String]) throws {
        var web = Fixture.container("web")
        web.healthCheck = ECS.HealthCheck(command: command)
        try expectRejection(Fixture.request([web]), mentioning: ["'healthCheck.command'", "'web'"])
    }

    @Test(
        "Health check timings outside ECS's limits are refused",
        arguments: [
            ("interval", 4), ("interval", 301), ("timeout", 1), ("timeout", 61), ("retries", 0), ("retries", 11),
            ("startPeriod", -1), ("startPeriod", 301),
        ])
    func healthCheckLimits(member: String, value: Int) throws {
        var healthCheck = ECS.HealthCheck(command: ["CMD-SHELL", "true"])
        switch member {
        case "interval": healthCheck.interval = value
        case "timeout": healthCheck.timeout = value
        case "retries": healthCheck.retries = value
        default: healthCheck.startPeriod = value
        }
        var web = Fixture.container("web")
        web.healthCheck = healthCheck
        try expectRejection(Fixture.request([web]), mentioning: ["'healthCheck.\(member)'", "'web'", "\(value)"])
    }

    @Test("Health check timings at ECS's limits are valid")
    func healthCheckBounds() throws {
        var web = Fixture.container("web")
        web.healthCheck = ECS.HealthCheck(
            command: ["CMD", "true"], interval: 5, timeout: 60, retries: 10, startPeriod: 0)
        try TaskDefinitionRules.validate(Fixture.request([web]))
        web.healthCheck = ECS.HealthCheck(
            command: ["CMD", "true"], interval: 300, timeout: 2, retries: 1, startPeriod: 300)
        try TaskDefinitionRules.validate(Fixture.request([web]))
    }

    @Test("A mount point must name a task volume and a container path")
    func mountPoints() throws {
        var web = Fixture.container("web")
        web.mountPoints = [ECS.MountPoint(sourceVolume: "data", containerPath: "/data")]
        try expectRejection(Fixture.request([web]), mentioning: ["Unknown volume 'data'.", "'web'"])
        web.mountPoints = [ECS.MountPoint(containerPath: "/data")]
        try expectRejection(Fixture.request([web]), mentioning: ["Unknown volume 'null'."])
        var request = Fixture.request([web])
        request.volumes = [ECS.Volume(name: "data")]
        web.mountPoints = [ECS.MountPoint(sourceVolume: "data")]
        request.containerDefinitions = [web]
        try expectRejection(request, mentioning: ["'containerPath'", "'web'", "'data'"])
    }

    @Test("volumesFrom must name another container of the task")
    func volumesFrom() throws {
        var web = Fixture.container("web")
        web.volumesFrom = [ECS.VolumeFrom(sourceContainer: "data")]
        try expectRejection(Fixture.request([web]), mentioning: ["'volumesFrom'", "'web'", "'data'"])
        web.volumesFrom = [ECS.VolumeFrom(sourceContainer: "web")]
        try expectRejection(Fixture.request([web]), mentioning: ["'volumesFrom'", "itself"])
        web.volumesFrom = [ECS.VolumeFrom()]
        try expectRejection(Fixture.request([web]), mentioning: ["'sourceContainer'", "'web'"])
    }

    @Test("Volumes need unique, well-formed names")
    func volumeNames() throws {
        var request = Fixture.request()
        request.volumes = [ECS.Volume(name: "data"), ECS.Volume(name: "data")]
        try expectRejection(request, mentioning: ["Volume names must be unique", "'data'"])
        request.volumes = [ECS.Volume(host: ECS.HostVolumeProperties(sourcePath: "/srv"))]
        try expectRejection(request, mentioning: ["Volume.name should not be null or empty."])
        request.volumes = [ECS.Volume(name: "my data")]
        try expectRejection(request, mentioning: ["Volume.name contains invalid characters", "'my data'"])
    }
}
