import DockerEngine
import Foundation
import Testing

/// Where the real-daemon tests find Docker: `ADMIRAL_DOCKER_HOST`, set by `scripts/test`
/// after `scripts/docker-up`. Without it those tests do not run, unless
/// `ADMIRAL_REQUIRE_DOCKER=1` says they must, and then ``DockerAvailabilityTests`` fails.
enum DockerTestEnvironment {
    static let host = ProcessInfo.processInfo.environment["ADMIRAL_DOCKER_HOST"]
    static let isRequired = ProcessInfo.processInfo.environment["ADMIRAL_REQUIRE_DOCKER"] == "1"
    static let isAvailable = host != nil

    /// The image `scripts/make-test-image` builds.
    static let image = "admiral-test/busybox:latest"

    static func client() throws -> DockerClient {
        let host = try #require(host, "ADMIRAL_DOCKER_HOST is not set")
        return try DockerClient(host: host)
    }

    /// A label unique to one test, so tests can run in parallel and clean up after themselves.
    static func runLabel() -> (key: String, value: String, filter: String) {
        let value = UUID().uuidString.lowercased()
        return ("admiral.test.run", value, "admiral.test.run=\(value)")
    }

    /// Runs `body`, then force-removes every container carrying `filter`, whether or not
    /// `body` threw.
    static func withCleanup<T>(
        _ client: DockerClient, filter: String, _ body: () async throws -> T
    ) async throws -> T {
        do {
            let result = try await body()
            try await removeAll(client, filter: filter)
            return result
        } catch {
            try? await removeAll(client, filter: filter)
            throw error
        }
    }

    private static func removeAll(_ client: DockerClient, filter: String) async throws {
        for container in try await client.listContainers(labels: [filter]) {
            try? await client.removeContainer(container.id, force: true)
        }
    }

    /// Polls `condition` every 100 ms until it holds or `limit` passes.
    static func eventually(
        within limit: Duration = .seconds(10), _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + limit
        while clock.now < end {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}

@Suite("Docker availability")
struct DockerAvailabilityTests {
    @Test(
        "the test command provides a Docker daemon when it requires one",
        .enabled(if: DockerTestEnvironment.isRequired)
    )
    func daemonIsProvided() async throws {
        #expect(
            DockerTestEnvironment.host != nil,
            "ADMIRAL_REQUIRE_DOCKER=1 but ADMIRAL_DOCKER_HOST is unset: run the tests through scripts/test, which starts a private daemon with scripts/docker-up"
        )
        if DockerTestEnvironment.host != nil {
            try await DockerTestEnvironment.client().ping()
        }
    }
}
