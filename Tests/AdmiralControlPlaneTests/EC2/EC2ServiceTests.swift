import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@testable import AdmiralControlPlane

@Suite("EC2 registry")
struct EC2ServiceTests {
    let ec2 = EC2Service(
        store: InMemoryEC2Store.make(), zones: ["us-east-1a", "us-east-1b", "us-east-1c"], accountId: "123456789012")
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

    @Test("a new registry has a default VPC with one default /20 subnet per zone and a default group")
    func defaults() async throws {
        let vpcs = try await ec2.describeVpcs(.init(), context: context).vpcs ?? []
        #expect(vpcs.count == 1)
        #expect(vpcs.first?.isDefault == true)
        #expect(vpcs.first?.cidrBlock == "172.31.0.0/16")
        let subnets = try await ec2.describeSubnets(.init(), context: context).subnets ?? []
        #expect(
            Set(subnets.map { "\($0.availabilityZone ?? "") \($0.cidrBlock ?? "")" })
                == ["us-east-1a 172.31.0.0/20", "us-east-1b 172.31.16.0/20", "us-east-1c 172.31.32.0/20"])
        #expect(subnets.allSatisfy { $0.defaultForAz == true && $0.availableIpAddressCount == 4091 })
        let groups = try await ec2.describeSecurityGroups(.init(), context: context).securityGroups ?? []
        #expect(groups.map(\.groupName) == ["default"])
        #expect(groups.first?.vpcId == vpcs.first?.vpcId)
    }

    @Test("subnets must lie inside their VPC, not overlap, and be in a server zone; refusals change nothing")
    func subnetRules() async throws {
        let vpc = try #require(try await ec2.createVpc(.init(cidrBlock: "10.0.0.0/16"), context: context).vpc?.vpcId)
        let first = try await ec2.createSubnet(
            .init(availabilityZone: "us-east-1b", cidrBlock: "10.0.1.0/24", vpcId: vpc), context: context)
        #expect(first.subnet?.availabilityZone == "us-east-1b")
        #expect(first.subnet?.availableIpAddressCount == 251)
        let before = try await ec2.describeSubnets(.init(), context: context).subnets?.count
        #expect(
            await Self.code {
                _ = try await ec2.createSubnet(.init(cidrBlock: "10.0.1.128/25", vpcId: vpc), context: context)
            }
                == "InvalidSubnet.Conflict")
        #expect(
            await Self.code {
                _ = try await ec2.createSubnet(.init(cidrBlock: "10.1.0.0/24", vpcId: vpc), context: context)
            }
                == "InvalidSubnet.Range")
        #expect(
            await Self.code {
                _ = try await ec2.createSubnet(.init(cidrBlock: "10.0.0.0/29", vpcId: vpc), context: context)
            }
                == "InvalidSubnet.Range")
        #expect(
            await Self.code {
                _ = try await ec2.createSubnet(
                    .init(availabilityZone: "us-west-2a", cidrBlock: "10.0.9.0/24", vpcId: vpc), context: context)
            } == "InvalidParameterValue")
        #expect(
            await Self.code {
                _ = try await ec2.createSubnet(
                    .init(cidrBlock: "10.0.9.0/24", vpcId: "vpc-0123456789abcdef0"), context: context)
            } == "InvalidVpcID.NotFound")
        #expect(try await ec2.describeSubnets(.init(), context: context).subnets?.count == before)
        #expect(
            await Self.code { try await ec2.deleteVpc(.init(vpcId: vpc), context: context) } == "DependencyViolation")
        try await ec2.deleteSubnet(.init(subnetId: try #require(first.subnet?.subnetId)), context: context)
        try await ec2.deleteVpc(.init(vpcId: vpc), context: context)
        #expect(try await ec2.describeVpcs(.init(), context: context).vpcs?.count == 1)
    }

    @Test("filters and pagination on DescribeSubnets")
    func filtersAndPages() async throws {
        let vpc = try #require(
            try await ec2.createVpc(
                .init(
                    cidrBlock: "10.0.0.0/16",
                    tagSpecifications: [.init(resourceType: .vpc, tags: [.init(key: "Name", value: "main")])]),
                context: context
            ).vpc?.vpcId)
        for index in 0..<7 {
            _ = try await ec2.createSubnet(
                .init(availabilityZone: "us-east-1a", cidrBlock: "10.0.\(index).0/24", vpcId: vpc), context: context)
        }
        let filtered = try await ec2.describeSubnets(
            .init(filters: [
                .init(name: "vpc-id", values: [vpc]), .init(name: "cidr-block", values: ["10.0.1.*", "10.0.2.0/24"]),
            ]),
            context: context)
        #expect(Set(filtered.subnets?.compactMap(\.cidrBlock) ?? []) == ["10.0.1.0/24", "10.0.2.0/24"])
        var seen: [String] = []
        var token: String?
        repeat {
            let page = try await ec2.describeSubnets(
                .init(filters: [.init(name: "vpc-id", values: [vpc])], nextToken: token, maxResults: 5),
                context: context)
            seen += page.subnets?.compactMap(\.subnetId) ?? []
            token = page.nextToken
        } while token != nil
        #expect(seen.count == 7 && Set(seen).count == 7)
        let tagged = try await ec2.describeVpcs(
            .init(filters: [.init(name: "tag:Name", values: ["ma*"])]), context: context)
        #expect(tagged.vpcs?.map(\.vpcId) == [vpc])
        #expect(
            await Self.code {
                _ = try await ec2.describeVpcs(.init(filters: [.init(name: "nope", values: ["x"])]), context: context)
            }
                == "InvalidParameterValue")
    }

    @Test("security group rules: duplicates and missing rules are refused")
    func securityGroups() async throws {
        let group = try #require(
            try await ec2.createSecurityGroup(.init(description: "web", groupName: "web"), context: context).groupId)
        #expect(
            await Self.code {
                _ = try await ec2.createSecurityGroup(.init(description: "web", groupName: "web"), context: context)
            }
                == "InvalidGroup.Duplicate")
        let http = EC2.IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, ipRanges: [.init(cidrIp: "0.0.0.0/0")])
        _ = try await ec2.authorizeSecurityGroupIngress(.init(groupId: group, ipPermissions: [http]), context: context)
        #expect(
            await Self.code {
                _ = try await ec2.authorizeSecurityGroupIngress(
                    .init(groupId: group, ipPermissions: [http]), context: context)
            }
                == "InvalidPermission.Duplicate")
        let described = try await ec2.describeSecurityGroups(.init(groupIds: [group]), context: context)
        #expect(described.securityGroups?.first?.ipPermissions?.first?.fromPort == 80)
        _ = try await ec2.revokeSecurityGroupIngress(.init(groupId: group, ipPermissions: [http]), context: context)
        #expect(
            await Self.code {
                _ = try await ec2.revokeSecurityGroupIngress(
                    .init(groupId: group, ipPermissions: [http]), context: context)
            }
                == "InvalidPermission.NotFound")
        _ = try await ec2.deleteSecurityGroup(.init(groupId: group), context: context)
    }

    @Test("tags: CreateTags, DescribeTags with filters, DeleteTags")
    func tags() async throws {
        let vpc = try #require(try await ec2.describeVpcs(.init(), context: context).vpcs?.first?.vpcId)
        try await ec2.createTags(.init(resources: [vpc], tags: [.init(key: "Env", value: "prod")]), context: context)
        let tags = try await ec2.describeTags(
            .init(filters: [.init(name: "resource-type", values: ["vpc"])]), context: context)
        #expect(tags.tags?.map(\.key) == ["Env"])
        #expect(
            await Self.code {
                try await ec2.createTags(
                    .init(resources: ["vpc-0123456789abcdef0"], tags: [.init(key: "A", value: "b")]), context: context)
            }
                == "InvalidVpcID.NotFound")
        try await ec2.deleteTags(.init(resources: [vpc], tags: [.init(key: "Env")]), context: context)
        #expect(try await ec2.describeTags(.init(), context: context).tags?.isEmpty == true)
    }

    @Test("RunInstances: addresses from the subnet, groups of its VPC, client tokens, full subnets")
    func runInstances() async throws {
        let vpc = try #require(try await ec2.createVpc(.init(cidrBlock: "10.0.0.0/16"), context: context).vpc?.vpcId)
        let small = try #require(
            try await ec2.createSubnet(
                .init(availabilityZone: "us-east-1c", cidrBlock: "10.0.0.0/28", vpcId: vpc), context: context
            )
            .subnet?.subnetId)
        let reservation = try await ec2.runInstances(
            .init(
                imageId: EC2Catalogue.agentImageId, instanceType: .t3Small, maxCount: 2, minCount: 2, subnetId: small,
                clientToken: "once"),
            context: context)
        let instances = reservation.instances ?? []
        #expect(instances.map(\.privateIpAddress) == ["10.0.0.4", "10.0.0.5"])
        #expect(instances.allSatisfy { $0.placement?.availabilityZone == "us-east-1c" && $0.state?.name == .pending })
        let again = try await ec2.runInstances(
            .init(
                imageId: EC2Catalogue.agentImageId, instanceType: .t3Small, maxCount: 2, minCount: 2, subnetId: small,
                clientToken: "once"),
            context: context)
        #expect(again.reservationId == reservation.reservationId)
        #expect(
            try await ec2.describeSubnets(.init(subnetIds: [small]), context: context).subnets?.first?
                .availableIpAddressCount == 9)
        #expect(
            await Self.code {
                _ = try await ec2.runInstances(
                    .init(imageId: EC2Catalogue.agentImageId, maxCount: 10, minCount: 10, subnetId: small),
                    context: context)
            } == "InsufficientFreeAddressesInSubnet")
        let defaultGroup = try #require(
            try await ec2.describeSecurityGroups(.init(groupNames: ["default"]), context: context).securityGroups?
                .first?.groupId)
        #expect(
            await Self.code {
                _ = try await ec2.runInstances(
                    .init(
                        imageId: EC2Catalogue.agentImageId, maxCount: 1, minCount: 1, securityGroupIds: [defaultGroup],
                        subnetId: small), context: context)
            } == "InvalidParameter")
        #expect(
            await Self.code {
                _ = try await ec2.runInstances(
                    .init(imageId: "ami-0123456789abcdef0", maxCount: 1, minCount: 1), context: context)
            } == "InvalidAMIID.NotFound")
        #expect(
            await Self.code {
                _ = try await ec2.runInstances(
                    .init(
                        imageId: EC2Catalogue.agentImageId, maxCount: 1, minCount: 1,
                        subnetId: "subnet-0123456789abcdef0"),
                    context: context)
            } == "InvalidSubnetID.NotFound")
        #expect(
            await Self.code { try await ec2.deleteSubnet(.init(subnetId: small), context: context) }
                == "DependencyViolation")
        let described = try await ec2.describeInstances(
            .init(filters: [
                .init(name: "instance-state-name", values: ["pending"]), .init(name: "subnet-id", values: [small]),
            ]),
            context: context)
        #expect(described.reservations?.count == 1)
        #expect(described.reservations?.first?.instances?.count == 2)
        let terminated = try await ec2.terminateInstances(
            .init(instanceIds: instances.compactMap(\.instanceId)), context: context)
        #expect(
            terminated.terminatingInstances?.allSatisfy { $0.previousState?.code == 0 && $0.currentState?.code == 32 }
                == true)
    }

    @Test("a launch template's version launches when RunInstances names it")
    func launchTemplates() async throws {
        let created = try await ec2.createLaunchTemplate(
            .init(
                launchTemplateName: "agents",
                launchTemplateData: .init(imageId: EC2Catalogue.agentImageId, instanceType: .m5Large)),
            context: context)
        let id = try #require(created.launchTemplate?.launchTemplateId)
        _ = try await ec2.createLaunchTemplateVersion(
            .init(launchTemplateId: id, sourceVersion: "1", launchTemplateData: .init(instanceType: .c5Large)),
            context: context)
        _ = try await ec2.modifyLaunchTemplate(.init(launchTemplateId: id, defaultVersion: "2"), context: context)
        let reservation = try await ec2.runInstances(
            .init(maxCount: 1, minCount: 1, launchTemplate: .init(launchTemplateName: "agents")), context: context)
        #expect(reservation.instances?.first?.instanceType == .c5Large)
        #expect(reservation.instances?.first?.imageId == EC2Catalogue.agentImageId)
        let versions = try await ec2.describeLaunchTemplateVersions(
            .init(launchTemplateId: id, versions: ["$Latest", "1"]), context: context)
        #expect(versions.launchTemplateVersions?.map(\.versionNumber) == [2, 1])
        #expect(
            await Self.code {
                _ = try await ec2.createLaunchTemplate(
                    .init(launchTemplateName: "agents", launchTemplateData: .init()), context: context)
            }
                == "InvalidLaunchTemplateName.AlreadyExistsException")
        _ = try await ec2.deleteLaunchTemplate(.init(launchTemplateId: id), context: context)
    }
}
