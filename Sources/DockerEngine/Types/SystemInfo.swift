/// The answer of `GET /version`: the daemon's release and the API versions it speaks.
public struct VersionInfo: Codable, Sendable, Equatable {
    /// The Docker release, such as `20.10.24+dfsg1`.
    public var version: String
    /// The newest API version the daemon speaks, such as `1.41`.
    public var apiVersion: String
    /// The oldest API version the daemon accepts.
    public var minAPIVersion: String?
    /// The daemon's operating system, such as `linux`.
    public var os: String?
    /// The daemon's CPU architecture, such as `amd64`.
    public var arch: String?
    /// The host's kernel release.
    public var kernelVersion: String?

    enum CodingKeys: String, CodingKey {
        case version = "Version"
        case apiVersion = "ApiVersion"
        case minAPIVersion = "MinAPIVersion"
        case os = "Os"
        case arch = "Arch"
        case kernelVersion = "KernelVersion"
    }
}

/// Part of the answer of `GET /info`: the host's identity and capacity.
public struct SystemInfo: Codable, Sendable, Equatable {
    /// The daemon's unique id.
    public var id: String?
    /// The host name.
    public var name: String?
    /// The Docker release.
    public var serverVersion: String?
    /// How many CPUs the daemon sees.
    public var cpuCount: Int?
    /// The host's memory in bytes.
    public var memoryTotal: Int64?
    /// The host's operating system, such as `Debian GNU/Linux 12 (bookworm)`.
    public var operatingSystem: String?
    /// The CPU architecture, such as `x86_64`.
    public var architecture: String?
    /// How many containers exist.
    public var containers: Int?
    /// How many containers run.
    public var containersRunning: Int?
    /// The storage driver, such as `overlay2`.
    public var driver: String?
    /// The daemon's data root.
    public var dockerRootDir: String?

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case name = "Name"
        case serverVersion = "ServerVersion"
        case cpuCount = "NCPU"
        case memoryTotal = "MemTotal"
        case operatingSystem = "OperatingSystem"
        case architecture = "Architecture"
        case containers = "Containers"
        case containersRunning = "ContainersRunning"
        case driver = "Driver"
        case dockerRootDir = "DockerRootDir"
    }
}
