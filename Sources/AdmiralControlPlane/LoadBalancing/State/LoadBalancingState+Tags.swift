import AdmiralModel
import AdmiralStore

extension LoadBalancingState {
    /// The tags of the resource an ARN names (load balancer, target group, listener or
    /// rule), or the not-found error of its kind.
    func tags(of arn: String) throws -> [ELBv2.Tag] {
        switch try Self.taggable(arn) {
        case .loadBalancer: try loadBalancer(arn: arn).tags
        case .targetGroup: try targetGroup(arn: arn).tags
        case .listener: try listener(arn: arn).tags
        case .rule: try rule(arn: arn).tags
        }
    }

    /// Adds and removes tags on every resource named; all or none change.
    mutating func updateTags(of arns: [String], adding add: [ELBv2.Tag], removing keys: [String]) throws {
        for arn in arns {
            switch try Self.taggable(arn) {
            case .loadBalancer:
                var record = try loadBalancer(arn: arn)
                record.tags = try ELBv2TagRules.apply(record.tags, adding: add, removing: keys, resource: arn)
                loadBalancers[record.id] = record
            case .targetGroup:
                var record = try targetGroup(arn: arn)
                record.tags = try ELBv2TagRules.apply(record.tags, adding: add, removing: keys, resource: arn)
                targetGroups[record.id] = record
            case .listener:
                var record = try listener(arn: arn)
                record.tags = try ELBv2TagRules.apply(record.tags, adding: add, removing: keys, resource: arn)
                listeners[record.id] = record
            case .rule:
                var record = try rule(arn: arn)
                record.tags = try ELBv2TagRules.apply(record.tags, adding: add, removing: keys, resource: arn)
                rules[record.id] = record
            }
        }
    }

    static func taggable(_ arn: String) throws -> ELBv2Resource.Kind {
        guard let resource = ELBv2Resource(arn: arn) else {
            throw AdmiralError.validation(
                "'\(arn)' is not the ARN of a load balancer, target group, listener or rule of an application load "
                    + "balancer.")
        }
        return resource.kind
    }
}
