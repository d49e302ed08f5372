import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingService {
    /// CreateRule: conditions and one action at a free priority of the listener.
    public func createRule(_ input: ELBv2.CreateRuleInput, context: RequestContext) async throws
        -> ELBv2.CreateRuleOutput
    {
        try Self.checkConstraints(input)
        if input.transforms?.isEmpty == false {
            throw AdmiralError.invalidConfiguration(
                "Rule transforms (host header and URL rewrites) are not supported by Admiral's load balancer.")
        }
        let conditions = try RuleConditionRules.normalize(input.conditions)
        let actions = try ActionRules.normalize(input.actions)
        let tags = try Self.checkTags(input.tags)
        let (id, names, now) = (ids.next(), Self.names(context), context.now)
        let (arn, priority) = (input.listenerArn, input.priority)
        let (record, state) = try await mutate { state in
            try state.createRule(
                listenerArn: arn, priority: priority, conditions: conditions, actions: actions, tags: tags, id: id,
                names: names, now: now)
        }
        return ELBv2.CreateRuleOutput(rules: [LoadBalancingRenderer(names: names, state: state).rule(record)])
    }

    /// DescribeRules: the rules of a listener (its default rule last) or those named by
    /// ARN, in pages.
    public func describeRules(_ input: ELBv2.DescribeRulesInput, context: RequestContext) async throws
        -> ELBv2.DescribeRulesOutput
    {
        try Self.checkConstraints(input)
        let byArn = input.ruleArns?.isEmpty == false
        if byArn == (input.listenerArn != nil) {
            throw AdmiralError.validation("Specify either a listener ARN or rule ARNs, not both and not neither.")
        }
        let state = try await store.loadBalancingState()
        var records: [ListenerRuleRecord]
        if let arn = input.listenerArn {
            records = state.rules(ofListener: try state.listener(arn: arn).id)
        } else {
            records = try (input.ruleArns ?? []).map { try state.rule(arn: $0) }
        }
        let key = { (record: ListenerRuleRecord) in
            [record.listenerId, ELBv2Paging.sortable(record.priority ?? 99_999_999), record.id]
        }
        records = Array(Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }).values)
            .sorted { key($0).lexicographicallyPrecedes(key($1)) }
        let page = try ELBv2Paging.page(
            records, key: key, marker: input.marker, pageSize: input.pageSize, list: "rules")
        let renderer = LoadBalancingRenderer(names: Self.names(context), state: state)
        return ELBv2.DescribeRulesOutput(rules: page.items.map(renderer.rule), nextMarker: page.nextMarker)
    }

    /// ModifyRule: replaces conditions and/or actions (a default rule's actions only).
    public func modifyRule(_ input: ELBv2.ModifyRuleInput, context: RequestContext) async throws
        -> ELBv2.ModifyRuleOutput
    {
        try Self.checkConstraints(input)
        if input.transforms?.isEmpty == false {
            throw AdmiralError.invalidConfiguration(
                "Rule transforms (host header and URL rewrites) are not supported by Admiral's load balancer.")
        }
        let conditions = try input.conditions.map(RuleConditionRules.normalize)
        let actions = try input.actions.map(ActionRules.normalize)
        let (arn, names) = (input.ruleArn, Self.names(context))
        let (record, state) = try await mutate { state in
            try state.modifyRule(arn: arn, conditions: conditions, actions: actions, names: names)
        }
        return ELBv2.ModifyRuleOutput(rules: [LoadBalancingRenderer(names: names, state: state).rule(record)])
    }

    /// SetRulePriorities: all the new priorities at once, or none.
    public func setRulePriorities(_ input: ELBv2.SetRulePrioritiesInput, context: RequestContext) async throws
        -> ELBv2.SetRulePrioritiesOutput
    {
        try Self.checkConstraints(input)
        guard !input.rulePriorities.isEmpty else {
            throw AdmiralError.validation("At least one rule priority must be specified.")
        }
        let pairs = try input.rulePriorities.map { pair -> (arn: String, priority: Int) in
            guard let arn = pair.ruleArn, let priority = pair.priority else {
                throw AdmiralError.validation("Each rule priority pair needs a RuleArn and a Priority.")
            }
            return (arn, priority)
        }
        let names = Self.names(context)
        let (records, state) = try await mutate { state in try state.setRulePriorities(pairs) }
        let renderer = LoadBalancingRenderer(names: names, state: state)
        return ELBv2.SetRulePrioritiesOutput(rules: records.map(renderer.rule))
    }

    /// DeleteRule: any rule but a default rule.
    public func deleteRule(_ input: ELBv2.DeleteRuleInput, context: RequestContext) async throws
        -> ELBv2.DeleteRuleOutput
    {
        let arn = input.ruleArn
        _ = try await mutate { state in try state.deleteRule(arn: arn) }
        return ELBv2.DeleteRuleOutput()
    }
}
