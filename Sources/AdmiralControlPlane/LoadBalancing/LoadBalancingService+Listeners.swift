import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingService {
    /// CreateListener: an HTTP listener and its default rule.
    public func createListener(_ input: ELBv2.CreateListenerInput, context: RequestContext) async throws
        -> ELBv2.CreateListenerOutput
    {
        try Self.checkConstraints(input)
        try ListenerRules.validate(
            protocol: input.protocol, port: input.port, certificates: input.certificates, sslPolicy: input.sslPolicy,
            alpnPolicy: input.alpnPolicy, mutualAuthentication: input.mutualAuthentication)
        guard let listenerProtocol = input.protocol else {
            throw AdmiralError.validation("A listener protocol must be specified (HTTP).")
        }
        guard let port = input.port else {
            throw AdmiralError.validation("A listener port must be specified for application load balancers.")
        }
        let actions = try ActionRules.normalize(input.defaultActions)
        let tags = try Self.checkTags(input.tags)
        let (id, ruleId, names, now, arn) = (
            ids.next(), ids.next(), Self.names(context), context.now, input.loadBalancerArn
        )
        let (record, state) = try await mutate { state in
            try state.createListener(
                loadBalancerArn: arn, listenerProtocol: listenerProtocol, port: port, defaultActions: actions,
                tags: tags, id: id, ruleId: ruleId, names: names, now: now)
        }
        return ELBv2.CreateListenerOutput(listeners: [
            LoadBalancingRenderer(names: names, state: state).listener(record)
        ])
    }

    /// DescribeListeners: the listeners of a load balancer or those named by ARN, by load
    /// balancer and port, in pages.
    public func describeListeners(_ input: ELBv2.DescribeListenersInput, context: RequestContext) async throws
        -> ELBv2.DescribeListenersOutput
    {
        try Self.checkConstraints(input)
        try Self.checkCount(input.listenerArns, "listener ARNs")
        let byArn = input.listenerArns?.isEmpty == false
        if byArn == (input.loadBalancerArn != nil) {
            throw AdmiralError.validation(
                "Specify either a load balancer ARN or listener ARNs, not both and not neither.")
        }
        let state = try await store.loadBalancingState()
        var records: [ListenerRecord]
        if let arn = input.loadBalancerArn {
            records = state.listeners(ofLoadBalancer: try state.loadBalancer(arn: arn).id)
        } else {
            records = try (input.listenerArns ?? []).map { try state.listener(arn: $0) }
        }
        let key = { (record: ListenerRecord) in
            [state.loadBalancers[record.loadBalancerId]?.name ?? "", ELBv2Paging.sortable(record.port), record.id]
        }
        records = Array(Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }).values)
            .sorted { key($0).lexicographicallyPrecedes(key($1)) }
        let page = try ELBv2Paging.page(
            records, key: key, marker: input.marker, pageSize: input.pageSize, list: "listeners")
        let renderer = LoadBalancingRenderer(names: Self.names(context), state: state)
        return ELBv2.DescribeListenersOutput(listeners: page.items.map(renderer.listener), nextMarker: page.nextMarker)
    }

    /// ModifyListener: port, protocol (HTTP) and default actions.
    public func modifyListener(_ input: ELBv2.ModifyListenerInput, context: RequestContext) async throws
        -> ELBv2.ModifyListenerOutput
    {
        try Self.checkConstraints(input)
        try ListenerRules.validate(
            protocol: input.protocol, port: input.port, certificates: input.certificates, sslPolicy: input.sslPolicy,
            alpnPolicy: input.alpnPolicy, mutualAuthentication: input.mutualAuthentication)
        let actions = try input.defaultActions.map(ActionRules.normalize)
        let (arn, port, listenerProtocol, names) = (input.listenerArn, input.port, input.protocol, Self.names(context))
        let (record, state) = try await mutate { state in
            try state.modifyListener(
                arn: arn, port: port, listenerProtocol: listenerProtocol, defaultActions: actions, names: names)
        }
        return ELBv2.ModifyListenerOutput(listeners: [
            LoadBalancingRenderer(names: names, state: state).listener(record)
        ])
    }

    /// DeleteListener: with its rules.
    public func deleteListener(_ input: ELBv2.DeleteListenerInput, context: RequestContext) async throws
        -> ELBv2.DeleteListenerOutput
    {
        let arn = input.listenerArn
        _ = try await mutate { state in try state.deleteListener(arn: arn) }
        return ELBv2.DeleteListenerOutput()
    }
}
