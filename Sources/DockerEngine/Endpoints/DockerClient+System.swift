import NIOCore
import NIOHTTP1

extension DockerClient {
    /// Checks that the daemon answers; fails with ``DockerError`` when it does not.
    public func ping() async throws {
        _ = try await send(.GET, RequestPath("/_ping"), timeout: DockerTimeouts.ping, versioned: false)
    }

    /// The daemon's release and the API versions it speaks.
    public func version() async throws -> VersionInfo {
        let (_, body) = try await send(.GET, RequestPath("/version"), timeout: DockerTimeouts.version)
        return try decode(VersionInfo.self, from: body)
    }

    /// The host's identity and capacity as the daemon sees them.
    public func info() async throws -> SystemInfo {
        let (_, body) = try await send(.GET, RequestPath("/info"), timeout: DockerTimeouts.info)
        return try decode(SystemInfo.self, from: body)
    }
}
