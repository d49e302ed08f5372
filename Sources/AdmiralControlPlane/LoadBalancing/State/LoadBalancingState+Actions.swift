import AdmiralModel
import AdmiralStore

extension LoadBalancingState {
    /// Normalized actions with their target groups resolved for a load balancer: each must
    /// exist (`TargetGroupNotFound`) and be used by no other load balancer
    /// (`TargetGroupAssociationLimit`); ARNs are rewritten in canonical form.
    func resolve(_ actions: [ELBv2.Action], forLoadBalancer balancerId: String, names: ELBv2Names) throws
        -> [ELBv2.Action]
    {
        var result = actions
        for actionIndex in result.indices {
            guard var config = result[actionIndex].forwardConfig, var groups = config.targetGroups else { continue }
            for index in groups.indices {
                let arn = groups[index].targetGroupArn ?? ""
                let group = try targetGroup(arn: arn)
                let others = loadBalancerIds(usingTargetGroup: group.id).subtracting([balancerId])
                if !others.isEmpty {
                    throw AdmiralError(
                        .targetGroupAssociationLimit,
                        "The following target groups cannot be associated with more than one load balancer: '\(arn)'.")
                }
                groups[index].targetGroupArn = names.targetGroupARN(name: group.name, id: group.id)
            }
            config.targetGroups = groups
            result[actionIndex].forwardConfig = config
            if groups.count == 1 {
                result[actionIndex].targetGroupArn = groups[0].targetGroupArn
            }
        }
        return result
    }

    /// Checks the quotas that forwarding adds up on a load balancer: distinct target
    /// groups and targets over them.
    func checkForwardingLimits(ofLoadBalancer balancerId: String) throws {
        let groups = targetGroupIds(usedByLoadBalancer: balancerId)
        guard groups.count <= ELBv2Limits.targetGroupsPerLoadBalancer else {
            throw AdmiralError(
                .tooManyUniqueTargetGroupsPerLoadBalancer,
                "A load balancer can forward to at most \(ELBv2Limits.targetGroupsPerLoadBalancer) target groups.")
        }
        let count = targetCount(inTargetGroups: groups)
        guard count <= ELBv2Limits.targetsPerLoadBalancer else {
            throw AdmiralError(
                .tooManyTargets,
                "A load balancer can have at most \(ELBv2Limits.targetsPerLoadBalancer) targets over its target "
                    + "groups; this change would give it \(count).")
        }
    }
}
