import Foundation
import Synchronization

/// The credentials the server issues to its EC2 instances (their instance role). The
/// endpoint's SigV4 verifier asks this table for keys it does not find among the
/// operator's principals; a request signed with an instance's keys may make only the
/// agent's calls, for that instance and its cluster.
public final class InstanceCredentials: Sendable {
    /// One instance's keys.
    public struct Grant: Sendable, Equatable {
        public var instanceId: String
        public var accessKeyId: String
        public var secretAccessKey: String
        /// The cluster the instance joins (its `ECS_CLUSTER`).
        public var cluster: String
        /// What its container instance registers with, whatever its agent reports.
        public var availabilityZone: String?
        public var instanceType: String?
        public var imageId: String?
        /// The Auto Scaling group that launched it (its `aws:autoscaling:groupName` tag):
        /// its container instance belongs to that group's capacity provider.
        public var autoScalingGroupName: String?

        public init(
            instanceId: String, accessKeyId: String, secretAccessKey: String, cluster: String,
            availabilityZone: String? = nil, instanceType: String? = nil, imageId: String? = nil,
            autoScalingGroupName: String? = nil
        ) {
            self.autoScalingGroupName = autoScalingGroupName
            self.instanceId = instanceId
            self.accessKeyId = accessKeyId
            self.secretAccessKey = secretAccessKey
            self.cluster = cluster
            self.availabilityZone = availabilityZone
            self.instanceType = instanceType
            self.imageId = imageId
        }
    }

    /// The role name in the ARNs of instances' requests (`assumed-role/ecsInstanceRole/i-…`).
    public static let roleName = "ecsInstanceRole"

    private let grants = Mutex<[String: Grant]>([:])

    public init() {}

    /// Allows an instance's keys (at launch, and for every live instance at start).
    public func grant(_ grant: Grant) {
        grants.withLock { $0[grant.accessKeyId] = grant }
    }

    /// Revokes every key of an instance (at termination).
    public func revoke(instanceId: String) {
        grants.withLock { table in table = table.filter { $0.value.instanceId != instanceId } }
    }

    /// The grant for an access key id, nil when it is not an instance's.
    public func grant(accessKeyId: String) -> Grant? {
        grants.withLock { $0[accessKeyId] }
    }

    /// New keys shaped like an instance role's temporary credentials (`ASIA` + 16).
    public static func newKeys() -> (accessKeyId: String, secretAccessKey: String) {
        let upper = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var generator = SystemRandomNumberGenerator()
        let keyId = "ASIA" + String((0..<16).map { _ in upper[Int(generator.next() % UInt64(upper.count))] })
        let secret = String((0..<40).map { _ in secretAlphabet[Int(generator.next() % UInt64(secretAlphabet.count))] })
        return (keyId, secret)
    }
}
