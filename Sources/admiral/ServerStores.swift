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
    /// EC2 Auto Scaling's launch configurations, groups and activities.
    let ec2AutoScaling: SQLiteAutoScalingStore
    /// The EC2 registry: VPCs, subnets, security groups, instances, launch templates.
    let ec2: SQLiteEC2Store
    /// The data folder.
    let folder: String

    /// Opens (creating and migrating when needed) the databases in `folder`.
    init(folder: String) throws {
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
        self.folder = folder
        main = try SQLiteStore(path: path("admiral.sqlite"))
        metrics = try SQLiteMetricStore(path: path("metrics.sqlite"))
        logs = try SQLiteLogStore(path: path("logs.sqlite"))
        scaling = try SQLiteScalingStore(path: path("autoscaling.sqlite"))
        ec2AutoScaling = try SQLiteAutoScalingStore(path: path("ec2-autoscaling.sqlite"))
        ec2 = try SQLiteEC2Store(path: path("ec2.sqlite"))
    }

    /// Closes them all.
    func close() throws {
        try main.close()
        try metrics.close()
        try logs.close()
        try scaling.close()
        try ec2AutoScaling.close()
        try ec2.close()
    }
}
