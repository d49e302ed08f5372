import DockerEngine
import Foundation
import Testing

@testable import AdmiralAgent

@Suite("Container specs as Docker Engine create requests")
struct DockerRuntimeMappingTests {
    @Test("bridge ports publish on the host address, host mode exposes; limits, privileges and checks carry over")
    func createRequest() {
        let spec = ContainerSpec(
            name: "ecs-web-1-web-x", image: "busybox", labels: ["a": "b"], environment: ["A=1"],
            networkMode: "bridge",
            ports: [.init(containerPort: 80, hostPort: nil, transport: "tcp"), .init(containerPort: 53, hostPort: 5353, transport: "udp")],
            hostPortAddress: "127.0.0.1",
            mounts: [.init(source: "/srv", target: "/data", readOnly: true, isVolume: false)],
            volumesFrom: ["other:ro"], links: ["db:database"], cpuShares: 512, memoryMiB: 64, memoryReservationMiB: 32,
            privileged: true, readonlyRootFilesystem: true, extraHosts: ["h:1.2.3.4"], dnsServers: ["9.9.9.9"],
            ulimits: [.init(name: "nofile", soft: 10, hard: 20)],
            healthCheck: .init(test: ["CMD-SHELL", "true"], interval: 5, timeout: 2, retries: 3, startPeriod: 1),
            stopTimeoutSeconds: 7)
        let config = DockerRuntime.config(spec)
        let host = config.hostConfig
        #expect(host?.portBindings?["80/tcp"] == [PortBinding(hostIP: "127.0.0.1", hostPort: "")])
        #expect(host?.portBindings?["53/udp"] == [PortBinding(hostIP: "127.0.0.1", hostPort: "5353")])
        #expect(config.exposedPorts?.keys.sorted() == ["53/udp", "80/tcp"])
        #expect(host?.memory == 64 * 1024 * 1024 && host?.memoryReservation == 32 * 1024 * 1024)
        #expect(host?.cpuShares == 512 && host?.privileged == true && host?.readonlyRootfs == true)
        #expect(host?.mounts == [Mount(type: "bind", source: "/srv", target: "/data", readOnly: true)])
        #expect(host?.volumesFrom == ["other:ro"] && host?.links == ["db:database"])
        #expect(host?.extraHosts == ["h:1.2.3.4"] && host?.dns == ["9.9.9.9"])
        #expect(host?.ulimits == [Ulimit(name: "nofile", soft: 10, hard: 20)])
        #expect(config.healthcheck?.test == ["CMD-SHELL", "true"])
        #expect(config.healthcheck?.interval == 5_000_000_000 && config.healthcheck?.retries == 3)
        #expect(config.stopTimeout == 7 && config.labels == ["a": "b"] && config.env == ["A=1"])

        var hostMode = spec
        hostMode.networkMode = "host"
        let hostConfig = DockerRuntime.config(hostMode)
        #expect(hostConfig.hostConfig?.portBindings == nil)
        #expect(hostConfig.hostConfig?.networkMode == "host")
    }

    @Test("Docker's timestamps with nanoseconds are read; its zero time is none")
    func dates() throws {
        let date = try #require(DockerRuntime.parseDate("2026-12-02T03:58:14.123456789Z"))
        #expect(abs(date.timeIntervalSince1970 - 1_796_183_894.123) < 0.001)
        #expect(DockerRuntime.parseDate("0001-01-01T00:00:00Z") == nil)
    }
}
