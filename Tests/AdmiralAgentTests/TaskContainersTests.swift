import AdmiralModel
import Foundation
import Testing

@testable import AdmiralAgent

@Suite("Container specs from task definitions")
struct TaskContainersTests {
    let builder = TaskContainers(
        cluster: "prod", instanceId: "aaaa", hostPortAddress: "127.0.0.1", defaultStopTimeout: .seconds(30))

    @Test("containers carry ECS's labels and names, and the instance that owns them")
    func labelsAndNames() throws {
        let task = Fixtures.task([Fixtures.container("web")])
        var definition = task.containers[0]
        definition.dockerLabels = ["team": "a"]
        let spec = try builder.spec(for: definition, in: task)
        #expect(spec.name == "ecs-web-3-web-0123456789abcdef0123456789abcdef")
        #expect(spec.labels["com.amazonaws.ecs.cluster"] == "prod")
        #expect(spec.labels["com.amazonaws.ecs.task-arn"] == Fixtures.taskArn)
        #expect(spec.labels["com.amazonaws.ecs.container-name"] == "web")
        #expect(spec.labels["com.amazonaws.ecs.task-definition-family"] == "web")
        #expect(spec.labels["com.amazonaws.ecs.task-definition-version"] == "3")
        #expect(spec.labels["admiral.container-instance"] == "aaaa")
        #expect(spec.labels["team"] == "a")
    }

    @Test("ports: bridge host port 0 is dynamic, a fixed one is kept; host mode binds the container port")
    func ports() throws {
        var web = Fixtures.container("web")
        web.portMappings = [
            ECS.PortMapping(containerPort: 80, hostPort: 0), ECS.PortMapping(containerPort: 53, hostPort: 5353, protocol: .udp),
        ]
        let bridge = try builder.spec(for: web, in: Fixtures.task([web]))
        #expect(bridge.networkMode == "bridge")
        #expect(bridge.ports == [.init(containerPort: 80, hostPort: nil, transport: "tcp"), .init(containerPort: 53, hostPort: 5353, transport: "udp")])
        #expect(bridge.hostPortAddress == "127.0.0.1")
        let host = try builder.spec(for: web, in: Fixtures.task([web], networkMode: "host"))
        #expect(host.ports.map(\.hostPort) == [80, 53])
        #expect(host.networkMode == "host")
    }

    @Test("resources, environment, health check defaults and stop timeout follow the definition")
    func resources() throws {
        var web = Fixtures.container("web", healthCheck: true, memory: 128)
        web.cpu = 0
        web.memoryReservation = 64
        web.environment = [ECS.KeyValuePair(name: "A", value: "1"), ECS.KeyValuePair(name: "B", value: nil)]
        web.stopTimeout = 5
        web.ulimits = [ECS.Ulimit(name: .nofile, softLimit: 1024, hardLimit: 2048)]
        web.extraHosts = [ECS.HostEntry(hostname: "db", ipAddress: "10.0.0.2")]
        let spec = try builder.spec(for: web, in: Fixtures.task([web]))
        #expect(spec.cpuShares == 2)
        #expect(spec.memoryMiB == 128)
        #expect(spec.memoryReservationMiB == 64)
        #expect(spec.environment == ["A=1", "B="])
        #expect(spec.healthCheck == .init(test: ["CMD-SHELL", "true"], interval: 30, timeout: 5, retries: 3, startPeriod: 0))
        #expect(spec.stopTimeoutSeconds == 5)
        #expect(spec.ulimits == [.init(name: "nofile", soft: 1024, hard: 2048)])
        #expect(spec.extraHosts == ["db:10.0.0.2"])
        let plain = try builder.spec(for: Fixtures.container("side"), in: Fixtures.task([Fixtures.container("side")]))
        #expect(plain.stopTimeoutSeconds == 30)
    }

    @Test("volumes: host paths are bound, task volumes are per task, shared ones keep their name; links use names")
    func volumesAndLinks() throws {
        var app = Fixtures.container("app", links: ["db:database"], volumesFrom: ["data"])
        app.mountPoints = [
            ECS.MountPoint(sourceVolume: "logs", containerPath: "/logs", readOnly: true),
            ECS.MountPoint(sourceVolume: "scratch", containerPath: "/tmp/scratch"),
            ECS.MountPoint(sourceVolume: "cache", containerPath: "/cache"),
        ]
        let volumes = [
            ECS.Volume(name: "logs", host: ECS.HostVolumeProperties(sourcePath: "/var/log/app")),
            ECS.Volume(name: "scratch"),
            ECS.Volume(name: "cache", dockerVolumeConfiguration: ECS.DockerVolumeConfiguration(scope: .shared)),
        ]
        let task = Fixtures.task([app, Fixtures.container("db"), Fixtures.container("data")], volumes: volumes)
        let spec = try builder.spec(for: app, in: task)
        #expect(
            spec.mounts == [
                .init(source: "/var/log/app", target: "/logs", readOnly: true, isVolume: false),
                .init(source: "ecs-0123456789abcdef0123456789abcdef-scratch", target: "/tmp/scratch", readOnly: false, isVolume: true),
                .init(source: "cache", target: "/cache", readOnly: false, isVolume: true),
            ])
        #expect(spec.links == ["ecs-web-3-db-0123456789abcdef0123456789abcdef:database"])
        #expect(spec.volumesFrom == ["ecs-web-3-data-0123456789abcdef0123456789abcdef"])
    }

    @Test("a mount point that names no volume is refused")
    func unknownVolume() {
        var app = Fixtures.container("app")
        app.mountPoints = [ECS.MountPoint(sourceVolume: "missing", containerPath: "/x")]
        #expect(throws: RuntimeError.self) { try builder.spec(for: app, in: Fixtures.task([app])) }
    }
}
