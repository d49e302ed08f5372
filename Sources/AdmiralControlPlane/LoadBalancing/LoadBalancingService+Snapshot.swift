import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingService {
    /// The whole configuration for the data plane, with ARNs in `region`.
    public func snapshot(region: String, accountId: String) async throws -> LoadBalancingSnapshot {
        let state = try await store.loadBalancingState()
        return Self.snapshot(of: state, names: ELBv2Names(region: region, accountId: accountId))
    }

    /// The snapshot of a state.
    static func snapshot(of state: LoadBalancingState, names: ELBv2Names) -> LoadBalancingSnapshot {
        let renderer = LoadBalancingRenderer(names: names, state: state)
        let balancers = state.loadBalancers.values.sorted { $0.name < $1.name }.map { record in
            let attributes = LoadBalancerAttributeRules.full(record.attributes, scheme: record.scheme)
            return LoadBalancingSnapshot.LoadBalancer(
                arn: renderer.loadBalancerARN(record), name: record.name, id: record.id, address: record.address,
                scheme: record.scheme,
                attributes: Dictionary(
                    uniqueKeysWithValues: attributes.compactMap { attribute in
                        attribute.key.map { ($0, attribute.value ?? "") }
                    }),
                listeners: state.listeners(ofLoadBalancer: record.id).map { listener in
                    LoadBalancingSnapshot.Listener(
                        arn: renderer.listenerARN(listener), id: listener.id, port: listener.port,
                        listenerProtocol: listener.listenerProtocol,
                        rules: state.rules(ofListener: listener.id).map { rule in
                            LoadBalancingSnapshot.Rule(
                                arn: renderer.ruleARN(rule), id: rule.id, priority: rule.priority,
                                conditions: rule.conditions, actions: renderer.actions(rule.actions))
                        })
                })
        }
        let groups = state.targetGroups.values.sorted { $0.name < $1.name }.map { record in
            LoadBalancingSnapshot.TargetGroup(
                arn: renderer.targetGroupARN(record), name: record.name, id: record.id, port: record.settings.port,
                targetType: record.settings.targetType, healthCheck: record.settings.healthCheck,
                attributes: TargetGroupAttributeRules.values(record.attributes),
                loadBalancerArns: state.loadBalancerIds(usingTargetGroup: record.id).sorted().compactMap {
                    state.loadBalancers[$0].map(renderer.loadBalancerARN)
                },
                targets: state.targets(ofTargetGroup: record.id).map {
                    LoadBalancingSnapshot.Target(
                        id: $0.key.id, port: $0.key.port, availabilityZone: $0.availabilityZone,
                        registeredAt: $0.registeredAt)
                })
        }
        return LoadBalancingSnapshot(version: state.version, loadBalancers: balancers, targetGroups: groups)
    }
}
