import GRDB

/// The databases a service keeps beside the control plane's (`metrics.sqlite`,
/// `logs.sqlite`, `autoscaling.sqlite`): WAL with `synchronous = NORMAL` (a commit is in
/// the WAL before it returns, so a killed server loses nothing acknowledged), a writer of
/// their own, and the same busy timeout as the main store.
enum SideDatabase {
    /// Opens the database at `path` for a store labelled `label`, creating the file when
    /// needed. With `mappedBytes`, reads go through a memory map of that much of the file
    /// rather than a `pread` copy per page (the log store reads its chunks this way).
    static func open(path: String, label: String, mappedBytes: Int = 0) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if mappedBytes > 0 { try db.execute(sql: "PRAGMA mmap_size = \(mappedBytes)") }
        }
        configuration.busyMode = .timeout(10)
        configuration.label = label
        return try DatabasePool(path: path, configuration: configuration)
    }
}
