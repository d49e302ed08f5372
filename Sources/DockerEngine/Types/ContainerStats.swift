/// Part of the answer of `GET /containers/{id}/stats?stream=false`: the container's
/// cumulative CPU time and its current memory, as its cgroup reports them.
///
/// A container that does not run answers with zeros, an empty `memory_stats` and a
/// `read` of `0001-01-01T00:00:00Z`.
public struct ContainerStats: Codable, Sendable, Equatable {
    /// When the daemon read the statistics, RFC 3339 with nanoseconds.
    public var read: String?
    /// CPU time used.
    public var cpuStats: CPUStats
    /// Memory in use.
    public var memoryStats: MemoryStats

    enum CodingKeys: String, CodingKey {
        case read
        case cpuStats = "cpu_stats"
        case memoryStats = "memory_stats"
    }

    /// Creates statistics.
    public init(read: String? = nil, cpuStats: CPUStats, memoryStats: MemoryStats) {
        self.read = read
        self.cpuStats = cpuStats
        self.memoryStats = memoryStats
    }

    /// CPU time used by the container and by the whole host.
    public struct CPUStats: Codable, Sendable, Equatable {
        /// The container's CPU time.
        public var cpuUsage: CPUUsage
        /// The host's CPU time in nanoseconds, summed over its CPUs; absent off Linux.
        public var systemCPUUsage: UInt64?
        /// The CPUs the host has online.
        public var onlineCPUs: Int?

        enum CodingKeys: String, CodingKey {
            case cpuUsage = "cpu_usage"
            case systemCPUUsage = "system_cpu_usage"
            case onlineCPUs = "online_cpus"
        }

        /// Creates CPU statistics.
        public init(cpuUsage: CPUUsage, systemCPUUsage: UInt64? = nil, onlineCPUs: Int? = nil) {
            self.cpuUsage = cpuUsage
            self.systemCPUUsage = systemCPUUsage
            self.onlineCPUs = onlineCPUs
        }
    }

    /// A container's CPU time.
    public struct CPUUsage: Codable, Sendable, Equatable {
        /// CPU time used since the container started, in nanoseconds, over all CPUs.
        public var totalUsage: UInt64

        enum CodingKeys: String, CodingKey {
            case totalUsage = "total_usage"
        }

        /// Creates a CPU time.
        public init(totalUsage: UInt64) {
            self.totalUsage = totalUsage
        }
    }

    /// A container's memory, in bytes.
    public struct MemoryStats: Codable, Sendable, Equatable {
        /// Memory charged to the container, page cache included; absent when it does not run.
        public var usage: UInt64?
        /// The memory limit.
        public var limit: UInt64?
        /// The cgroup's `memory.stat` counters: `inactive_file` under cgroup v2,
        /// `total_inactive_file` (and `inactive_file`) under cgroup v1.
        public var stats: [String: UInt64]?

        /// Creates memory statistics.
        public init(usage: UInt64? = nil, limit: UInt64? = nil, stats: [String: UInt64]? = nil) {
            self.usage = usage
            self.limit = limit
            self.stats = stats
        }

        /// Memory in use without the page cache the kernel can reclaim at once, as
        /// `docker stats` shows it under MEM USAGE: usage less `total_inactive_file`
        /// (cgroup v1) or `inactive_file` (cgroup v2), whichever is there and smaller than
        /// the usage, in the Docker CLI's order. Nil when the container does not run.
        public var usageWithoutCache: UInt64? {
            guard let usage else { return nil }
            if let inactive = stats?["total_inactive_file"], inactive < usage { return usage - inactive }
            if let inactive = stats?["inactive_file"], inactive < usage { return usage - inactive }
            return usage
        }
    }
}
