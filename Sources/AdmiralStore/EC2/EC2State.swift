import AdmiralModel
import Foundation

/// The whole EC2 registry, read and changed as one value inside one transaction, so
/// that every cross-resource check (a subnet's range against its VPC's siblings, a
/// subnet in use by an instance) is atomic with its change.
public struct EC2State: Sendable, Equatable {
    public var vpcs: [String: VpcRecord] = [:]
    public var subnets: [String: SubnetRecord] = [:]
    public var securityGroups: [String: SecurityGroupRecord] = [:]
    public var instances: [String: InstanceRecord] = [:]
    public var launchTemplates: [String: LaunchTemplateRecord] = [:]

    public init() {}

    /// The default VPC, if there is one.
    public var defaultVpc: VpcRecord? { vpcs.values.first { $0.isDefault } }
}

/// Where the EC2 registry is kept.
public protocol EC2Store: Sendable {
    /// The registry as it is now.
    func read() async throws -> EC2State
    /// Changes the registry in one transaction: `change` may throw to leave it unchanged.
    func update<T: Sendable>(_ change: @escaping @Sendable (inout EC2State) throws -> T) async throws -> T
}
