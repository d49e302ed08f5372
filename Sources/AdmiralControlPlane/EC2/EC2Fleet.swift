import Foundation

/// What EC2 Auto Scaling (and ECS capacity providers through it) asks of the EC2
/// registry: subnets and their zones, launch templates, and instances to launch,
/// describe and terminate. `EC2Service` implements it; unit tests of the Auto Scaling
/// controller use a fake.
public protocol EC2Fleet: Sendable {
    /// The subnet with this id. Throws EC2's `InvalidSubnetID.NotFound` as an
    /// `AdmiralError` when there is none.
    func subnet(id: String) async throws -> EC2SubnetInfo

    /// The subnets of the default VPC, one per availability zone (for groups created with
    /// `AvailabilityZones` instead of `VPCZoneIdentifier`).
    func defaultSubnets() async throws -> [EC2SubnetInfo]

    /// What a launch template version launches. `version` is a number, `$Latest` or
    /// `$Default` (nil means `$Default`). Throws when the template or version is unknown.
    func launchTemplate(id: String?, name: String?, version: String?) async throws -> EC2LaunchSpec

    /// Whether an instance type is in the catalogue.
    func instanceTypeExists(_ instanceType: String) async -> Bool

    /// Launches `count` instances into a subnet, as RunInstances does (pending at first).
    /// `tags` are the instance's tags (an Auto Scaling group's propagated tags and
    /// `aws:autoscaling:groupName`).
    func launch(_ spec: EC2LaunchSpec, subnetId: String, count: Int, tags: [String: String]) async throws
        -> [EC2InstanceInfo]

    /// Starts termination of instances (shutting-down, then terminated); unknown or
    /// already terminated ids are skipped.
    func terminate(instanceIds: [String]) async throws

    /// The instances with these ids that exist (terminated ones included while they are
    /// still describable).
    func instances(ids: [String]) async throws -> [EC2InstanceInfo]
}

/// A subnet as Auto Scaling needs it.
public struct EC2SubnetInfo: Sendable, Equatable {
    public var subnetId: String
    public var vpcId: String
    public var availabilityZone: String
    public var cidrBlock: String

    public init(subnetId: String, vpcId: String, availabilityZone: String, cidrBlock: String) {
        self.subnetId = subnetId
        self.vpcId = vpcId
        self.availabilityZone = availabilityZone
        self.cidrBlock = cidrBlock
    }
}

/// What to launch: a launch configuration's or a launch template version's contents.
public struct EC2LaunchSpec: Sendable, Equatable {
    public var imageId: String
    public var instanceType: String
    public var securityGroupIds: [String]
    /// Base64, as the APIs carry it.
    public var userData: String?
    public var keyName: String?
    public var iamInstanceProfile: String?
    /// Which launch template and version, or launch configuration, this came from (for
    /// the termination policies that prefer the oldest).
    public var source: String

    public init(
        imageId: String, instanceType: String, securityGroupIds: [String] = [], userData: String? = nil,
        keyName: String? = nil, iamInstanceProfile: String? = nil, source: String
    ) {
        self.imageId = imageId
        self.instanceType = instanceType
        self.securityGroupIds = securityGroupIds
        self.userData = userData
        self.keyName = keyName
        self.iamInstanceProfile = iamInstanceProfile
        self.source = source
    }
}

/// An instance as Auto Scaling sees it.
public struct EC2InstanceInfo: Sendable, Equatable {
    /// EC2's instance state names.
    public enum State: String, Sendable {
        case pending, running, shuttingDown = "shutting-down", terminated, stopping, stopped
    }

    public var instanceId: String
    public var state: State
    public var instanceType: String
    public var availabilityZone: String
    public var subnetId: String
    public var privateIpAddress: String
    public var launchTime: Date
    /// False when EC2's status checks fail (the host is gone): what an EC2 health check
    /// of an Auto Scaling group reads.
    public var statusOK: Bool

    public init(
        instanceId: String, state: State, instanceType: String, availabilityZone: String, subnetId: String,
        privateIpAddress: String, launchTime: Date, statusOK: Bool
    ) {
        self.instanceId = instanceId
        self.state = state
        self.instanceType = instanceType
        self.availabilityZone = availabilityZone
        self.subnetId = subnetId
        self.privateIpAddress = privateIpAddress
        self.launchTime = launchTime
        self.statusOK = statusOK
    }
}
