import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingService {
    /// CreateLoadBalancer: an application load balancer on its own address. The answer
    /// says `provisioning`; from the next read on it is `active` (the data plane applies
    /// each committed configuration at once).
    public func createLoadBalancer(_ input: ELBv2.CreateLoadBalancerInput, context: RequestContext) async throws
        -> ELBv2.CreateLoadBalancerOutput
    {
        try Self.checkConstraints(input)
        let request = try LoadBalancerRules.request(for: input)
        let tags = try Self.checkTags(input.tags)
        let id = ids.next()
        let placement = try await network?.resolve(
            subnetIds: request.subnetIds, securityGroups: request.securityGroups, vpcId: nil)
        let knownZones = placement?.zones ?? [:]
        let (addressing, region, now) = (self.addressing, context.names.region, context.now)
        let vpcId = placement?.vpcId ?? self.vpcId
        let (record, state) = try await mutate { state in
            try state.createLoadBalancer(
                request, tags: tags, id: id, addressing: addressing, vpcId: vpcId, region: region, now: now,
                knownZones: knownZones)
        }
        let renderer = LoadBalancingRenderer(names: Self.names(context), state: state)
        let created = record.id == id
        return ELBv2.CreateLoadBalancerOutput(
            loadBalancers: [renderer.loadBalancer(record, state: created ? .provisioning : .active)])
    }

    /// DescribeLoadBalancers: all, or those named by ARN or name (every one must exist),
    /// ordered by name, in pages.
    public func describeLoadBalancers(_ input: ELBv2.DescribeLoadBalancersInput, context: RequestContext)
        async throws -> ELBv2.DescribeLoadBalancersOutput
    {
        try Self.checkConstraints(input)
        try Self.checkCount(input.loadBalancerArns, "load balancer ARNs")
        try Self.checkCount(input.names, "load balancer names")
        if input.loadBalancerArns?.isEmpty == false, input.names?.isEmpty == false {
            throw AdmiralError.validation(
                "Load balancer names and load balancer ARNs cannot be specified at the same time.")
        }
        let state = try await store.loadBalancingState()
        var records: [LoadBalancerRecord]
        if let arns = input.loadBalancerArns, !arns.isEmpty {
            records = try arns.map { try state.loadBalancer(arn: $0) }
        } else if let names = input.names, !names.isEmpty {
            records = try names.map { name in
                guard let record = state.loadBalancer(named: name) else {
                    throw AdmiralError(.loadBalancerNotFound, "Load balancer '\(name)' not found.")
                }
                return record
            }
        } else {
            records = Array(state.loadBalancers.values)
        }
        records = Array(Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }).values)
            .sorted { $0.name < $1.name }
        let page = try ELBv2Paging.page(
            records, key: { [$0.name] }, marker: input.marker, pageSize: input.pageSize, list: "load-balancers")
        let renderer = LoadBalancingRenderer(names: Self.names(context), state: state)
        return ELBv2.DescribeLoadBalancersOutput(
            loadBalancers: page.items.map { renderer.loadBalancer($0) }, nextMarker: page.nextMarker)
    }

    /// DeleteLoadBalancer: with its listeners and rules; succeeds for one that does not
    /// exist; refused while deletion protection is on.
    public func deleteLoadBalancer(_ input: ELBv2.DeleteLoadBalancerInput, context: RequestContext) async throws
        -> ELBv2.DeleteLoadBalancerOutput
    {
        let arn = input.loadBalancerArn
        _ = try await mutate { state in try state.deleteLoadBalancer(arn: arn) }
        return ELBv2.DeleteLoadBalancerOutput()
    }

    /// DescribeLoadBalancerAttributes: every attribute, defaults filled in.
    public func describeLoadBalancerAttributes(
        _ input: ELBv2.DescribeLoadBalancerAttributesInput, context: RequestContext
    ) async throws -> ELBv2.DescribeLoadBalancerAttributesOutput {
        let record = try await store.loadBalancingState().loadBalancer(arn: input.loadBalancerArn)
        return ELBv2.DescribeLoadBalancerAttributesOutput(
            attributes: LoadBalancerAttributeRules.full(record.attributes, scheme: record.scheme))
    }

    /// ModifyLoadBalancerAttributes: returns every attribute after the change.
    public func modifyLoadBalancerAttributes(
        _ input: ELBv2.ModifyLoadBalancerAttributesInput, context: RequestContext
    ) async throws -> ELBv2.ModifyLoadBalancerAttributesOutput {
        try Self.checkConstraints(input)
        let (arn, changes) = (input.loadBalancerArn, input.attributes)
        let (record, _) = try await mutate { state in try state.modifyLoadBalancerAttributes(arn: arn, changes) }
        return ELBv2.ModifyLoadBalancerAttributesOutput(
            attributes: LoadBalancerAttributeRules.full(record.attributes, scheme: record.scheme))
    }

    /// SetSecurityGroups: replaces the load balancer's security groups (stored, not enforced).
    public func setSecurityGroups(_ input: ELBv2.SetSecurityGroupsInput, context: RequestContext) async throws
        -> ELBv2.SetSecurityGroupsOutput
    {
        if input.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic != nil {
            throw AdmiralError.invalidConfiguration(
                "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic applies to network load balancers.")
        }
        for group in input.securityGroups where group.isEmpty {
            throw AdmiralError(.invalidSecurityGroup, "A security group id cannot be empty.")
        }
        let (arn, groups) = (input.loadBalancerArn, input.securityGroups)
        if let network {
            let current = try await store.loadBalancingState().loadBalancer(arn: arn)
            _ = try await network.resolve(subnetIds: [], securityGroups: groups, vpcId: current.vpcId)
        }
        let (record, _) = try await mutate { state in try state.setSecurityGroups(arn: arn, groups) }
        return ELBv2.SetSecurityGroupsOutput(securityGroupIds: record.securityGroups)
    }

    /// SetSubnets: replaces the load balancer's subnets (at least two zones).
    public func setSubnets(_ input: ELBv2.SetSubnetsInput, context: RequestContext) async throws
        -> ELBv2.SetSubnetsOutput
    {
        let request = try LoadBalancerRules.request(
            for: ELBv2.CreateLoadBalancerInput(
                name: "subnets", subnets: input.subnets, subnetMappings: input.subnetMappings,
                ipAddressType: input.ipAddressType, enablePrefixForIpv6SourceNat: input.enablePrefixForIpv6SourceNat))
        let (arn, region) = (input.loadBalancerArn, context.names.region)
        let placement = try await network?.resolve(subnetIds: request.subnetIds, securityGroups: [], vpcId: nil)
        let (knownZones, vpcId) = (placement?.zones ?? [:], placement?.vpcId)
        let (record, _) = try await mutate { state in
            try state.setSubnets(arn: arn, request.subnetIds, region: region, knownZones: knownZones, vpcId: vpcId)
        }
        return ELBv2.SetSubnetsOutput(
            availabilityZones: record.zones.map {
                ELBv2.AvailabilityZone(zoneName: $0.zoneName, subnetId: $0.subnetId)
            },
            ipAddressType: record.ipAddressType)
    }

    /// SetIpAddressType: only `ipv4` is available.
    public func setIpAddressType(_ input: ELBv2.SetIpAddressTypeInput, context: RequestContext) async throws
        -> ELBv2.SetIpAddressTypeOutput
    {
        let record = try await store.loadBalancingState().loadBalancer(arn: input.loadBalancerArn)
        guard input.ipAddressType == .ipv4 else {
            throw AdmiralError.invalidConfiguration(
                "Admiral's load balancers are IPv4 only; '\(input.ipAddressType.rawValue)' is not available.")
        }
        return ELBv2.SetIpAddressTypeOutput(ipAddressType: record.ipAddressType)
    }

    /// DescribeAccountLimits: the quotas Admiral enforces.
    public func describeAccountLimits(_ input: ELBv2.DescribeAccountLimitsInput, context: RequestContext)
        async throws -> ELBv2.DescribeAccountLimitsOutput
    {
        try Self.checkConstraints(input)
        let page = try ELBv2Paging.page(
            ELBv2Limits.accountLimits, key: { [$0.name] }, marker: input.marker, pageSize: input.pageSize,
            list: "account-limits")
        return ELBv2.DescribeAccountLimitsOutput(
            limits: page.items.map { ELBv2.Limit(name: $0.name, max: String($0.max)) }, nextMarker: page.nextMarker)
    }
}
