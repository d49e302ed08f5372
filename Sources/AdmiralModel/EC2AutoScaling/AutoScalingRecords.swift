import Foundation

/// One of the subnets (or, without a VPC, availability zones) a group launches into.
public struct AutoScalingGroupPlacement: Codable, Sendable, Hashable {
    /// The subnet, nil when the group names zones and no EC2 registry gives their subnets.
    public var subnetId: String?
    public var availabilityZone: String

    /// Creates a placement.
    public init(subnetId: String?, availabilityZone: String) {
        self.subnetId = subnetId
        self.availabilityZone = availabilityZone
    }
}

/// A group tag as stored.
public struct AutoScalingGroupTag: Codable, Sendable, Hashable {
    public var key: String
    public var value: String
    public var propagateAtLaunch: Bool

    /// Creates a tag.
    public init(key: String, value: String, propagateAtLaunch: Bool) {
        self.key = key
        self.value = value
        self.propagateAtLaunch = propagateAtLaunch
    }
}

/// An Auto Scaling group as stored: its wire shape (without instances and tags, which
/// are kept apart), where it launches, and the bookkeeping of its scaling.
public struct AutoScalingGroupRecord: Codable, Sendable, Hashable {
    /// The group's settings as DescribeAutoScalingGroups shows them.
    public var group: EC2AutoScaling.AutoScalingGroup
    /// Its subnets and zones, in the order given.
    public var placements: [AutoScalingGroupPlacement]
    /// Its tags, in key order.
    public var tags: [AutoScalingGroupTag]
    /// The sentence that explains the latest change of desired capacity ("At … a user
    /// request … changing the desired capacity from 0 to 2."), the first half of the
    /// cause of the activities it leads to.
    public var desiredCause: String
    /// When the group last scaled (for cooldowns and HonorCooldown).
    public var lastScaledAt: Date?
    /// Set by DeleteAutoScalingGroup with ForceDelete: the controller terminates the
    /// instances, then removes the group.
    public var deleting: Bool

    /// Creates a record.
    public init(
        group: EC2AutoScaling.AutoScalingGroup, placements: [AutoScalingGroupPlacement],
        tags: [AutoScalingGroupTag] = [], desiredCause: String, lastScaledAt: Date? = nil, deleting: Bool = false
    ) {
        self.group = group
        self.placements = placements
        self.tags = tags
        self.desiredCause = desiredCause
        self.lastScaledAt = lastScaledAt
        self.deleting = deleting
    }

    /// The group's name.
    public var name: String { group.autoScalingGroupName }

    /// The names of the suspended processes.
    public var suspended: Set<String> { Set((group.suspendedProcesses ?? []).compactMap(\.processName)) }

    /// Whether a process (`Launch`, `Terminate`, `HealthCheck`, …) runs.
    public func runs(_ process: AutoScalingProcess) -> Bool { !suspended.contains(process.rawValue) }

    /// The zones of the group, in order, without repeats.
    public var zones: [String] {
        var seen = Set<String>()
        return placements.map(\.availabilityZone).filter { seen.insert($0).inserted }
    }

    /// What new instances are launched from, for the termination policies that prefer
    /// instances of older ones: `lc:NAME`, or `lt:ID-or-NAME:VERSION`.
    public var currentSource: String {
        if let name = group.launchConfigurationName { return "lc:" + name }
        let template = group.launchTemplate ?? group.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification
        if let template {
            return "lt:" + (template.launchTemplateId ?? template.launchTemplateName ?? "") + ":"
                + (template.version ?? "$Default")
        }
        return ""
    }
}

/// The processes of a group that SuspendProcesses can stop.
public enum AutoScalingProcess: String, Sendable, CaseIterable {
    case launch = "Launch"
    case terminate = "Terminate"
    case addToLoadBalancer = "AddToLoadBalancer"
    case alarmNotification = "AlarmNotification"
    case azRebalance = "AZRebalance"
    case healthCheck = "HealthCheck"
    case instanceRefresh = "InstanceRefresh"
    case replaceUnhealthy = "ReplaceUnhealthy"
    case scheduledActions = "ScheduledActions"
}

