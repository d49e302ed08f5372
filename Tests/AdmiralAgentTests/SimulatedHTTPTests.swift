import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import AdmiralAgent

/// `--simulated-http`: a running simulated container answers HTTP on its TCP host ports,
/// and stops answering once it stops.
@Suite("Simulated containers that answer HTTP")
struct SimulatedHTTPTests {
    @Test("a dynamic host port is a real free port that answers 200 until the container stops")
    func answersWhileRunning() async throws {
        let runtime = SimulatedRuntime(serveHTTP: true)
        let id = try await runtime.create(
            ContainerSpec(
                name: "web", image: "busybox",
                ports: [
                    ContainerSpec.Port(containerPort: 80, hostPort: nil, transport: "tcp"),
                    ContainerSpec.Port(containerPort: 53, hostPort: nil, transport: "udp"),
                ]))
        try await runtime.start(id)
        let ports = try await runtime.inspect(id).ports
        let http = try #require(ports.first { $0.containerPort == 80 })
        #expect(http.hostPort > 0)
        let url = "http://127.0.0.1:\(http.hostPort)/health"
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        #expect(response.status == .ok)
        let body = String(buffer: try await response.body.collect(upTo: 1024))
        #expect(body == "simulated \(id)\n")
        try await runtime.stop(id, timeout: .seconds(1))
        var refused = false
        for _ in 0..<50 where !refused {
            do {
                _ = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
                try await Task.sleep(for: .milliseconds(20))
            } catch {
                refused = true
            }
        }
        #expect(refused, "the stopped container's port still answers")
    }

    @Test("without serveHTTP nothing listens and ports are made up")
    func offByDefault() async throws {
        let runtime = SimulatedRuntime()
        let id = try await runtime.create(
            ContainerSpec(
                name: "web", image: "busybox", ports: [ContainerSpec.Port(containerPort: 80, hostPort: nil, transport: "tcp")]))
        try await runtime.start(id)
        #expect(try await runtime.inspect(id).ports.first?.hostPort == 32768)
    }
}
