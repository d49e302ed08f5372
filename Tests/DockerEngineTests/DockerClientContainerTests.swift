import DockerEngine
import Foundation
import NIOCore
import Testing

@Suite("DockerClient against a real daemon", .enabled(if: DockerTestEnvironment.isAvailable))
struct DockerClientContainerTests {
    let image = DockerTestEnvironment.image

    @Test("ping, version and info answer, and the API version is negotiated to 1.41 or later")
    func systemCalls() async throws {
        let client = try DockerTestEnvironment.client()
        try await client.ping()
        let version = try await client.version()
        #expect(!version.version.isEmpty)
        let negotiated = try await client.apiVersion()
        #expect(negotiated.hasPrefix("1."))
        #expect((Double(negotiated) ?? 0) >= 1.41)
        let info = try await client.info()
        #expect((info.cpuCount ?? 0) > 0)
    }

    @Test("inspecting a missing image fails with notFound and the daemon's message")
    func missingImage() async throws {
        let client = try DockerTestEnvironment.client()
        let error = await #expect(throws: DockerError.self) {
            try await client.inspectImage("admiral-test/does-not-exist:nope")
        }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("does-not-exist") == true)
        let image = try await client.inspectImage(image)
        #expect(image.repoTags?.contains(DockerTestEnvironment.image) == true)
    }

    @Test("a container runs, exits with its code, is inspected and removed")
    func lifecycle() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let config = ContainerConfig(image: image, cmd: ["sh", "-c", "exit 3"], labels: [run.key: run.value])
            let id = try await client.createContainer(config)
            let created = try await client.inspectContainer(id)
            #expect(created.state.status == "created")
            try await client.startContainer(id)
            let result = try await client.waitContainer(id, timeout: .seconds(30))
            #expect(result.statusCode == 3)
            let exited = try await client.inspectContainer(id)
            #expect(exited.state.status == "exited")
            #expect(exited.state.exitCode == 3)
            #expect(!exited.state.running)
            #expect(exited.state.startedAt?.hasPrefix("0001") == false)
            #expect(exited.state.finishedAt?.hasPrefix("0001") == false)
            try await client.removeContainer(id)
            let error = await #expect(throws: DockerError.self) { try await client.inspectContainer(id) }
            #expect(error?.code == .notFound)
        }
    }

    @Test("containers carry their labels and are listed by label")
    func labels() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let labels = [run.key: run.value, "admiral.test.role": "web"]
            let web = try await client.createContainer(ContainerConfig(image: image, cmd: ["true"], labels: labels))
            let other = try await client.createContainer(
                ContainerConfig(image: image, cmd: ["true"], labels: [run.key: run.value, "admiral.test.role": "db"])
            )
            let all = try await client.listContainers(labels: [run.filter])
            #expect(Set(all.map(\.id)) == [web, other])
            let webOnly = try await client.listContainers(labels: [run.filter, "admiral.test.role=web"])
            #expect(webOnly.map(\.id) == [web])
            #expect(webOnly.first?.labels?["admiral.test.role"] == "web")
            let inspected = try await client.inspectContainer(web)
            #expect(inspected.config?.labels?["admiral.test.role"] == "web")
        }
    }

    @Test("the command runs with its environment and working directory, and its output is read back")
    func commandEnvironment() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let config = ContainerConfig(
                image: image,
                cmd: ["sh", "-c", "echo \"$GREETING\"; pwd; echo oops >&2; exit \"$CODE\""],
                env: ["GREETING=hello admiral", "CODE=7"],
                labels: [run.key: run.value],
                workingDir: "/www"
            )
            let id = try await client.createContainer(config, name: "admiral-test-\(run.value)")
            try await client.startContainer(id)
            #expect(try await client.waitContainer(id, timeout: .seconds(30)).statusCode == 7)
            let logs = try await client.logs(id)
            #expect(logs.stdout == "hello admiral\n/www\n")
            #expect(logs.stderr == "oops\n")
            let inspected = try await client.inspectContainer("admiral-test-\(run.value)")
            #expect(inspected.id == id)
            #expect(inspected.name == "/admiral-test-\(run.value)")
            let duplicate = await #expect(throws: DockerError.self) {
                try await client.createContainer(config, name: "admiral-test-\(run.value)")
            }
            #expect(duplicate?.code == .conflict)
        }
    }

    @Test("a stop sends SIGTERM, then SIGKILL after the timeout")
    func stopEscalates() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let script = "trap 'echo got TERM' TERM; echo ready; while true; do sleep 0.1; done"
            let config = ContainerConfig(image: image, cmd: ["sh", "-c", script], labels: [run.key: run.value])
            let id = try await client.createContainer(config)
            try await client.startContainer(id)
            #expect(try await DockerTestEnvironment.eventually { try await client.logs(id).stdout.contains("ready") })
            let clock = ContinuousClock()
            let start = clock.now
            try await client.stopContainer(id, timeout: 2)
            let elapsed = clock.now - start
            #expect(elapsed >= .seconds(2))
            let inspected = try await client.inspectContainer(id)
            #expect(inspected.state.exitCode == 137)
            #expect(try await client.logs(id).stdout.contains("got TERM"))
            // Stopping a stopped container is not an error.
            try await client.stopContainer(id, timeout: 1)
            let error = await #expect(throws: DockerError.self) { try await client.killContainer(id) }
            #expect(error?.code == .conflict)
        }
    }

    @Test("a health check makes the container healthy")
    func healthcheck() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let config = ContainerConfig(
                image: image,
                cmd: ["sleep", "60"],
                labels: [run.key: run.value],
                healthcheck: Healthcheck(
                    test: ["CMD-SHELL", "test -d /www"], interval: .milliseconds(200), timeout: .seconds(2), retries: 3
                ),
                stopTimeout: 1
            )
            let id = try await client.createContainer(config)
            try await client.startContainer(id)
            let healthy = try await DockerTestEnvironment.eventually(within: .seconds(15)) {
                try await client.inspectContainer(id).state.health?.status == "healthy"
            }
            #expect(healthy)
        }
    }

    @Test("one-shot stats of a busy container show its CPU time growing by at most a core, and none once it stops")
    func statsOfBusyContainer() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let config = ContainerConfig(
                image: image, cmd: ["sh", "-c", "while :; do :; done"], labels: [run.key: run.value], stopTimeout: 1)
            let id = try await client.createContainer(config)
            try await client.startContainer(id)
            let clock = ContinuousClock()
            let first = try await client.containerStats(id: id)
            let firstAt = clock.now
            try await Task.sleep(for: .seconds(1))
            let second = try await client.containerStats(id: id)
            let wall = clock.now - firstAt
            let used = second.cpuStats.cpuUsage.totalUsage - first.cpuStats.cpuUsage.totalUsage
            let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            let cores = Double(used) / seconds / 1e9
            // One busy loop keeps at most one core busy (nanoseconds, not another unit); tests
            // running side by side on a small host may leave it a fraction of one.
            #expect(cores > 0.05 && cores < 1.3, "a busy loop used \(cores) cores")
            #expect((second.memoryStats.usageWithoutCache ?? 0) > 0)
            #expect((second.cpuStats.onlineCPUs ?? 0) > 0)
            try await client.stopContainer(id, timeout: 0)
            #expect(try await client.containerStats(id: id).memoryStats.usageWithoutCache == nil)
            let missing = await #expect(throws: DockerError.self) {
                try await client.containerStats(id: "admiral-none")
            }
            #expect(missing?.code == .notFound)
        }
    }
}