/// An instance of a group as stored.
public struct AutoScalingInstanceRecord: Codable, Sendable, Hashable {
    public var instanceId: String
    public var groupName: String
    public var availabilityZone: String
    public var subnetId: String?
    public var instanceType: String
    public var imageId: String?
    public var lifecycleState: EC2AutoScaling.LifecycleState
    /// `Healthy` or `Unhealthy`.
    public var healthStatus: String
    public var protectedFromScaleIn: Bool
    public var launchConfigurationName: String?
    public var launchTemplate: EC2AutoScaling.LaunchTemplateSpecification?
    /// What it was launched from (``AutoScalingGroupRecord/currentSource``).
    public var source: String
    public var launchTime: Date
    /// The activity that launches or terminates it, completed when that is done.
    public var activityId: String?
    /// The target groups it is registered with.
    public var registeredTargetGroups: [String]
    /// Why it is unhealthy, for the termination activity's cause.
    public var unhealthyReason: String?
    /// When it went unhealthy.
    public var unhealthySince: Date?
    /// The lifecycle hook it waits on (in `Pending:Wait` or `Terminating:Wait`), the
    /// action's token and when the wait ends by the hook's default result.
    public var hookName: String?
    public var hookToken: String?
    public var hookDeadline: Date?

    /// Creates a record.
    public init(
        instanceId: String, groupName: String, availabilityZone: String, subnetId: String?, instanceType: String,
        imageId: String?, lifecycleState: EC2AutoScaling.LifecycleState, healthStatus: String = "Healthy",
        protectedFromScaleIn: Bool, launchConfigurationName: String?,
        launchTemplate: EC2AutoScaling.LaunchTemplateSpecification?, source: String, launchTime: Date,
        activityId: String? = nil, registeredTargetGroups: [String] = [], unhealthyReason: String? = nil,
        unhealthySince: Date? = nil
    ) {
        self.instanceId = instanceId
        self.groupName = groupName
        self.availabilityZone = availabilityZone
        self.subnetId = subnetId
        self.instanceType = instanceType
        self.imageId = imageId
        self.lifecycleState = lifecycleState
        self.healthStatus = healthStatus
        self.protectedFromScaleIn = protectedFromScaleIn
        self.launchConfigurationName = launchConfigurationName
        self.launchTemplate = launchTemplate
        self.source = source
        self.launchTime = launchTime
        self.activityId = activityId
        self.registeredTargetGroups = registeredTargetGroups
        self.unhealthyReason = unhealthyReason
        self.unhealthySince = unhealthySince
    }

    /// Whether it counts toward the group's capacity (pending or in service, not leaving).
    public var countsTowardCapacity: Bool {
        switch lifecycleState {
        case .pending, .pendingWait, .pendingProceed, .inService: true
        default: false
        }
    }

    /// Whether it is on its way out (terminating, detaching).
    public var isLeaving: Bool {
        switch lifecycleState {
        case .terminating, .terminatingWait, .terminatingProceed, .terminated, .detaching, .detached: true
        default: false
        }
    }

    /// The wire shape inside a group.
    public var wire: EC2AutoScaling.Instance {
        EC2AutoScaling.Instance(
            instanceId: instanceId, instanceType: instanceType, availabilityZone: availabilityZone,
            lifecycleState: lifecycleState, healthStatus: healthStatus,
            launchConfigurationName: launchConfigurationName, launchTemplate: launchTemplate,
            protectedFromScaleIn: protectedFromScaleIn)
    }

    /// The wire shape of DescribeAutoScalingInstances.
    public var details: EC2AutoScaling.AutoScalingInstanceDetails {
        EC2AutoScaling.AutoScalingInstanceDetails(
            instanceId: instanceId, instanceType: instanceType, autoScalingGroupName: groupName,
            availabilityZone: availabilityZone, lifecycleState: lifecycleState.rawValue, healthStatus: healthStatus,
            launchConfigurationName: launchConfigurationName, launchTemplate: launchTemplate,
            protectedFromScaleIn: protectedFromScaleIn)
    }
}
