import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@testable import AdmiralControlPlane

@Suite("Load balancers' subnets and groups from the EC2 registry")
struct LoadBalancerNetworkTests {
    let ec2 = EC2Service(
        store: InMemoryEC2Store.make(), zones: ["us-east-1a", "us-east-1b"], accountId: "123456789012")
    let context = RequestContext(
        names: ECSNames(region: "us-east-1", accountId: "123456789012"),
        principalARN: "arn:aws:iam::123456789012:user/t")

    static func code(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as AdmiralError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    @Test("registry subnets give their zones and VPC; made-up names are left to the convention")
    func resolves() async throws {
        let subnets = try await ec2.defaultSubnets()
        let placement = try await ec2.resolve(
            subnetIds: subnets.map(\.subnetId) + ["subnet-us-east-1a"], securityGroups: ["sg-made-up"], vpcId: nil)
        #expect(placement.vpcId == subnets.first?.vpcId)
        #expect(placement.zones == Dictionary(uniqueKeysWithValues: subnets.map { ($0.subnetId, $0.availabilityZone) }))
    }

    @Test("an unknown AWS-shaped subnet is SubnetNotFound; a group of another VPC is InvalidSecurityGroup")
    func refuses() async throws {
        let subnets = try await ec2.defaultSubnets().map(\.subnetId)
        #expect(
            await Self.code {
                _ = try await ec2.resolve(subnetIds: ["subnet-0123456789abcdef0"], securityGroups: [], vpcId: nil)
            } == "SubnetNotFound")
        let vpc = try #require(try await ec2.createVpc(.init(cidrBlock: "10.0.0.0/16"), context: context).vpc?.vpcId)
        let group = try #require(
            try await ec2.createSecurityGroup(.init(description: "x", groupName: "x", vpcId: vpc), context: context)
                .groupId)
        #expect(
            await Self.code {
                _ = try await ec2.resolve(subnetIds: subnets, securityGroups: [group], vpcId: nil)
            } == "InvalidSecurityGroup")
        #expect(
            await Self.code {
                _ = try await ec2.resolve(subnetIds: [], securityGroups: ["sg-0123456789abcdef0"], vpcId: nil)
            } == "InvalidSecurityGroup")
        let other = try #require(
            try await ec2.createSubnet(.init(cidrBlock: "10.0.1.0/24", vpcId: vpc), context: context).subnet?.subnetId)
        #expect(
            await Self.code {
                _ = try await ec2.resolve(subnetIds: [subnets[0], other], securityGroups: [], vpcId: nil)
            } == "InvalidConfigurationRequest")
    }
}
