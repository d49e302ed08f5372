import AdmiralLoadBalancer
import AdmiralModel
import Foundation

/// Turns the ELBv2 records (a `LoadBalancingSnapshot`) into the data plane's
/// configuration. Ids in the data plane are the ARNs of the API, so health and metrics
/// read back by ARN.
enum DataPlaneMapping {
    /// The configuration for a snapshot; `address` gives the host an instance target is
    /// reached on (its private IP), by EC2 instance id.
    static func configuration(
        _ snapshot: LoadBalancingSnapshot, address: (String) -> String
    ) -> DataPlaneConfiguration {
        var configuration = DataPlaneConfiguration()
        for balancer in snapshot.loadBalancers {
            configuration.loadBalancers.append(
                LoadBalancerConfiguration(id: balancer.arn, idleTimeout: .seconds(balancer.idleTimeoutSeconds)))
            for listener in balancer.listeners {
                let defaultRule = listener.rules.first { $0.isDefault }
                let rules = listener.rules.compactMap { rule -> ListenerRule? in
                    guard let priority = rule.priority, let action = action(rule.actions) else { return nil }
                    return ListenerRule(
                        id: rule.arn, priority: priority, conditions: rule.conditions.compactMap(condition),
                        action: action)
                }
                configuration.listeners.append(
                    ListenerConfiguration(
                        id: listener.arn, loadBalancerID: balancer.arn, address: balancer.address, port: listener.port,
                        rules: rules,
                        defaultAction: defaultRule.flatMap { action($0.actions) }
                            ?? .fixedResponse(FixedResponseAction(statusCode: 503))))
            }
        }
        for group in snapshot.targetGroups {
            configuration.targetGroups.append(
                TargetGroupConfiguration(
                    id: group.arn, port: group.port, healthCheck: healthCheck(group.healthCheck),
                    attributes: attributes(group.attributes),
                    targets: group.targets.map { target in
                        TargetConfiguration(
                            id: target.id, host: group.targetType == .instance ? address(target.id) : target.id,
                            port: target.port)
                    }))
        }
        return configuration
    }

    /// The one terminal action of a rule (the API keeps exactly one).
    static func action(_ actions: [ELBv2.Action]) -> RuleAction? {
        guard let action = actions.last else { return nil }
        switch action.type {
        case .forward:
            let groups = (action.forwardConfig?.targetGroups ?? []).compactMap { tuple -> WeightedTargetGroup? in
                tuple.targetGroupArn.map { WeightedTargetGroup(id: $0, weight: tuple.weight ?? 1) }
            }
            let fallback = action.targetGroupArn.map { [WeightedTargetGroup(id: $0, weight: 1)] } ?? []
            let stickiness = action.forwardConfig?.targetGroupStickinessConfig
            return .forward(
                ForwardAction(
                    targetGroups: groups.isEmpty ? fallback : groups,
                    stickinessDuration: stickiness?.enabled == true
                        ? .seconds(stickiness?.durationSeconds ?? 3600) : nil))
        case .fixedResponse:
            guard let config = action.fixedResponseConfig else { return nil }
            return .fixedResponse(
                FixedResponseAction(
                    statusCode: Int(config.statusCode) ?? 503, contentType: config.contentType,
                    messageBody: config.messageBody))
        case .redirect:
            guard let config = action.redirectConfig else { return nil }
            return .redirect(
                RedirectAction(
                    protocol: config.protocol, host: config.host, port: config.port, path: config.path,
                    query: config.query, statusCode: config.statusCode == .http301 ? .permanent : .temporary))
        default:
            return nil
        }
    }

    /// A normalized rule condition.
    static func condition(_ condition: ELBv2.RuleCondition) -> RuleCondition? {
        switch condition.field {
        case "path-pattern":
            return .pathPattern(condition.pathPatternConfig?.values ?? condition.values ?? [])
        case "host-header":
            return .hostHeader(condition.hostHeaderConfig?.values ?? condition.values ?? [])
        case "http-header":
            guard let config = condition.httpHeaderConfig, let name = config.httpHeaderName else { return nil }
            return .httpHeader(name: name, values: config.values ?? [])
        case "http-request-method":
            return .httpRequestMethod(condition.httpRequestMethodConfig?.values ?? [])
        case "query-string":
            return .queryString(
                (condition.queryStringConfig?.values ?? []).map { QueryStringPair(key: $0.key, value: $0.value ?? "") })
        case "source-ip":
            return .sourceIP(condition.sourceIpConfig?.values ?? [])
        default:
            return nil
        }
    }

    static func healthCheck(_ check: TargetGroupHealthCheck) -> HealthCheckSettings {
        HealthCheckSettings(
            enabled: check.enabled, path: check.path,
            port: Int(check.port).map(HealthCheckSettings.Port.port) ?? .trafficPort, protocol: .http,
            interval: .seconds(check.intervalSeconds), timeout: .seconds(check.timeoutSeconds),
            healthyThreshold: check.healthyThresholdCount, unhealthyThreshold: check.unhealthyThresholdCount,
            matcher: check.matcher)
    }

    static func attributes(_ values: [String: String]) -> TargetGroupAttributes {
        let stickiness =
            values["stickiness.enabled"] == "true" && (values["stickiness.type"] ?? "lb_cookie") == "lb_cookie"
        return TargetGroupAttributes(
            deregistrationDelay: .seconds(Int(values["deregistration_delay.timeout_seconds"] ?? "") ?? 300),
            algorithm: LoadBalancingAlgorithm(rawValue: values["load_balancing.algorithm.type"] ?? "") ?? .roundRobin,
            slowStartDuration: .seconds(Int(values["slow_start.duration_seconds"] ?? "") ?? 0),
            stickinessDuration: stickiness
                ? .seconds(Int(values["stickiness.lb_cookie.duration_seconds"] ?? "") ?? 86_400) : nil)
    }
}
