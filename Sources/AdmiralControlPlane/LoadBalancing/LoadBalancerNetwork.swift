import AdmiralModel
import AdmiralStore
import Foundation

/// Where Elastic Load Balancing finds the subnets and security groups a load balancer
/// names: the EC2 registry (`EC2Service`). Ids shaped like AWS's (`subnet-` or `sg-` and 8
/// or 17 hexadecimal digits) must be in the registry; other made-up names
/// (`subnet-us-east-1a`) keep the older convention (`SubnetZones`), for scripts written
/// before the registry.
public protocol LoadBalancerNetwork: Sendable {
    /// The zones of the registry's subnets among `subnetIds` and the VPC they share,
    /// checking `securityGroups` against that VPC. Throws ELB's `SubnetNotFound`,
    /// `InvalidSecurityGroup` or `InvalidConfigurationRequest`.
    func resolve(subnetIds: [String], securityGroups: [String], vpcId: String?) async throws -> LoadBalancerPlacement
}

/// What the registry says of a load balancer's subnets.
public struct LoadBalancerPlacement: Sendable, Equatable {
    /// The zone of each subnet found in the registry.
    public var zones: [String: String]
    /// The VPC of those subnets (nil when none is in the registry).
    public var vpcId: String?

    public init(zones: [String: String] = [:], vpcId: String? = nil) {
        self.zones = zones
        self.vpcId = vpcId
    }
}

extension EC2Service: LoadBalancerNetwork {
    public func resolve(subnetIds: [String], securityGroups: [String], vpcId: String?) async throws
        -> LoadBalancerPlacement
    {
        let state = try await self.state()
        var placement = LoadBalancerPlacement(vpcId: vpcId)
        for id in subnetIds where EC2IDs.isWellFormed(id, prefix: "subnet") {
            guard let subnet = state.subnets[id] else {
                throw AdmiralError(.init(rawValue: "SubnetNotFound"), "The subnet ID '\(id)' is not valid")
            }
            if let vpc = placement.vpcId, vpc != subnet.vpcId, state.vpcs[vpc] != nil {
                throw AdmiralError(
                    .invalidConfigurationRequest,
                    "The subnets of a load balancer must be in one VPC: '\(id)' is in \(subnet.vpcId), not in \(vpc).")
            }
            placement.vpcId = subnet.vpcId
            placement.zones[id] = subnet.availabilityZone
        }
        for id in securityGroups where EC2IDs.isWellFormed(id, prefix: "sg") {
            guard let group = state.securityGroups[id] else {
                throw AdmiralError(.invalidSecurityGroup, "Security group '\(id)' does not exist")
            }
            if let vpc = placement.vpcId, state.vpcs[vpc] != nil, group.vpcId != vpc {
                throw AdmiralError(
                    .invalidSecurityGroup, "Security group '\(id)' does not belong to VPC '\(vpc)'")
            }
        }
        return placement
    }
}
