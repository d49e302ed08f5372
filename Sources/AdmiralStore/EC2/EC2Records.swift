import AdmiralModel
import Foundation

/// A VPC of the EC2 registry.
public struct VpcRecord: Codable, Sendable, Equatable {
    public var vpcId: String
    public var cidrBlock: String
    public var isDefault: Bool
    public var tags: [String: String]
    public var createdAt: Date

    public init(vpcId: String, cidrBlock: String, isDefault: Bool, tags: [String: String] = [:], createdAt: Date) {
        self.vpcId = vpcId
        self.cidrBlock = cidrBlock
        self.isDefault = isDefault
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// A subnet: a block of its VPC's range in one availability zone.
public struct SubnetRecord: Codable, Sendable, Equatable {
    public var subnetId: String
    public var vpcId: String
    public var cidrBlock: String
    public var availabilityZone: String
    public var defaultForAz: Bool
    public var mapPublicIpOnLaunch: Bool
    public var tags: [String: String]
    public var createdAt: Date

    public init(
        subnetId: String, vpcId: String, cidrBlock: String, availabilityZone: String, defaultForAz: Bool,
        mapPublicIpOnLaunch: Bool, tags: [String: String] = [:], createdAt: Date
    ) {
        self.subnetId = subnetId
        self.vpcId = vpcId
        self.cidrBlock = cidrBlock
        self.availabilityZone = availabilityZone
        self.defaultForAz = defaultForAz
        self.mapPublicIpOnLaunch = mapPublicIpOnLaunch
        self.tags = tags
        self.createdAt = createdAt
    }
}

/// One rule of a security group: a protocol and port range from one source (an IPv4
/// range, an IPv6 range, another group or a prefix list). `IpPermissions` are split into
/// these on the way in and grouped again on the way out, as EC2 does.
public struct SecurityGroupRule: Codable, Sendable, Hashable {
    public enum Source: Codable, Sendable, Hashable {
        case cidrIPv4(String)
        case cidrIPv6(String)
        case group(String)
        case prefixList(String)
    }

    public var ipProtocol: String
    public var fromPort: Int?
    public var toPort: Int?
    public var source: Source
    public var description: String?

    public init(ipProtocol: String, fromPort: Int?, toPort: Int?, source: Source, description: String? = nil) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.source = source
        self.description = description
    }

    /// Whether two rules allow the same traffic (descriptions aside).
    public func sameTraffic(_ other: SecurityGroupRule) -> Bool {
        ipProtocol == other.ipProtocol && fromPort == other.fromPort && toPort == other.toPort
            && source == other.source
    }
}

/// A security group of a VPC.
public struct SecurityGroupRecord: Codable, Sendable, Equatable {
    public var groupId: String
    public var groupName: String
    public var description: String
    public var vpcId: String
    public var ingress: [SecurityGroupRule]
    public var egress: [SecurityGroupRule]
    public var tags: [String: String]

    public init(
        groupId: String, groupName: String, description: String, vpcId: String, ingress: [SecurityGroupRule],
        egress: [SecurityGroupRule], tags: [String: String] = [:]
    ) {
        self.groupId = groupId
        self.groupName = groupName
        self.description = description
        self.vpcId = vpcId
        self.ingress = ingress
        self.egress = egress
        self.tags = tags
    }
}

/// EC2's instance states, in lifecycle order, with EC2's codes.
public enum EC2InstanceState: String, Codable, Sendable, Comparable, CaseIterable {
    case pending
    case running
    case shuttingDown = "shutting-down"
    case terminated

    /// EC2's state code: 0, 16, 32, 48.
    public var code: Int {
        switch self {
        case .pending: 0
        case .running: 16
        case .shuttingDown: 32
        case .terminated: 48
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.code < rhs.code }
}

/// An instance of the EC2 registry.
public struct InstanceRecord: Codable, Sendable, Equatable {
    public var instanceId: String
    public var reservationId: String
    public var amiLaunchIndex: Int
    public var imageId: String
    public var instanceType: String
    public var subnetId: String
    public var vpcId: String
    public var availabilityZone: String
    public var privateIpAddress: String
    public var securityGroupIds: [String]
    /// Base64, as RunInstances carried it.
    public var userData: String?
    public var keyName: String?
    public var state: EC2InstanceState
    /// `StateReason`: code and message (`Server.InternalError`, `Client.UserInitiatedShutdown`).
    public var stateReasonCode: String?
    public var stateReasonMessage: String?
    public var stateTransitionReason: String
    public var launchTime: Date
    /// When it reached terminated (it stays describable for an hour).
    public var terminatedAt: Date?
    public var clientToken: String?
    public var tags: [String: String]
    /// The keys issued to the instance (its instance role).
    public var accessKeyId: String
    public var secretAccessKey: String
    /// The launch template it came from, if any (`lt-…` and its version).
    public var launchTemplateId: String?
    public var launchTemplateVersion: String?
    /// The provider's last word on the host: nil while fine, else why it is gone.
    public var hostGoneReason: String?

    public init(
        instanceId: String, reservationId: String, amiLaunchIndex: Int, imageId: String, instanceType: String,
        subnetId: String, vpcId: String, availabilityZone: String, privateIpAddress: String,
        securityGroupIds: [String], userData: String?, keyName: String?, state: EC2InstanceState,
        stateTransitionReason: String = "", launchTime: Date, clientToken: String?, tags: [String: String],
        accessKeyId: String, secretAccessKey: String
    ) {
        self.instanceId = instanceId
        self.reservationId = reservationId
        self.amiLaunchIndex = amiLaunchIndex
        self.imageId = imageId
        self.instanceType = instanceType
        self.subnetId = subnetId
        self.vpcId = vpcId
        self.availabilityZone = availabilityZone
        self.privateIpAddress = privateIpAddress
        self.securityGroupIds = securityGroupIds
        self.userData = userData
        self.keyName = keyName
        self.state = state
        self.stateTransitionReason = stateTransitionReason
        self.launchTime = launchTime
        self.clientToken = clientToken
        self.tags = tags
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }
}

/// A launch template and its versions.
public struct LaunchTemplateRecord: Codable, Sendable, Equatable {
    public var launchTemplateId: String
    public var launchTemplateName: String
    public var createdAt: Date
    public var createdBy: String
    public var defaultVersion: Int
    public var latestVersion: Int
    public var versions: [LaunchTemplateVersionRecord]
    public var tags: [String: String]

    public init(
        launchTemplateId: String, launchTemplateName: String, createdAt: Date, createdBy: String,
        defaultVersion: Int, latestVersion: Int, versions: [LaunchTemplateVersionRecord], tags: [String: String]
    ) {
        self.launchTemplateId = launchTemplateId
        self.launchTemplateName = launchTemplateName
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.defaultVersion = defaultVersion
        self.latestVersion = latestVersion
        self.versions = versions
        self.tags = tags
    }
}

/// One version of a launch template.
public struct LaunchTemplateVersionRecord: Codable, Sendable, Equatable {
    public var versionNumber: Int
    public var versionDescription: String?
    public var createdAt: Date
    public var createdBy: String
    public var data: EC2.ResponseLaunchTemplateData

    public init(
        versionNumber: Int, versionDescription: String?, createdAt: Date, createdBy: String,
        data: EC2.ResponseLaunchTemplateData
    ) {
        self.versionNumber = versionNumber
        self.versionDescription = versionDescription
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.data = data
    }
}
