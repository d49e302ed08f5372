import AdmiralModel
import AdmiralStore

/// Finding records by ARN and the relations between them. A resource is found when its
/// id exists and the names in its ARN are the record's; region and account are not
/// compared (ARNs are rendered with each request's region).
extension LoadBalancingState {
    /// The load balancer an ARN names, or `LoadBalancerNotFound` (`ValidationError` for a malformed ARN).
    func loadBalancer(arn: String) throws -> LoadBalancerRecord {
        guard case .loadBalancer(let name, let id) = try ELBv2Resource.parse(arn, as: .loadBalancer),
            let record = loadBalancers[id], record.name == name
        else {
            throw AdmiralError(.loadBalancerNotFound, "Load balancer '\(arn)' not found.")
        }
        return record
    }

    /// The target group an ARN names, or `TargetGroupNotFound`.
    func targetGroup(arn: String) throws -> TargetGroupRecord {
        guard case .targetGroup(let name, let id) = try ELBv2Resource.parse(arn, as: .targetGroup),
            let record = targetGroups[id], record.name == name
        else {
            throw AdmiralError(.targetGroupNotFound, "Target group '\(arn)' not found.")
        }
        return record
    }

    /// The listener an ARN names, or `ListenerNotFound`.
    func listener(arn: String) throws -> ListenerRecord {
        guard case .listener(let balancerName, let balancerId, let id) = try ELBv2Resource.parse(arn, as: .listener),
            let record = listeners[id], record.loadBalancerId == balancerId,
            loadBalancers[balancerId]?.name == balancerName
        else {
            throw AdmiralError(.listenerNotFound, "Listener '\(arn)' not found.")
        }
        return record
    }

    /// The rule an ARN names, or `RuleNotFound`.
    func rule(arn: String) throws -> ListenerRuleRecord {
        guard
            case .rule(let balancerName, let balancerId, let listenerId, let id) = try ELBv2Resource.parse(
                arn, as: .rule),
            let record = rules[id], record.listenerId == listenerId,
            listeners[listenerId]?.loadBalancerId == balancerId,
            loadBalancers[balancerId]?.name == balancerName
        else {
            throw AdmiralError(.ruleNotFound, "Rule '\(arn)' not found.")
        }
        return record
    }

    /// The load balancer of that name.
    func loadBalancer(named name: String) -> LoadBalancerRecord? {
        loadBalancers.values.first { $0.name == name }
    }

    /// The target group of that name.
    func targetGroup(named name: String) -> TargetGroupRecord? {
        targetGroups.values.first { $0.name == name }
    }

    /// The listeners of a load balancer by port.
    func listeners(ofLoadBalancer id: String) -> [ListenerRecord] {
        listeners.values.filter { $0.loadBalancerId == id }.sorted { ($0.port, $0.id) < ($1.port, $1.id) }
    }

    /// The rules of a listener in evaluation order: by priority, the default rule last.
    func rules(ofListener id: String) -> [ListenerRuleRecord] {
        rules.values.filter { $0.listenerId == id }.sorted(by: Self.evaluationOrder)
    }

    static func evaluationOrder(_ first: ListenerRuleRecord, _ second: ListenerRuleRecord) -> Bool {
        (first.priority ?? Int.max, first.id) < (second.priority ?? Int.max, second.id)
    }

    /// The default rule of a listener.
    func defaultRule(of listener: ListenerRecord) -> ListenerRuleRecord? {
        rules[listener.defaultRuleId]
    }

    /// The load balancer a rule belongs to.
    func loadBalancerId(ofRule rule: ListenerRuleRecord) -> String? {
        listeners[rule.listenerId]?.loadBalancerId
    }

    /// The ids of the target groups the rules of a load balancer forward to.
    func targetGroupIds(usedByLoadBalancer id: String) -> Set<String> {
        var result = Set<String>()
        for rule in rules.values where listeners[rule.listenerId]?.loadBalancerId == id {
            for resource in ActionRules.targetGroups(of: rule.actions) { result.insert(resource.id) }
        }
        return result
    }

    /// The ids of the load balancers whose rules forward to a target group (at most one).
    func loadBalancerIds(usingTargetGroup id: String) -> Set<String> {
        var result = Set<String>()
        for rule in rules.values where ActionRules.targetGroups(of: rule.actions).contains(where: { $0.id == id }) {
            if let balancer = loadBalancerId(ofRule: rule) { result.insert(balancer) }
        }
        return result
    }

    /// Whether a listener's default actions or rules forward to the target group.
    func isInUse(targetGroup id: String) -> Bool {
        rules.values.contains { ActionRules.targetGroups(of: $0.actions).contains { $0.id == id } }
    }

    /// The registered targets of a target group, ordered by id and port.
    func targets(ofTargetGroup id: String) -> [TargetRecord] {
        targets.values.filter { $0.key.targetGroupId == id }.sorted { $0.key < $1.key }
    }

    /// The number of targets registered in a set of target groups.
    func targetCount(inTargetGroups ids: Set<String>) -> Int {
        targets.keys.count(where: { ids.contains($0.targetGroupId) })
    }

    /// The rules that are not default rules on a load balancer's listeners.
    func ruleCount(ofLoadBalancer id: String) -> Int {
        rules.values.count(where: { !$0.isDefault && listeners[$0.listenerId]?.loadBalancerId == id })
    }
}
