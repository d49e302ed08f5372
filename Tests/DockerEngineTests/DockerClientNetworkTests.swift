import AsyncHTTPClient
import DockerEngine
import Foundation
import NIOCore
import Testing

@Suite("DockerClient ports, events and pulls against a real daemon", .enabled(if: DockerTestEnvironment.isAvailable))
struct DockerClientNetworkTests {
    let image = DockerTestEnvironment.image

    @Test("a bridge container published on host port 0 gets a dynamic port that serves HTTP on 127.0.0.1")
    func dynamicPort() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let config = ContainerConfig(
                image: image,
                cmd: ["httpd", "-f", "-p", "80", "-h", "/www"],
                labels: [run.key: run.value],
                exposedPorts: ["80/tcp"],
                hostConfig: HostConfig(
                    networkMode: "bridge",
                    portBindings: ["80/tcp": [PortBinding(hostIP: "127.0.0.1", hostPort: "0")]]
                )
            )
            let id = try await client.createContainer(config)
            try await client.startContainer(id)
            let inspected = try await client.inspectContainer(id)
            let port = try #require(inspected.networkSettings?.hostPort(for: "80/tcp"))
            #expect(port > 0)
            #expect(inspected.networkSettings?.ports?["80/tcp"]??.first?.hostIP == "127.0.0.1")
            var body = ""
            let served = try await DockerTestEnvironment.eventually {
                body = (try? await Self.get("http://127.0.0.1:\(port)/")) ?? ""
                return body.contains("admiral-test")
            }
            #expect(served, "httpd did not answer on 127.0.0.1:\(port)")
        }
    }

    @Test("the event stream reports a container's die after a kill, with its exit code and labels")
    func dieEvent() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let config = ContainerConfig(image: image, cmd: ["sleep", "60"], labels: [run.key: run.value])
            let id = try await client.createContainer(config)
            try await client.startContainer(id)
            let events = try await client.events(.containers(labels: [run.filter]))
            try await client.killContainer(id, signal: "SIGKILL")
            let die = try await withThrowingTaskGroup(of: DockerEvent?.self) { group in
                group.addTask {
                    for try await event in events where event.action == "die" && event.actor.id == id {
                        return event
                    }
                    return nil
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(60))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
            let event = try #require(die, "no die event within 60 s")
            #expect(event.type == "container")
            #expect(event.exitCode == 137)
            #expect(event.actor.attributes[run.key] == run.value)
        }
    }

    @Test("pulling an image from an unreachable registry fails with the daemon's message")
    func pullFails() async throws {
        let client = try DockerTestEnvironment.client()
        // Port 9 on 127.0.0.1 (discard) has no registry: the daemon's attempt stays on this host.
        let reference = "127.0.0.1:9/admiral-test/nonexistent:latest"
        let error = await #expect(throws: DockerError.self) {
            try await client.pull(reference)
        }
        #expect(error?.code == .server || error?.code == .notFound)
        #expect(error?.message.contains("127.0.0.1:9") == true, "message: \(error?.message ?? "")")
    }

    @Test("host networking shares the host's loopback")
    func hostNetwork() async throws {
        let client = try DockerTestEnvironment.client()
        let run = DockerTestEnvironment.runLabel()
        try await DockerTestEnvironment.withCleanup(client, filter: run.filter) {
            let port = Int.random(in: 20_000..<30_000)
            let config = ContainerConfig(
                image: image,
                cmd: ["httpd", "-f", "-p", "127.0.0.1:\(port)", "-h", "/www"],
                labels: [run.key: run.value],
                hostConfig: HostConfig(networkMode: "host")
            )
            let id = try await client.createContainer(config)
            try await client.startContainer(id)
            let served = try await DockerTestEnvironment.eventually {
                ((try? await Self.get("http://127.0.0.1:\(port)/")) ?? "").contains("admiral-test")
            }
            #expect(served, "httpd in the host network did not answer on 127.0.0.1:\(port)")
        }
    }

    static func get(_ url: String) async throws -> String {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
        let body = try await response.body.collect(upTo: 64 * 1024)
        return String(buffer: body)
    }
}
