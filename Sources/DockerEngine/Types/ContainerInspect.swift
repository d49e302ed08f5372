/// Part of the answer of `GET /containers/{id}/json`.
public struct ContainerInspect: Codable, Sendable, Equatable {
    /// The full container id.
    public var id: String
    /// The name with a leading slash, such as `/web`.
    public var name: String?
    /// The image id the container was created from.
    public var image: String?
    /// When the container was created, RFC 3339 with nanoseconds.
    public var created: String?
    /// The process state.
    public var state: State
    /// The configuration the container was created with (labels, env, image name).
    public var config: Config?
    /// Addresses and published ports.
    public var networkSettings: NetworkSettings?
    /// Where the daemon writes the container's log (the `json-file` driver's file), on the
    /// daemon's host.
    public var logPath: String?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case name = "Name"
        case image = "Image"
        case created = "Created"
        case state = "State"
        case config = "Config"
        case networkSettings = "NetworkSettings"
        case logPath = "LogPath"
    }

    /// A container's process state.
    public struct State: Codable, Sendable, Equatable {
        /// `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
        public var status: String
        /// Whether the process runs.
        public var running: Bool
        /// Whether the kernel killed it for running out of memory.
        public var oomKilled: Bool?
        /// The process id on the host while it runs.
        public var pid: Int?
        /// The exit code once it has exited.
        public var exitCode: Int
        /// Why the daemon could not run it, when it could not.
        public var error: String?
        /// When it started; `0001-01-01T00:00:00Z` if it never did.
        public var startedAt: String?
        /// When it finished; `0001-01-01T00:00:00Z` if it has not.
        public var finishedAt: String?
        /// The health check's state, when the container has one.
        public var health: Health?

        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case running = "Running"
            case oomKilled = "OOMKilled"
            case pid = "Pid"
            case exitCode = "ExitCode"
            case error = "Error"
            case startedAt = "StartedAt"
            case finishedAt = "FinishedAt"
            case health = "Health"
        }
    }

    /// A health check's state.
    public struct Health: Codable, Sendable, Equatable {
        /// `starting`, `healthy` or `unhealthy`.
        public var status: String
        /// Consecutive failed checks.
        public var failingStreak: Int?

        enum CodingKeys: String, CodingKey {
            case status = "Status"
            case failingStreak = "FailingStreak"
        }
    }

    /// The parts of the creation configuration that inspect reports back.
    public struct Config: Codable, Sendable, Equatable {
        /// The image name as given at creation.
        public var image: String?
        /// The labels.
        public var labels: [String: String]?
        /// The environment, including the image's.
        public var env: [String]?
        /// The working directory.
        public var workingDir: String?

        enum CodingKeys: String, CodingKey {
            case image = "Image"
            case labels = "Labels"
            case env = "Env"
            case workingDir = "WorkingDir"
        }
    }

    /// Addresses and published ports.
    public struct NetworkSettings: Codable, Sendable, Equatable {
        /// Container ports (`80/tcp`) to the host addresses they are published on; nil
        /// values for exposed ports that are not published.
        public var ports: [String: [PortBinding]?]?
        /// The networks the container is attached to, by name.
        public var networks: [String: Network]?

        enum CodingKeys: String, CodingKey {
            case ports = "Ports"
            case networks = "Networks"
        }

        /// The host port a container port (`80/tcp`) is published on, when it is.
        public func hostPort(for containerPort: String) -> Int? {
            guard let bindings = ports?[containerPort] ?? nil else { return nil }
            return bindings.lazy.compactMap { $0.hostPort.flatMap { Int($0) } }.first
        }
    }

    /// A container's attachment to one network.
    public struct Network: Codable, Sendable, Equatable {
        /// The container's IPv4 address on the network.
        public var ipAddress: String?
        /// The network's gateway.
        public var gateway: String?

        enum CodingKeys: String, CodingKey {
            case ipAddress = "IPAddress"
            case gateway = "Gateway"
        }
    }
}

/// One entry of `GET /containers/json`.
public struct ContainerSummary: Codable, Sendable, Equatable {
    /// The full container id.
    public var id: String
    /// The names, each with a leading slash.
    public var names: [String]?
    /// The image name as given at creation.
    public var image: String?
    /// `created`, `running`, `exited`, ...
    public var state: String?
    /// A human-readable status such as `Up 2 minutes`.
    public var status: String?
    /// The labels.
    public var labels: [String: String]?

    enum CodingKeys: String, CodingKey {
        case id = "Id"
        case names = "Names"
        case image = "Image"
        case state = "State"
        case status = "Status"
        case labels = "Labels"
    }
}

/// The answer of `POST /containers/{id}/wait`.
public struct WaitResult: Codable, Sendable, Equatable {
    /// The container's exit code.
    public var statusCode: Int
    /// Why waiting failed, when it did.
    public var error: WaitError?

    enum CodingKeys: String, CodingKey {
        case statusCode = "StatusCode"
        case error = "Error"
    }

    /// Why waiting failed.
    public struct WaitError: Codable, Sendable, Equatable {
        /// The daemon's message.
        public var message: String?

        enum CodingKeys: String, CodingKey {
            case message = "Message"
        }
    }
}

/// A container's output, split by stream.
public struct ContainerLogs: Sendable, Equatable {
    /// What the container wrote to stdout (and everything, with a TTY).
    public var stdout: String
    /// What the container wrote to stderr.
    public var stderr: String

    /// Creates logs from the two streams.
    public init(stdout: String, stderr: String) {
        self.stdout = stdout
        self.stderr = stderr
    }
}
