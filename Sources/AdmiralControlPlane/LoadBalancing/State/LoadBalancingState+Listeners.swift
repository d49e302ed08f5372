import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingState {
    /// CreateListener: creates the listener and its default rule, or returns the existing
    /// listener on that port when its settings are the same (AWS's idempotence).
    mutating func createListener(
        loadBalancerArn: String, listenerProtocol: ELBv2.ProtocolEnum, port: Int, defaultActions: [ELBv2.Action],
        tags: [ELBv2.Tag], id: String, ruleId: String, names: ELBv2Names, now: Date
    ) throws -> ListenerRecord {
        let balancer = try loadBalancer(arn: loadBalancerArn)
        let actions = try resolve(defaultActions, forLoadBalancer: balancer.id, names: names)
        if let existing = listeners(ofLoadBalancer: balancer.id).first(where: { $0.port == port }) {
            guard existing.listenerProtocol == listenerProtocol, defaultRule(of: existing)?.actions == actions else {
                throw AdmiralError(
                    .duplicateListener,
                    "A listener already exists on port \(port) of load balancer '\(loadBalancerArn)'.")
            }
            return existing
        }
        try checkPortFree(port, on: balancer, except: nil)
        guard listeners(ofLoadBalancer: balancer.id).count < ELBv2Limits.listenersPerLoadBalancer else {
            throw AdmiralError(
                .tooManyListeners,
                "A load balancer can have at most \(ELBv2Limits.listenersPerLoadBalancer) listeners.")
        }
        let record = ListenerRecord(
            id: id, loadBalancerId: balancer.id, port: port, listenerProtocol: listenerProtocol, defaultRuleId: ruleId,
            tags: tags, createdAt: now)
        listeners[id] = record
        rules[ruleId] = ListenerRuleRecord(
            id: ruleId, listenerId: id, priority: nil, conditions: [], actions: actions, tags: [], createdAt: now)
        try checkForwardingLimits(ofLoadBalancer: balancer.id)
        return record
    }

    /// Refuses a port another listener already uses on an address that overlaps this load
    /// balancer's (the same load balancer, or another one sharing its address).
    func checkPortFree(_ port: Int, on balancer: LoadBalancerRecord, except listenerId: String?) throws {
        for other in listeners.values where other.port == port && other.id != listenerId {
            guard let owner = loadBalancers[other.loadBalancerId] else { continue }
            if owner.id == balancer.id {
                throw AdmiralError(
                    .duplicateListener, "A listener already exists on port \(port) of this load balancer.")
            }
            if LoadBalancerAddressing.overlaps(owner.address, balancer.address) {
                throw AdmiralError(
                    .duplicateListener,
                    "Port \(port) on \(balancer.address) is already used by a listener of load balancer "
                        + "'\(owner.name)', which listens on \(owner.address); load balancers that share an address "
                        + "need distinct listener ports.")
            }
        }
    }

    /// ModifyListener: changes the port, the protocol and the default actions.
    mutating func modifyListener(
        arn: String, port: Int?, listenerProtocol: ELBv2.ProtocolEnum?, defaultActions: [ELBv2.Action]?,
        names: ELBv2Names
    ) throws -> ListenerRecord {
        var record = try listener(arn: arn)
        guard let balancer = loadBalancers[record.loadBalancerId] else {
            throw AdmiralError(.listenerNotFound, "Listener '\(arn)' not found.")
        }
        if let port, port != record.port {
            try checkPortFree(port, on: balancer, except: record.id)
            record.port = port
        }
        if let listenerProtocol {
            record.listenerProtocol = listenerProtocol
        }
        if let defaultActions, var rule = defaultRule(of: record) {
            rule.actions = try resolve(defaultActions, forLoadBalancer: balancer.id, names: names)
            rules[rule.id] = rule
        }
        listeners[record.id] = record
        try checkForwardingLimits(ofLoadBalancer: balancer.id)
        return record
    }

    /// DeleteListener: removes the listener and its rules.
    mutating func deleteListener(arn: String) throws {
        let record = try listener(arn: arn)
        removeListener(record.id)
    }

    mutating func removeListener(_ id: String) {
        for rule in rules.values where rule.listenerId == id {
            rules[rule.id] = nil
        }
        listeners[id] = nil
    }
}
