import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingService {
    /// CreateTargetGroup: an HTTP target group of target type `instance` or `ip`.
    public func createTargetGroup(_ input: ELBv2.CreateTargetGroupInput, context: RequestContext) async throws
        -> ELBv2.CreateTargetGroupOutput
    {
        try Self.checkConstraints(input)
        let settings = try TargetGroupRules.settings(for: input, defaultVpcId: vpcId)
        let tags = try Self.checkTags(input.tags)
        let (id, name, now) = (ids.next(), input.name, context.now)
        let (record, state) = try await mutate { state in
            try state.createTargetGroup(name: name, settings: settings, tags: tags, id: id, now: now)
        }
        let renderer = LoadBalancingRenderer(names: Self.names(context), state: state)
        return ELBv2.CreateTargetGroupOutput(targetGroups: [renderer.targetGroup(record)])
    }

    /// DescribeTargetGroups: all, those named by ARN or name, or those a load balancer
    /// forwards to; ordered by name, in pages.
    public func describeTargetGroups(_ input: ELBv2.DescribeTargetGroupsInput, context: RequestContext) async throws
        -> ELBv2.DescribeTargetGroupsOutput
    {
        try Self.checkConstraints(input)
        try Self.checkCount(input.targetGroupArns, "target group ARNs")
        try Self.checkCount(input.names, "target group names")
        let filters = [
            input.loadBalancerArn != nil, input.targetGroupArns?.isEmpty == false, input.names?.isEmpty == false,
        ]
        if filters.count(where: { $0 }) > 1 {
            throw AdmiralError.validation(
                "Give only one of LoadBalancerArn, TargetGroupArns and Names to describe target groups.")
        }
        let state = try await store.loadBalancingState()
        var records: [TargetGroupRecord]
        if let arn = input.loadBalancerArn {
            let balancer = try state.loadBalancer(arn: arn)
            records = state.targetGroupIds(usedByLoadBalancer: balancer.id).compactMap { state.targetGroups[$0] }
        } else if let arns = input.targetGroupArns, !arns.isEmpty {
            records = try arns.map { try state.targetGroup(arn: $0) }
        } else if let names = input.names, !names.isEmpty {
            records = try names.map { name in
                guard let record = state.targetGroup(named: name) else {
                    throw AdmiralError(.targetGroupNotFound, "Target group '\(name)' not found.")
                }
                return record
            }
        } else {
            records = Array(state.targetGroups.values)
        }
        records = Array(Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }).values)
            .sorted { $0.name < $1.name }
        let page = try ELBv2Paging.page(
            records, key: { [$0.name] }, marker: input.marker, pageSize: input.pageSize, list: "target-groups")
        let renderer = LoadBalancingRenderer(names: Self.names(context), state: state)
        return ELBv2.DescribeTargetGroupsOutput(
            targetGroups: page.items.map(renderer.targetGroup), nextMarker: page.nextMarker)
    }

    /// ModifyTargetGroup: changes the health check.
    public func modifyTargetGroup(_ input: ELBv2.ModifyTargetGroupInput, context: RequestContext) async throws
        -> ELBv2.ModifyTargetGroupOutput
    {
        try Self.checkConstraints(input)
        let (arn, changes) = (input.targetGroupArn, TargetGroupRules.healthCheckChanges(of: input))
        let (record, state) = try await mutate { state in try state.modifyTargetGroup(arn: arn, changes) }
        let renderer = LoadBalancingRenderer(names: Self.names(context), state: state)
        return ELBv2.ModifyTargetGroupOutput(targetGroups: [renderer.targetGroup(record)])
    }

    /// DeleteTargetGroup: refused while a listener or rule forwards to it; succeeds for one
    /// that does not exist.
    public func deleteTargetGroup(_ input: ELBv2.DeleteTargetGroupInput, context: RequestContext) async throws
        -> ELBv2.DeleteTargetGroupOutput
    {
        let arn = input.targetGroupArn
        _ = try await mutate { state in try state.deleteTargetGroup(arn: arn) }
        return ELBv2.DeleteTargetGroupOutput()
    }

    /// DescribeTargetGroupAttributes: every attribute, defaults filled in.
    public func describeTargetGroupAttributes(
        _ input: ELBv2.DescribeTargetGroupAttributesInput, context: RequestContext
    ) async throws -> ELBv2.DescribeTargetGroupAttributesOutput {
        let record = try await store.loadBalancingState().targetGroup(arn: input.targetGroupArn)
        return ELBv2.DescribeTargetGroupAttributesOutput(attributes: TargetGroupAttributeRules.full(record.attributes))
    }

    /// ModifyTargetGroupAttributes: returns every attribute after the change.
    public func modifyTargetGroupAttributes(
        _ input: ELBv2.ModifyTargetGroupAttributesInput, context: RequestContext
    ) async throws -> ELBv2.ModifyTargetGroupAttributesOutput {
        try Self.checkConstraints(input)
        let (arn, changes) = (input.targetGroupArn, input.attributes)
        let (record, _) = try await mutate { state in try state.modifyTargetGroupAttributes(arn: arn, changes) }
        return ELBv2.ModifyTargetGroupAttributesOutput(attributes: TargetGroupAttributeRules.full(record.attributes))
    }
}
