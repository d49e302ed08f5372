import AdmiralModel
import AdmiralStore
import Foundation

/// EC2 Auto Scaling's API: launch configurations, groups and their instances, tags,
/// processes and activities. Each call checks its input (asking the EC2 registry about
/// subnets and launch templates first), then writes in one store transaction, and wakes
/// ``AutoScalingGroupController``, which launches and terminates instances.
public struct EC2AutoScalingService: Sendable {
    /// The signal key the controller waits on.
    static let wakeKey = "ec2-autoscaling"

    public let store: any AutoScalingStore
    /// The EC2 registry; nil when this server has none (groups are then kept but not run).
    public let fleet: (any EC2Fleet)?
    let loadBalancing: LoadBalancingService
    let signals: Signals
    /// CloudWatch, whose alarms invoke the groups' scaling policies.
    let cloudWatch: CloudWatchService
    /// The period of the alarms target tracking creates (AWS: 60 s).
    let scalingPeriod: Int

    /// Creates the service and registers its scaling policies as alarm actions.
    public init(
        store: any AutoScalingStore, fleet: (any EC2Fleet)?, loadBalancing: LoadBalancingService,
        cloudWatch: CloudWatchService, scalingPeriod: Int = 60
    ) {
        self.store = store
        self.fleet = fleet
        self.loadBalancing = loadBalancing
        self.signals = Signals()
        self.cloudWatch = cloudWatch
        self.scalingPeriod = scalingPeriod
        cloudWatch.actions.register(GroupPolicyActions(service: self))
    }

    /// Wakes the controller (after a change).
    func wake() { signals.signal(Self.wakeKey) }

    /// A group's ARN.
    static func groupARN(_ name: String, context: RequestContext) -> String {
        "arn:aws:autoscaling:\(context.names.region):\(context.names.accountId):autoScalingGroup:"
            + UUID().uuidString.lowercased() + ":autoScalingGroupName/\(name)"
    }

    /// A launch configuration's ARN.
    static func launchConfigurationARN(_ name: String, context: RequestContext) -> String {
        "arn:aws:autoscaling:\(context.names.region):\(context.names.accountId):launchConfiguration:"
            + UUID().uuidString.lowercased() + ":launchConfigurationName/\(name)"
    }

    /// A group as DescribeAutoScalingGroups shows it, with its instances and tags.
    static func render(_ record: AutoScalingGroupRecord, instances: [AutoScalingInstanceRecord])
        -> EC2AutoScaling.AutoScalingGroup
    {
        var group = record.group
        group.instances = instances.filter { $0.lifecycleState != .terminated && $0.lifecycleState != .detached }
            .map(\.wire)
        group.tags = record.tags.map {
            EC2AutoScaling.TagDescription(
                resourceId: record.name, resourceType: "auto-scaling-group", key: $0.key, value: $0.value,
                propagateAtLaunch: $0.propagateAtLaunch)
        }
        group.availabilityZones = record.zones
        if record.deleting { group.status = "Delete in progress" }
        return group
    }

    /// Reads a group or throws AWS's not-found error.
    static func requireGroup(_ name: String, in transaction: AutoScalingTransaction) throws -> AutoScalingGroupRecord {
        guard let group = try transaction.group(name) else { throw GroupRules.groupNotFound(name) }
        return group
    }

    /// A new activity of a group.
    static func activity(
        group: AutoScalingGroupRecord, description: String, cause: String, now: Date,
        status: EC2AutoScaling.ScalingActivityStatusCode = .inProgress, progress: Int = 0, details: String? = nil
    ) -> EC2AutoScaling.Activity {
        EC2AutoScaling.Activity(
            activityId: UUID().uuidString.lowercased(), autoScalingGroupName: group.name, description: description,
            cause: cause, startTime: now, endTime: status == .inProgress ? nil : now, statusCode: status,
            progress: status == .inProgress ? progress : 100, details: details ?? "{}",
            autoScalingGroupARN: group.group.autoScalingGroupARN)
    }

    /// Pagination tokens: the offset into a sorted list, as text.
    static func page<T>(_ items: [T], token: String?, maxRecords: Int?, defaultLimit: Int = 50, maxLimit: Int = 100)
        throws(AdmiralError) -> (items: [T], next: String?)
    {
        let limit = maxRecords ?? defaultLimit
        guard limit >= 1, limit <= maxLimit else {
            throw .validation("MaxRecords must be between 1 and \(maxLimit); it was \(limit).")
        }
        var start = 0
        if let token, !token.isEmpty {
            guard let offset = Int(token), offset >= 0, offset <= items.count else {
                throw .validation("The token '\(token)' is invalid.")
            }
            start = offset
        }
        let end = min(items.count, start + limit)
        return (Array(items[start..<end]), end < items.count ? String(end) : nil)
    }
}
