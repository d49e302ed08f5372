/// A request split into the filters that do not change while tasks are placed (status,
/// required attributes, `memberOf` on static subjects), evaluated once per instance, and
/// those that do (resources, ports, `distinctInstance`, `memberOf` on `task:group` or
/// `runningTasksCount`), evaluated for each candidate at each placement.
struct PreparedRequest {
    let request: PlacementRequest
    let staticQueries: [ClusterQuery]
    let dynamicQueries: [ClusterQuery]
    let distinctInstance: Bool

    init(_ request: PlacementRequest) {
        self.request = request
        var staticQueries: [ClusterQuery] = []
        var dynamicQueries: [ClusterQuery] = []
        var distinct = false
        for constraint in request.constraints {
            switch constraint {
            case .distinctInstance: distinct = true
            case .memberOf(let query):
                if query.dependsOnPlacements {
                    dynamicQueries.append(query)
                } else {
                    staticQueries.append(query)
                }
            }
        }
        self.staticQueries = staticQueries
        self.dynamicQueries = dynamicQueries
        self.distinctInstance = distinct
    }

    /// A key naming the static filters, so indexes built for them can be reused.
    var staticSignature: String {
        let attributes = request.requiredAttributes.map { "\($0.name)=\($0.value ?? "*")" }.sorted()
        let queries = staticQueries.map(\.source).sorted()
        return (attributes + ["|"] + queries).joined(separator: "\u{1F}")
    }

    /// The first static filter the instance fails, or nil.
    func staticReason(_ instance: InstanceSnapshot) -> PlacementFailure.Reason? {
        if !instance.acceptsTasks { return .agent }
        for required in request.requiredAttributes {
            guard let present = instance.attributes[required.name] else { return .attribute }
            if let value = required.value, present != value { return .attribute }
        }
        for query in staticQueries where !query.matches(instance) { return .memberOf }
        return nil
    }

    /// The first placement-dependent filter the instance fails, or nil.
    func dynamicReason(_ instance: borrowing InstanceSnapshot) -> PlacementFailure.Reason? {
        for query in dynamicQueries where !query.matches(copy instance) { return .memberOf }
        if distinctInstance, instance.taskGroups[request.group, default: 0] > 0 { return .distinctInstance }
        if instance.remainingCPU < request.cpu { return .cpu }
        if instance.remainingMemory < request.memory { return .memory }
        if !request.tcpPorts.isEmpty, !instance.usedTCPPorts.isDisjoint(with: request.tcpPorts) { return .ports }
        if !request.udpPorts.isEmpty, !instance.usedUDPPorts.isDisjoint(with: request.udpPorts) {
            return .portsUDP
        }
        return nil
    }

    /// The first filter of the pipeline the instance fails, or nil when it can take the task.
    func reason(_ instance: InstanceSnapshot) -> PlacementFailure.Reason? {
        staticReason(instance) ?? dynamicReason(instance)
    }
}
