import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// Creates a container and returns its id.
    ///
    /// Fails with ``DockerError/Code/notFound`` when the image is not local (pull it first)
    /// and with ``DockerError/Code/conflict`` when the name is taken.
    ///
    /// - Parameters:
    ///   - config: what to run and how.
    ///   - name: the container's name; the daemon makes one up when nil.
    public func createContainer(_ config: ContainerConfig, name: String? = nil) async throws -> String {
        struct Created: Decodable {
            var id: String
            enum CodingKeys: String, CodingKey { case id = "Id" }
        }
        let path = RequestPath("/containers/create", query: [("name", name)])
        let (_, body) = try await send(.POST, path, json: config, timeout: DockerTimeouts.create)
        return try decode(Created.self, from: body).id
    }

    /// Starts a created or stopped container; starting a running one does nothing.
    public func startContainer(_ id: String) async throws {
        _ = try await send(.POST, containerPath(id, "/start"), timeout: DockerTimeouts.start)
    }

    /// Stops a container: sends its stop signal (SIGTERM by default), waits `timeout`
    /// seconds, then SIGKILL. Stopping a stopped container does nothing.
    ///
    /// - Parameter timeout: the grace period in seconds; the container's `StopTimeout`
    ///   (or the daemon's 10 s) when nil.
    public func stopContainer(_ id: String, timeout: Int? = nil) async throws {
        let path = containerPath(id, "/stop", query: [("t", timeout.map(String.init))])
        let grace = TimeAmount.seconds(Int64(timeout ?? 10))
        _ = try await send(.POST, path, timeout: grace + DockerTimeouts.stopMargin)
    }

    /// Sends a signal to a running container's main process.
    ///
    /// Fails with ``DockerError/Code/conflict`` when the container is not running.
    /// - Parameter signal: `SIGKILL` (the default), `SIGTERM`, `HUP`, or a number.
    public func killContainer(_ id: String, signal: String = "SIGKILL") async throws {
        let path = containerPath(id, "/kill", query: [("signal", signal)])
        _ = try await send(.POST, path, timeout: DockerTimeouts.kill)
    }

    /// The container's state, configuration and published ports.
    ///
    /// Fails with ``DockerError/Code/notFound`` when there is no such container.
    public func inspectContainer(_ id: String) async throws -> ContainerInspect {
        let (_, body) = try await send(.GET, containerPath(id, "/json"), timeout: DockerTimeouts.inspectContainer)
        return try decode(ContainerInspect.self, from: body)
    }

    /// Lists containers, stopped ones included unless `all` is false.
    ///
    /// - Parameters:
    ///   - labels: labels every listed container carries, as `key` or `key=value`.
    ///   - all: whether to list containers that do not run.
    public func listContainers(labels: [String] = [], all: Bool = true) async throws -> [ContainerSummary] {
        let filters = labels.isEmpty ? [:] : ["label": labels]
        let path = RequestPath(
            "/containers/json", query: [("all", all ? "true" : "false"), ("filters", RequestPath.filters(filters))]
        )
        let (_, body) = try await send(.GET, path, timeout: DockerTimeouts.list)
        return try decode([ContainerSummary].self, from: body)
    }

    /// Removes a container.
    ///
    /// - Parameters:
    ///   - force: kill it first if it runs.
    ///   - removeVolumes: remove its anonymous volumes too.
    public func removeContainer(_ id: String, force: Bool = false, removeVolumes: Bool = true) async throws {
        let path = RequestPath(
            "/containers/\(RequestPath.segment(id))",
            query: [("force", force ? "true" : "false"), ("v", removeVolumes ? "true" : "false")]
        )
        _ = try await send(.DELETE, path, timeout: DockerTimeouts.remove)
    }

    /// Waits until the container is not running and returns its exit code.
    ///
    /// Unbounded unless `timeout` is given: a container may run for as long as it likes.
    public func waitContainer(_ id: String, timeout: TimeAmount? = nil) async throws -> WaitResult {
        let path = containerPath(id, "/wait", query: [("condition", "not-running")])
        let response = try await stream(.POST, path, deadline: timeout.map { .now() + $0 } ?? .distantFuture)
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: 1024 * 1024)
        } catch {
            throw Self.translate(error, path: path.path)
        }
        return try decode(WaitResult.self, from: body)
    }

    func containerPath(_ id: String, _ suffix: String, query: [(String, String?)] = []) -> RequestPath {
        RequestPath("/containers/\(RequestPath.segment(id))\(suffix)", query: query)
    }
}

extension DockerClient {
    /// One reading of a container's statistics: its cumulative CPU time and its memory.
    ///
    /// Asks for a single reading (`stream=false`) without the daemon's second sample a
    /// second later (`one-shot=true`, API 1.41), so `precpu_stats` is empty: rates come
    /// from comparing two readings. Fails with ``DockerError/Code/notFound`` when there is
    /// no such container.
    public func containerStats(id: String) async throws -> ContainerStats {
        let path = containerPath(id, "/stats", query: [("stream", "false"), ("one-shot", "true")])
        let (_, body) = try await send(.GET, path, timeout: DockerTimeouts.stats)
        return try decode(ContainerStats.self, from: body)
    }
}
