import AdmiralModel
import AdmiralStore
import Foundation

extension EC2Service {
    // MARK: Regions and zones

    public func describeRegions(_ input: EC2.DescribeRegionsRequest, context: RequestContext) async throws
        -> EC2.DescribeRegionsResult
    {
        let filters = try EC2FilterSet(input.filters, allowed: ["endpoint", "opt-in-status", "region-name"])
        let endpoint = "ec2.\(region).amazonaws.com"
        if let names = input.regionNames, names.contains(where: { $0 != region }) {
            throw EC2Errors.code(
                "InvalidParameterValue",
                "Invalid region: \(names.filter { $0 != region }.joined(separator: ", ")); "
                    + "this server serves \(region).")
        }
        let values: (String) -> [String] = { name in
            switch name {
            case "endpoint": [endpoint]
            case "opt-in-status": ["opt-in-not-required"]
            default: [self.region]
            }
        }
        let regions =
            filters.matches(tags: [:], values: values)
            ? [EC2.Region(optInStatus: "opt-in-not-required", regionName: region, endpoint: endpoint)] : []
        return EC2.DescribeRegionsResult(regions: regions)
    }

    /// The zone id AWS would give (`use1-az1`…), stable per zone letter.
    func zoneId(_ zone: String) -> String {
        let parts = region.split(separator: "-")
        let short = parts.count == 3 ? "\(parts[0])\(parts[1].prefix(1))\(parts[2])" : region
        let index = (zones.firstIndex(of: zone) ?? 0) + 1
        return "\(short)-az\(index)"
    }

