import AdmiralStore
import Foundation

/// The databases of one control plane, in its data folder: the control plane's own
/// (`admiral.sqlite`) and one each for CloudWatch metrics, CloudWatch Logs and
/// Application Auto Scaling, so that none of them queues behind another's writes.
struct ServerStores {
    let main: SQLiteStore
    let metrics: SQLiteMetricStore
    let logs: SQLiteLogStore
    let scaling: SQLiteScalingStore

    /// Opens (creating and migrating when needed) the databases in `folder`.
    init(folder: String) throws {
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        main = try SQLiteStore(path: path("admiral.sqlite"))
        metrics = try SQLiteMetricStore(path: path("metrics.sqlite"))
        logs = try SQLiteLogStore(path: path("logs.sqlite"))
        scaling = try SQLiteScalingStore(path: path("autoscaling.sqlite"))
    }

    /// Closes them all.
    func close() throws {
        try main.close()
        try metrics.close()
        try logs.close()
        try scaling.close()
    }
}
