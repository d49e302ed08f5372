import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingState {
    /// CreateRule: adds a rule at a priority no other rule of the listener has.
    mutating func createRule(
        listenerArn: String, priority: Int, conditions: [ELBv2.RuleCondition], actions: [ELBv2.Action],
        tags: [ELBv2.Tag], id: String, names: ELBv2Names, now: Date
    ) throws -> ListenerRuleRecord {
        let listener = try listener(arn: listenerArn)
        try checkPriorityFree(priority, listenerId: listener.id, except: [])
        guard ruleCount(ofLoadBalancer: listener.loadBalancerId) < ELBv2Limits.rulesPerLoadBalancer else {
            throw AdmiralError(
                .tooManyRules,
                "A load balancer can have at most \(ELBv2Limits.rulesPerLoadBalancer) rules besides its default "
                    + "rules; delete rules first.")
        }
        let resolved = try resolve(actions, forLoadBalancer: listener.loadBalancerId, names: names)
        let record = ListenerRuleRecord(
            id: id, listenerId: listener.id, priority: priority, conditions: conditions, actions: resolved, tags: tags,
            createdAt: now)
        rules[id] = record
        try checkForwardingLimits(ofLoadBalancer: listener.loadBalancerId)
        return record
    }

    func checkPriorityFree(_ priority: Int, listenerId: String, except ruleIds: Set<String>) throws {
        if rules.values.contains(where: {
            $0.listenerId == listenerId && $0.priority == priority && !ruleIds.contains($0.id)
        }) {
            throw AdmiralError(.priorityInUse, "Priority '\(priority)' is currently in use on this listener.")
        }
    }

    /// ModifyRule: replaces the conditions and/or the actions. A default rule's conditions
    /// cannot be changed (its actions are its listener's default actions).
    mutating func modifyRule(
        arn: String, conditions: [ELBv2.RuleCondition]?, actions: [ELBv2.Action]?, names: ELBv2Names
    ) throws -> ListenerRuleRecord {
        var record = try rule(arn: arn)
        guard let balancerId = loadBalancerId(ofRule: record) else {
            throw AdmiralError(.ruleNotFound, "Rule '\(arn)' not found.")
        }
        if let conditions {
            guard !record.isDefault else {
                throw AdmiralError(
                    .operationNotPermitted,
                    "The conditions of a default rule cannot be modified; it matches every request.")
            }
            record.conditions = conditions
        }
        if let actions {
            record.actions = try resolve(actions, forLoadBalancer: balancerId, names: names)
        }
        rules[record.id] = record
        try checkForwardingLimits(ofLoadBalancer: balancerId)
        return record
    }

    /// SetRulePriorities: gives every named rule its new priority at once; the result
    /// must leave no two rules of a listener with the same priority.
    mutating func setRulePriorities(_ pairs: [(arn: String, priority: Int)]) throws -> [ListenerRuleRecord] {
        var changed: [ListenerRuleRecord] = []
        var seen = Set<String>()
        for pair in pairs {
            var record = try rule(arn: pair.arn)
            guard seen.insert(record.id).inserted else {
                throw AdmiralError.validation("Rule '\(pair.arn)' is given more than once.")
            }
            guard !record.isDefault else {
                throw AdmiralError(.operationNotPermitted, "The priority of a default rule cannot be changed.")
            }
            record.priority = pair.priority
            changed.append(record)
        }
        for record in changed {
            if changed.contains(where: {
                $0.id != record.id && $0.listenerId == record.listenerId && $0.priority == record.priority
            }) {
                throw AdmiralError(
                    .priorityInUse, "Priority '\(record.priority ?? 0)' is given to more than one rule of a listener.")
            }
            try checkPriorityFree(record.priority ?? 0, listenerId: record.listenerId, except: seen)
        }
        for record in changed { rules[record.id] = record }
        return changed
    }

    /// DeleteRule: removes a rule other than a default rule.
    mutating func deleteRule(arn: String) throws {
        let record = try rule(arn: arn)
        guard !record.isDefault else {
            throw AdmiralError(
                .operationNotPermitted,
                "A default rule cannot be deleted; delete its listener, or change its actions with ModifyListener.")
        }
        rules[record.id] = nil
    }
}
