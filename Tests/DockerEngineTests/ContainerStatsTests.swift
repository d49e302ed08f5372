import Foundation
import Testing

@testable import DockerEngine

/// Answers of `GET /containers/{id}/stats?stream=false&one-shot=true`.
@Suite("Container statistics")
struct ContainerStatsTests {
    /// A reading taken from Docker 20.10 on a cgroup v1 host, of a container that wrote
    /// 24 MiB to a file (page cache on the inactive list) and then slept.
    static let cgroupV1 = #"""
        {"read":"2026-12-07T07:57:51.888431308Z","preread":"0001-01-01T00:00:00Z","pids_stats":{"current":2},"blkio_stats":{"io_service_bytes_recursive":[],"io_serviced_recursive":[],"io_queue_recursive":[],"io_service_time_recursive":[],"io_wait_time_recursive":[],"io_merged_recursive":[],"io_time_recursive":[],"sectors_recursive":[]},"num_procs":0,"storage_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":31931445,"percpu_usage":[23309343,8622102],"usage_in_kernelmode":10000000,"usage_in_usermode":10000000},"system_cpu_usage":21390340000000,"online_cpus":2,"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},"throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{"usage":26521600,"max_usage":27918336,"stats":{"active_anon":8192,"active_file":4096,"cache":25169920,"dirty":25169920,"hierarchical_memory_limit":134217728,"hierarchical_memsw_limit":268435456,"inactive_anon":106496,"inactive_file":25165824,"mapped_file":0,"pgfault":1580,"pgmajfault":0,"pgpgin":1125,"pgpgout":1072,"rss":114688,"rss_huge":0,"total_active_anon":8192,"total_active_file":4096,"total_cache":25169920,"total_dirty":25169920,"total_inactive_anon":106496,"total_inactive_file":25165824,"total_mapped_file":0,"total_pgfault":1580,"total_pgmajfault":0,"total_pgpgin":1125,"total_pgpgout":1072,"total_rss":114688,"total_rss_huge":0,"total_unevictable":0,"total_writeback":0,"unevictable":0,"writeback":0},"limit":134217728},"name":"/statsprobe3","id":"faef01a01495f68b5ad8b6c2dde2ca8f02edee64c30c68035a36fae636869f07","networks":{"eth0":{"rx_bytes":736,"rx_packets":8,"rx_errors":0,"rx_dropped":0,"tx_bytes":0,"tx_packets":0,"tx_errors":0,"tx_dropped":0}}}
        """#

    /// A reading in the shape Docker gives on a cgroup v2 host (Docker 24, Ubuntu 22.04):
    /// no `percpu_usage` or `max_usage`, and `memory.stat`'s own counter names.
    static let cgroupV2 = #"""
        {"read":"2024-05-14T09:12:03.412790583Z","preread":"0001-01-01T00:00:00Z",
        "pids_stats":{"current":2,"limit":18945},
        "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"read","value":0},
        {"major":8,"minor":0,"op":"write","value":25165824}],"io_serviced_recursive":null,"io_queue_recursive":null,
        "io_service_time_recursive":null,"io_wait_time_recursive":null,"io_merged_recursive":null,
        "io_time_recursive":null,"sectors_recursive":null},
        "num_procs":0,"storage_stats":{},
        "cpu_stats":{"cpu_usage":{"total_usage":4186373000,"usage_in_kernelmode":31415000,
        "usage_in_usermode":4154958000},"system_cpu_usage":1843561230000000,"online_cpus":4,
        "throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},
        "precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},
        "throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},
        "memory_stats":{"usage":27213824,"stats":{"active_anon":4096,"active_file":8192,"anon":163840,
        "anon_thp":0,"file":25174016,"file_dirty":0,"file_mapped":0,"file_writeback":0,"inactive_anon":159744,
        "inactive_file":25165824,"kernel_stack":32768,"pgactivate":2,"pgdeactivate":0,"pgfault":1554,
        "pglazyfree":0,"pglazyfreed":0,"pgmajfault":0,"pgrefill":0,"pgscan":0,"pgsteal":0,"shmem":0,
        "slab":1595392,"slab_reclaimable":1236992,"slab_unreclaimable":358400,"sock":0,"thp_collapse_alloc":0,
        "thp_fault_alloc":0,"unevictable":0,"workingset_activate":0,"workingset_nodereclaim":0,
        "workingset_refault":0},"limit":134217728},
        "name":"/web","id":"3f1c2a0b9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a",
        "networks":{"eth0":{"rx_bytes":1046,"rx_packets":13,"rx_errors":0,"rx_dropped":0,"tx_bytes":0,
        "tx_packets":0,"tx_errors":0,"tx_dropped":0}}}
        """#

    /// What Docker 20.10 answers for a container that has exited.
    static let stopped = #"""
        {"read":"0001-01-01T00:00:00Z","preread":"0001-01-01T00:00:00Z","pids_stats":{},
        "blkio_stats":{"io_service_bytes_recursive":null,"io_serviced_recursive":null,"io_queue_recursive":null,
        "io_service_time_recursive":null,"io_wait_time_recursive":null,"io_merged_recursive":null,
        "io_time_recursive":null,"sectors_recursive":null},"num_procs":0,"storage_stats":{},
        "cpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},
        "throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},
        "precpu_stats":{"cpu_usage":{"total_usage":0,"usage_in_kernelmode":0,"usage_in_usermode":0},
        "throttling_data":{"periods":0,"throttled_periods":0,"throttled_time":0}},"memory_stats":{},
        "name":"/statsprobe2","id":"9bffb03efdfe9139ff1ec0f77ead6ea778970e1ad60d3b023890e0f4cead11e4"}
        """#

    static func decode(_ text: String) throws -> ContainerStats {
        try JSONDecoder().decode(ContainerStats.self, from: Data(text.utf8))
    }

    @Test("a cgroup v1 reading decodes, and its memory leaves out total_inactive_file as docker stats does")
    func cgroupV1Reading() throws {
        let stats = try Self.decode(Self.cgroupV1)
        #expect(stats.read == "2026-12-07T07:57:51.888431308Z")
        #expect(stats.cpuStats.cpuUsage.totalUsage == 31_931_445)
        #expect(stats.cpuStats.systemCPUUsage == 21_390_340_000_000)
        #expect(stats.cpuStats.onlineCPUs == 2)
        #expect(stats.memoryStats.usage == 26_521_600)
        #expect(stats.memoryStats.limit == 134_217_728)
        #expect(stats.memoryStats.stats?["total_inactive_file"] == 25_165_824)
        // docker stats showed 1.383MiB for this reading: 26,521,600 - 25,165,824 bytes.
        #expect(stats.memoryStats.usageWithoutCache == 1_355_776)
    }

    @Test("a cgroup v2 reading decodes, and its memory leaves out inactive_file")
    func cgroupV2Reading() throws {
        let stats = try Self.decode(Self.cgroupV2)
        #expect(stats.cpuStats.cpuUsage.totalUsage == 4_186_373_000)
        #expect(stats.cpuStats.systemCPUUsage == 1_843_561_230_000_000)
        #expect(stats.cpuStats.onlineCPUs == 4)
        #expect(stats.memoryStats.usage == 27_213_824)
        #expect(stats.memoryStats.stats?["total_inactive_file"] == nil)
        #expect(stats.memoryStats.usageWithoutCache == 27_213_824 - 25_165_824)
    }

    @Test("a stopped container's reading decodes with no memory usage")
    func stoppedReading() throws {
        let stats = try Self.decode(Self.stopped)
        #expect(stats.cpuStats.cpuUsage.totalUsage == 0)
        #expect(stats.cpuStats.systemCPUUsage == nil)
        #expect(stats.memoryStats.usage == nil)
        #expect(stats.memoryStats.usageWithoutCache == nil)
    }

    @Test("inactive page cache as large as the usage is not subtracted")
    func cacheAboveUsage() {
        let memory = ContainerStats.MemoryStats(usage: 1000, stats: ["inactive_file": 1000])
        #expect(memory.usageWithoutCache == 1000)
        #expect(ContainerStats.MemoryStats(usage: 1000).usageWithoutCache == 1000)
    }
}
