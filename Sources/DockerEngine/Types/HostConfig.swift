/// The `HostConfig` of a container: how it is placed on the host.
public struct HostConfig: Codable, Sendable, Equatable {
    /// `bridge` (the default), `host`, `none`, `container:<id>` or a network's name.
    public var networkMode: String?
    /// Container ports (`80/tcp`) to host addresses; a host port of `""` or `"0"` lets the
    /// daemon choose one, reported in ``ContainerInspect/NetworkSettings/ports``.
    public var portBindings: [String: [PortBinding]]?
    /// Bind mounts and volumes as `source:target[:options]`.
    public var binds: [String]?
    /// Mounts in structured form.
    public var mounts: [Mount]?
    /// Legacy links `name:alias` on the default bridge.
    public var links: [String]?
    /// Containers whose volumes to mount, `name[:ro|rw]`.
    public var volumesFrom: [String]?
    /// The hard memory limit in bytes.
    public var memory: Int64?
    /// The soft memory limit in bytes.
    public var memoryReservation: Int64?
    /// The relative CPU weight (1024 is one share of the default).
    public var cpuShares: Int?
    /// Whether the container runs with all capabilities and devices.
    public var privileged: Bool?
    /// Whether the root file system is read-only.
    public var readonlyRootfs: Bool?
    /// Extra `/etc/hosts` lines as `name:address`.
    public var extraHosts: [String]?
    /// DNS servers.
    public var dns: [String]?
    /// Resource limits.
    public var ulimits: [Ulimit]?
    /// Whether to run an init process as PID 1 that forwards signals and reaps zombies.
    public var initProcess: Bool?
    /// Where the container's output goes.
    public var logConfig: LogConfig?

    enum CodingKeys: String, CodingKey {
        case networkMode = "NetworkMode"
        case portBindings = "PortBindings"
        case binds = "Binds"
        case mounts = "Mounts"
        case links = "Links"
        case volumesFrom = "VolumesFrom"
        case memory = "Memory"
        case memoryReservation = "MemoryReservation"
        case cpuShares = "CpuShares"
        case privileged = "Privileged"
        case readonlyRootfs = "ReadonlyRootfs"
        case extraHosts = "ExtraHosts"
        case dns = "Dns"
        case ulimits = "Ulimits"
        case initProcess = "Init"
        case logConfig = "LogConfig"
    }

    /// Creates a host configuration; nil fields take the daemon's defaults.
    public init(
        networkMode: String? = nil,
        portBindings: [String: [PortBinding]]? = nil,
        binds: [String]? = nil,
        mounts: [Mount]? = nil,
        links: [String]? = nil,
        volumesFrom: [String]? = nil,
        memory: Int64? = nil,
        memoryReservation: Int64? = nil,
        cpuShares: Int? = nil,
        privileged: Bool? = nil,
        readonlyRootfs: Bool? = nil,
        extraHosts: [String]? = nil,
        dns: [String]? = nil,
        ulimits: [Ulimit]? = nil,
        initProcess: Bool? = nil,
        logConfig: LogConfig? = nil
    ) {
        self.networkMode = networkMode
        self.portBindings = portBindings
        self.binds = binds
        self.mounts = mounts
        self.links = links
        self.volumesFrom = volumesFrom
        self.memory = memory
        self.memoryReservation = memoryReservation
        self.cpuShares = cpuShares
        self.privileged = privileged
        self.readonlyRootfs = readonlyRootfs
        self.extraHosts = extraHosts
        self.dns = dns
        self.ulimits = ulimits
        self.initProcess = initProcess
        self.logConfig = logConfig
    }
}

/// A host address a container port is published on.
public struct PortBinding: Codable, Sendable, Equatable, Hashable {
    /// The host address, such as `127.0.0.1`; empty for all addresses.
    public var hostIP: String?
    /// The host port as a string; empty or `0` for one the daemon chooses.
    public var hostPort: String?

    enum CodingKeys: String, CodingKey {
        case hostIP = "HostIp"
        case hostPort = "HostPort"
    }

    /// Creates a binding.
    public init(hostIP: String? = nil, hostPort: String? = nil) {
        self.hostIP = hostIP
        self.hostPort = hostPort
    }
}

/// A mount in structured form.
public struct Mount: Codable, Sendable, Equatable {
    /// `bind`, `volume` or `tmpfs`.
    public var type: String
    /// The host path or volume name.
    public var source: String?
    /// The path in the container.
    public var target: String
    /// Whether the mount is read-only.
    public var readOnly: Bool?

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case source = "Source"
        case target = "Target"
        case readOnly = "ReadOnly"
    }

    /// Creates a mount.
    public init(type: String, source: String? = nil, target: String, readOnly: Bool? = nil) {
        self.type = type
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }
}

/// A resource limit such as `nofile`.
public struct Ulimit: Codable, Sendable, Equatable {
    /// The limit's name, such as `nofile`.
    public var name: String
    /// The soft limit.
    public var soft: Int64
    /// The hard limit.
    public var hard: Int64

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case soft = "Soft"
        case hard = "Hard"
    }

    /// Creates a limit.
    public init(name: String, soft: Int64, hard: Int64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }
}

/// A log driver and its options.
public struct LogConfig: Codable, Sendable, Equatable {
    /// The driver, such as `json-file`.
    public var type: String
    /// The driver's options.
    public var config: [String: String]?

    enum CodingKeys: String, CodingKey {
        case type = "Type"
        case config = "Config"
    }

    /// Creates a log configuration.
    public init(type: String, config: [String: String]? = nil) {
        self.type = type
        self.config = config
    }
}
