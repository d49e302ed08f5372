import NIOCore
import NIOHTTP1

extension DockerClient {
    /// What a container has written so far, split into stdout and stderr.
    ///
    /// Works for containers with the `json-file` or `local` log driver (the default).
    /// - Parameters:
    ///   - tail: only the last lines, all when nil.
    ///   - maxBytes: the most output to read.
    public func logs(_ id: String, tail: Int? = nil, maxBytes: Int = 4 * 1024 * 1024) async throws -> ContainerLogs {
        let path = containerPath(
            id, "/logs",
            query: [("stdout", "true"), ("stderr", "true"), ("tail", tail.map(String.init) ?? "all")]
        )
        let (_, body) = try await send(.GET, path, timeout: DockerTimeouts.logs, maxBytes: maxBytes)
        return LogDemultiplexer.split(body)
    }
}
