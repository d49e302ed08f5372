import AdmiralModel
import AdmiralStore
import Foundation

/// Renders stored records as the ELBv2 wire shapes, with the ARNs of one region and
/// account.
struct LoadBalancingRenderer {
    let names: ELBv2Names
    let state: LoadBalancingState

    func loadBalancerARN(_ record: LoadBalancerRecord) -> String {
        names.loadBalancerARN(name: record.name, id: record.id)
    }

    func targetGroupARN(_ record: TargetGroupRecord) -> String {
        names.targetGroupARN(name: record.name, id: record.id)
    }

    func listenerARN(_ record: ListenerRecord) -> String {
        let balancer = state.loadBalancers[record.loadBalancerId]
        return names.listenerARN(
            loadBalancerName: balancer?.name ?? "", loadBalancerId: record.loadBalancerId, id: record.id)
    }

    func ruleARN(_ record: ListenerRuleRecord) -> String {
        let listener = state.listeners[record.listenerId]
        let balancerId = listener?.loadBalancerId ?? ""
        return names.ruleARN(
            loadBalancerName: state.loadBalancers[balancerId]?.name ?? "", loadBalancerId: balancerId,
            listenerId: record.listenerId, id: record.id)
    }

    func loadBalancer(_ record: LoadBalancerRecord, state code: ELBv2.LoadBalancerStateEnum = .active)
        -> ELBv2.LoadBalancer
    {
        ELBv2.LoadBalancer(
            loadBalancerArn: loadBalancerARN(record), dnsName: record.address,
            canonicalHostedZoneId: HostedZones.canonicalHostedZoneId(region: names.region),
            createdTime: record.createdAt,
            loadBalancerName: record.name, scheme: record.scheme, vpcId: record.vpcId,
            state: ELBv2.LoadBalancerState(code: code), type: .application,
            availabilityZones: record.zones.map {
                ELBv2.AvailabilityZone(zoneName: $0.zoneName, subnetId: $0.subnetId)
            },
            securityGroups: record.securityGroups, ipAddressType: record.ipAddressType)
    }

    func targetGroup(_ record: TargetGroupRecord) -> ELBv2.TargetGroup {
        let settings = record.settings
        let check = settings.healthCheck
        let balancers = state.loadBalancerIds(usingTargetGroup: record.id).sorted().compactMap { id in
            state.loadBalancers[id].map(loadBalancerARN)
        }
        return ELBv2.TargetGroup(
            targetGroupArn: targetGroupARN(record), targetGroupName: record.name, protocol: settings.targetProtocol,
            port: settings.port, vpcId: settings.vpcId, healthCheckProtocol: check.healthCheckProtocol,
            healthCheckPort: check.port, healthCheckEnabled: check.enabled,
            healthCheckIntervalSeconds: check.intervalSeconds, healthCheckTimeoutSeconds: check.timeoutSeconds,
            healthyThresholdCount: check.healthyThresholdCount, unhealthyThresholdCount: check.unhealthyThresholdCount,
            healthCheckPath: check.path, matcher: ELBv2.Matcher(httpCode: check.matcher), loadBalancerArns: balancers,
            targetType: settings.targetType, protocolVersion: settings.protocolVersion,
            ipAddressType: settings.ipAddressType)
    }

    func listener(_ record: ListenerRecord) -> ELBv2.Listener {
        ELBv2.Listener(
            listenerArn: listenerARN(record),
            loadBalancerArn: state.loadBalancers[record.loadBalancerId].map(loadBalancerARN), port: record.port,
            protocol: record.listenerProtocol,
            defaultActions: actions(state.defaultRule(of: record)?.actions ?? []))
    }

    func rule(_ record: ListenerRuleRecord) -> ELBv2.Rule {
        ELBv2.Rule(
            ruleArn: ruleARN(record), priority: record.priority.map(String.init) ?? "default",
            conditions: record.conditions, actions: actions(record.actions), isDefault: record.isDefault)
    }

    /// Actions with the ARNs of their target groups in this region.
    func actions(_ actions: [ELBv2.Action]) -> [ELBv2.Action] {
        actions.map { action in
            var action = action
            guard var config = action.forwardConfig, var groups = config.targetGroups else { return action }
            for index in groups.indices {
                guard let arn = groups[index].targetGroupArn, let resource = ELBv2Resource(arn: arn),
                    let group = state.targetGroups[resource.id]
                else { continue }
                groups[index].targetGroupArn = targetGroupARN(group)
            }
            config.targetGroups = groups
            action.forwardConfig = config
            if action.targetGroupArn != nil, groups.count == 1 {
                action.targetGroupArn = groups[0].targetGroupArn
            }
            return action
        }
    }
}

/// The Route 53 hosted zone ids AWS gives application load balancers, per region (what
/// CanonicalHostedZoneId carries). Other regions get a stable made-up id.
enum HostedZones {
    static let applicationLoadBalancers: [String: String] = [
        "us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0",
        "us-west-2": "Z1H1FL5HABSF5", "ca-central-1": "ZQSVJUPU6J1EY", "eu-west-1": "Z32O12XQLNTSW2",
        "eu-west-2": "ZHURV8PSTC4K8", "eu-central-1": "Z215JYRZR1TBD5", "ap-northeast-1": "Z14GRHDCWA56QT",
        "ap-southeast-1": "Z1LMS91P8CMLE5", "ap-southeast-2": "Z1GM3OXH4ZPM65", "ap-south-1": "ZP97RAFLXTNZK",
        "sa-east-1": "Z2P70J7HTTTPLU",
    ]

    static func canonicalHostedZoneId(region: String) -> String {
        if let id = applicationLoadBalancers[region] { return id }
        // FNV-1a of the region, as 13 base-36 characters after a Z.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in region.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var text = "Z"
        for _ in 0..<13 {
            text.append(alphabet[Int(hash % 36)])
            hash /= 36
        }
        return text
    }
}