    public func describeAvailabilityZones(_ input: EC2.DescribeAvailabilityZonesRequest, context: RequestContext)
        async throws -> EC2.DescribeAvailabilityZonesResult
    {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "group-name", "opt-in-status", "region-name", "state", "zone-id", "zone-name", "zone-type",
                "group-long-name", "message", "parent-zone-id", "parent-zone-name",
            ])
        var result: [EC2.AvailabilityZone] = []
        for zone in zones {
            if let names = input.zoneNames, !names.contains(zone) { continue }
            if let ids = input.zoneIds, !ids.contains(zoneId(zone)) { continue }
            let values: (String) -> [String] = { name in
                switch name {
                case "group-name": [self.region]
                case "opt-in-status": ["opt-in-not-required"]
                case "region-name": [self.region]
                case "state": ["available"]
                case "zone-id": [self.zoneId(zone)]
                case "zone-name": [zone]
                case "zone-type": ["availability-zone"]
                default: []
                }
            }
            guard filters.matches(tags: [:], values: values) else { continue }
            result.append(
                EC2.AvailabilityZone(
                    optInStatus: .optInNotRequired, messages: [], regionName: region, zoneName: zone,
                    zoneId: zoneId(zone), groupName: region, networkBorderGroup: region, zoneType: "availability-zone",
                    state: .available))
        }
        if let names = input.zoneNames, let unknown = names.first(where: { !zones.contains($0) }) {
            throw EC2Errors.invalidParameterValue("The zone '\(unknown)' does not exist in region \(region).")
        }
        return EC2.DescribeAvailabilityZonesResult(availabilityZones: result)
    }

    // MARK: VPCs

    func wire(_ vpc: VpcRecord) -> EC2.Vpc {
        EC2.Vpc(
            ownerId: accountId, instanceTenancy: .default,
            cidrBlockAssociationSet: [
                EC2.VpcCidrBlockAssociation(
                    associationId: "vpc-cidr-assoc-" + vpc.vpcId.dropFirst(4), cidrBlock: vpc.cidrBlock,
                    cidrBlockState: EC2.VpcCidrBlockState(state: .associated))
            ],
            isDefault: vpc.isDefault, tags: Self.wireTags(vpc.tags), vpcId: vpc.vpcId, state: .available,
            cidrBlock: vpc.cidrBlock, dhcpOptionsId: "dopt-" + vpc.vpcId.dropFirst(4))
    }

    public func createVpc(_ input: EC2.CreateVpcRequest, context: RequestContext) async throws -> EC2.CreateVpcResult {
        guard let text = input.cidrBlock else {
            throw EC2Errors.missingParameter("The request must contain the parameter cidrBlock")
        }
        guard let range = IPv4CIDR(text, strict: true) else {
            throw EC2Errors.invalidParameterValue(
                "Value (\(text)) for parameter cidrBlock is invalid. This is not a valid CIDR block.")
        }
        guard (16...28).contains(range.prefixLength) else {
            throw EC2Errors.code("InvalidVpc.Range", "The CIDR '\(text)' is invalid.")
        }
        if input.amazonProvidedIpv6CidrBlock == true || input.ipv6CidrBlock != nil {
            throw EC2Errors.invalidParameterValue("Admiral's VPCs have no IPv6 ranges.")
        }
        let tags = try Self.tags(input.tagSpecifications, for: .vpc)
        let vpc = VpcRecord(
            vpcId: EC2IDs.make("vpc"), cidrBlock: range.description, isDefault: false, tags: tags,
            createdAt: context.now)
        try await update { state in
            state.vpcs[vpc.vpcId] = vpc
            let group = Self.defaultSecurityGroup(vpcId: vpc.vpcId)
            state.securityGroups[group.groupId] = group
        }
        var wire = self.wire(vpc)
        wire.state = .pending
        return EC2.CreateVpcResult(vpc: wire)
    }

    public func describeVpcs(_ input: EC2.DescribeVpcsRequest, context: RequestContext) async throws
        -> EC2.DescribeVpcsResult
    {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "cidr", "cidr-block-association.cidr-block", "cidr-block-association.association-id",
                "cidr-block-association.state", "dhcp-options-id", "is-default", "owner-id", "state", "vpc-id",
            ])
        let state = try await self.state()
        try Self.requireKnown(input.vpcIds, in: Set(state.vpcs.keys), code: "InvalidVpcID.NotFound", noun: "vpc")
        let matching = state.vpcs.values.filter { vpc in
            if let ids = input.vpcIds, !ids.contains(vpc.vpcId) { return false }
            return filters.matches(tags: vpc.tags) { name in
                switch name {
                case "cidr", "cidr-block-association.cidr-block": [vpc.cidrBlock]
                case "cidr-block-association.state": ["associated"]
                case "dhcp-options-id": ["dopt-" + vpc.vpcId.dropFirst(4)]
                case "is-default": [Self.bool(vpc.isDefault)]
                case "owner-id": [self.accountId]
                case "state": ["available"]
                case "vpc-id": [vpc.vpcId]
                default: []
                }
            }
        }.sorted { $0.vpcId < $1.vpcId }
        let page = try Self.page(matching, key: \.vpcId, maxResults: input.maxResults, nextToken: input.nextToken)
        return EC2.DescribeVpcsResult(nextToken: page.nextToken, vpcs: page.items.map(wire))
    }

    public func deleteVpc(_ input: EC2.DeleteVpcRequest, context: RequestContext) async throws {
        let vpcId = input.vpcId
        try await update { state in
            guard state.vpcs[vpcId] != nil else {
                throw EC2Errors.notFound("InvalidVpcID.NotFound", "The vpc ID '\(vpcId)' does not exist")
            }
            if state.subnets.values.contains(where: { $0.vpcId == vpcId }) {
                throw EC2Errors.dependencyViolation(
                    "The vpc '\(vpcId)' has dependencies and cannot be deleted.")
            }
            let groups = state.securityGroups.values.filter { $0.vpcId == vpcId }
            if groups.contains(where: { $0.groupName != "default" }) {
                throw EC2Errors.dependencyViolation(
                    "The vpc '\(vpcId)' has dependencies and cannot be deleted.")
            }
            for group in groups { state.securityGroups[group.groupId] = nil }
            state.vpcs[vpcId] = nil
        }
    }

    // MARK: Subnets

    func wire(_ subnet: SubnetRecord, state: EC2State) -> EC2.Subnet {
        EC2.Subnet(
            availabilityZoneId: zoneId(subnet.availabilityZone), mapCustomerOwnedIpOnLaunch: false, ownerId: accountId,
            assignIpv6AddressOnCreation: false, ipv6CidrBlockAssociationSet: [], tags: Self.wireTags(subnet.tags),
            subnetArn: "arn:aws:ec2:\(region):\(accountId):subnet/\(subnet.subnetId)", enableDns64: false,
            ipv6Native: false, subnetId: subnet.subnetId, state: .available, vpcId: subnet.vpcId,
            cidrBlock: subnet.cidrBlock, availableIpAddressCount: Self.availableAddressCount(subnet, state: state),
            availabilityZone: subnet.availabilityZone, defaultForAz: subnet.defaultForAz,
            mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch)
    }

    /// The usable addresses of a subnet that no live instance holds.
    static func availableAddressCount(_ subnet: SubnetRecord, state: EC2State) -> Int {
        let used = state.instances.values.filter { $0.subnetId == subnet.subnetId && $0.state != .terminated }.count
        return max(0, (IPv4CIDR(subnet.cidrBlock)?.usableAddressCount ?? 0) - used)
    }

    public func createSubnet(_ input: EC2.CreateSubnetRequest, context: RequestContext) async throws
        -> EC2.CreateSubnetResult
    {
        guard let text = input.cidrBlock else {
            throw EC2Errors.missingParameter("The request must contain the parameter cidrBlock")
        }
        guard let range = IPv4CIDR(text, strict: true) else {
            throw EC2Errors.invalidParameterValue(
                "Value (\(text)) for parameter cidrBlock is invalid. This is not a valid CIDR block.")
        }
        let zone: String?
        if let name = input.availabilityZone {
            guard zones.contains(name) else {
                throw EC2Errors.invalidParameterValue(
                    "Value (\(name)) for parameter availabilityZone is invalid. Subnets can currently only be created "
                        + "in the following availability zones: \(zones.joined(separator: ", ")).")
            }
            zone = name
        } else if let id = input.availabilityZoneId {
            guard let name = zones.first(where: { zoneId($0) == id }) else {
                throw EC2Errors.invalidParameterValue("Value (\(id)) for parameter availabilityZoneId is invalid.")
            }
            zone = name
        } else {
            zone = nil
        }
        let tags = try Self.tags(input.tagSpecifications, for: .subnet)
        let vpcId = input.vpcId
        let zones = self.zones
        let now = context.now
        let (subnet, state) = try await update { state in
            guard let vpc = state.vpcs[vpcId] else {
                throw EC2Errors.notFound("InvalidVpcID.NotFound", "The vpc ID '\(vpcId)' does not exist")
            }
            guard let vpcRange = IPv4CIDR(vpc.cidrBlock), vpcRange.contains(range),
                (16...28).contains(range.prefixLength)
            else {
                throw EC2Errors.code("InvalidSubnet.Range", "The CIDR '\(text)' is invalid.")
            }
            if state.subnets.values.contains(where: {
                $0.vpcId == vpcId && (IPv4CIDR($0.cidrBlock)?.overlaps(range) ?? false)
            }) {
                throw EC2Errors.code("InvalidSubnet.Conflict", "The CIDR '\(text)' conflicts with another subnet")
            }
            // Without a zone, AWS picks one: the zone with the fewest subnets of the VPC.
            var counts: [String: Int] = [:]
            for subnet in state.subnets.values where subnet.vpcId == vpcId {
                counts[subnet.availabilityZone, default: 0] += 1
            }
            let chosen = zone ?? zones.min { counts[$0, default: 0] < counts[$1, default: 0] } ?? zones[0]
            let subnet = SubnetRecord(
                subnetId: EC2IDs.make("subnet"), vpcId: vpcId, cidrBlock: range.description, availabilityZone: chosen,
                defaultForAz: false, mapPublicIpOnLaunch: false, tags: tags, createdAt: now)
            state.subnets[subnet.subnetId] = subnet
            return (subnet, state)
        }
        var wire = self.wire(subnet, state: state)
        wire.state = .available
        return EC2.CreateSubnetResult(subnet: wire)
    }

    public func describeSubnets(_ input: EC2.DescribeSubnetsRequest, context: RequestContext) async throws
        -> EC2.DescribeSubnetsResult
    {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "availability-zone", "availabilityZone", "availability-zone-id", "availabilityZoneId",
                "available-ip-address-count", "cidr", "cidr-block", "cidrBlock", "default-for-az", "defaultForAz",
                "map-public-ip-on-launch", "owner-id", "state", "subnet-arn", "subnet-id", "vpc-id",
            ])
        let state = try await self.state()
        try Self.requireKnown(
            input.subnetIds, in: Set(state.subnets.keys), code: "InvalidSubnetID.NotFound", noun: "subnet")
        let matching = state.subnets.values.filter { subnet in
            if let ids = input.subnetIds, !ids.contains(subnet.subnetId) { return false }
            return filters.matches(tags: subnet.tags) { name in
                switch name {
                case "availability-zone", "availabilityZone": [subnet.availabilityZone]
                case "availability-zone-id", "availabilityZoneId": [self.zoneId(subnet.availabilityZone)]
                case "available-ip-address-count": [String(Self.availableAddressCount(subnet, state: state))]
                case "cidr", "cidr-block", "cidrBlock": [subnet.cidrBlock]
                case "default-for-az", "defaultForAz": [Self.bool(subnet.defaultForAz)]
                case "map-public-ip-on-launch": [Self.bool(subnet.mapPublicIpOnLaunch)]
                case "owner-id": [self.accountId]
                case "state": ["available"]
                case "subnet-arn": ["arn:aws:ec2:\(self.region):\(self.accountId):subnet/\(subnet.subnetId)"]
                case "subnet-id": [subnet.subnetId]
                case "vpc-id": [subnet.vpcId]
                default: []
                }
            }
        }.sorted { $0.subnetId < $1.subnetId }
        let page = try Self.page(matching, key: \.subnetId, maxResults: input.maxResults, nextToken: input.nextToken)
        return EC2.DescribeSubnetsResult(
            nextToken: page.nextToken, subnets: page.items.map { wire($0, state: state) })
    }

    public func deleteSubnet(_ input: EC2.DeleteSubnetRequest, context: RequestContext) async throws {
        let subnetId = input.subnetId
        try await update { state in
            guard state.subnets[subnetId] != nil else {
                throw EC2Errors.notFound("InvalidSubnetID.NotFound", "The subnet ID '\(subnetId)' does not exist")
            }
            if state.instances.values.contains(where: { $0.subnetId == subnetId && $0.state != .terminated }) {
                throw EC2Errors.dependencyViolation(
                    "The subnet '\(subnetId)' has dependencies and cannot be deleted.")
            }
            state.subnets[subnetId] = nil
        }
    }
}
