/// The body of `POST /containers/create`, with the Engine API's field names.
///
/// Fields left nil are not sent, so the image's and the daemon's defaults apply.
public struct ContainerConfig: Codable, Sendable, Equatable {
    /// The image to run, such as `admiral-test/busybox:latest`.
    public var image: String
    /// The command, replacing the image's `CMD`.
    public var cmd: [String]?
    /// The entrypoint, replacing the image's `ENTRYPOINT`; `[""]` clears it.
    public var entrypoint: [String]?
    /// Environment variables as `NAME=value`.
    public var env: [String]?
    /// Labels on the container; list and events filter by them.
    public var labels: [String: String]?
    /// The working directory of the command.
    public var workingDir: String?
    /// The user (`name`, `uid`, `uid:gid`) the command runs as.
    public var user: String?
    /// The container's host name.
    public var hostname: String?
    /// Ports the container listens on, as `80/tcp`; needed for `PortBindings` with host port 0.
    public var exposedPorts: [String: EmptyObject]?
    /// How the daemon checks the container's health.
    public var healthcheck: Healthcheck?
    /// Seconds between the stop signal and SIGKILL when the container is stopped.
    public var stopTimeout: Int?
    /// The signal that stops the container, `SIGTERM` by default.
    public var stopSignal: String?
    /// Whether to allocate a TTY (logs are then not multiplexed).
    public var tty: Bool?
    /// How the container is placed on the host: network, ports, mounts, resources.
    public var hostConfig: HostConfig?

    enum CodingKeys: String, CodingKey {
        case image = "Image"
        case cmd = "Cmd"
        case entrypoint = "Entrypoint"
        case env = "Env"
        case labels = "Labels"
        case workingDir = "WorkingDir"
        case user = "User"
        case hostname = "Hostname"
        case exposedPorts = "ExposedPorts"
        case healthcheck = "Healthcheck"
        case stopTimeout = "StopTimeout"
        case stopSignal = "StopSignal"
        case tty = "Tty"
        case hostConfig = "HostConfig"
    }

    /// Creates a configuration; every field but the image is optional.
    public init(
        image: String,
        cmd: [String]? = nil,
        entrypoint: [String]? = nil,
        env: [String]? = nil,
        labels: [String: String]? = nil,
        workingDir: String? = nil,
        user: String? = nil,
        hostname: String? = nil,
        exposedPorts: [String]? = nil,
        healthcheck: Healthcheck? = nil,
        stopTimeout: Int? = nil,
        stopSignal: String? = nil,
        tty: Bool? = nil,
        hostConfig: HostConfig? = nil
    ) {
        self.image = image
        self.cmd = cmd
        self.entrypoint = entrypoint
        self.env = env
        self.labels = labels
        self.workingDir = workingDir
        self.user = user
        self.hostname = hostname
        self.exposedPorts = exposedPorts.map { Dictionary(uniqueKeysWithValues: $0.map { ($0, EmptyObject()) }) }
        self.healthcheck = healthcheck
        self.stopTimeout = stopTimeout
        self.stopSignal = stopSignal
        self.tty = tty
        self.hostConfig = hostConfig
    }
}

/// `{}`: the value type of the Engine API's sets, such as `ExposedPorts`.
public struct EmptyObject: Codable, Sendable, Equatable, Hashable {
    /// Creates the empty object.
    public init() {}
}

/// How the daemon checks a container's health. Durations are in nanoseconds, as the
/// Engine API has them.
public struct Healthcheck: Codable, Sendable, Equatable {
    /// The test: `["CMD", "arg", ...]`, `["CMD-SHELL", "command"]`, or `["NONE"]`.
    public var test: [String]
    /// Nanoseconds between checks.
    public var interval: Int64?
    /// Nanoseconds a check may take before it counts as failed.
    public var timeout: Int64?
    /// Consecutive failures that make the container unhealthy.
    public var retries: Int?
    /// Nanoseconds after start during which failures do not count.
    public var startPeriod: Int64?

    enum CodingKeys: String, CodingKey {
        case test = "Test"
        case interval = "Interval"
        case timeout = "Timeout"
        case retries = "Retries"
        case startPeriod = "StartPeriod"
    }

    /// Creates a health check with durations as Swift `Duration`s.
    public init(
        test: [String], interval: Duration? = nil, timeout: Duration? = nil, retries: Int? = nil,
        startPeriod: Duration? = nil
    ) {
        self.test = test
        self.interval = interval.map(Self.nanoseconds)
        self.timeout = timeout.map(Self.nanoseconds)
        self.retries = retries
        self.startPeriod = startPeriod.map(Self.nanoseconds)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
