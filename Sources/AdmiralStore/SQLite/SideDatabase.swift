import GRDB

/// The databases a service keeps beside the control plane's (`metrics.sqlite`,
/// `logs.sqlite`, `autoscaling.sqlite`): WAL with `synchronous = NORMAL` (a commit is in
/// the WAL before it returns, so a killed server loses nothing acknowledged), a writer of
/// their own, and the same busy timeout as the main store.
enum SideDatabase {
    /// Opens the database at `path` for a store labelled `label`, creating the file when needed.
    static func open(path: String, label: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        configuration.busyMode = .timeout(10)
        configuration.label = label
        return try DatabasePool(path: path, configuration: configuration)
    }
}
