/// The attributes of an HTTP target group of an application load balancer (target type
/// `instance` or `ip`), with ALB's defaults.
public enum TargetGroupAttributeRules {
    static let reservedCookiePrefixes = ["AWSALB", "AWSALBAPP", "AWSALBTG"]

    /// The attribute table.
    public static let specs: [AttributeSpec] = [
        AttributeSpec("stickiness.enabled", "false", .boolean),
        AttributeSpec("deregistration_delay.timeout_seconds", "300", .integer(0...3600)),
        AttributeSpec("stickiness.app_cookie.cookie_name", "", .text(maxLength: 256)),
        AttributeSpec(
            "stickiness.type", "lb_cookie",
            .choice(
                ["lb_cookie"],
                refused: [
                    "app_cookie": "Admiral's load balancer implements duration-based stickiness (lb_cookie) only."
                ])),
        AttributeSpec("stickiness.lb_cookie.duration_seconds", "86400", .integer(1...604800)),
        AttributeSpec("slow_start.duration_seconds", "0", .zeroOr(30...900)),
        AttributeSpec("stickiness.app_cookie.duration_seconds", "86400", .integer(1...604800)),
        AttributeSpec(
            "load_balancing.algorithm.type", "round_robin",
            .choice(
                ["round_robin", "least_outstanding_requests"],
                refused: [
                    "weighted_random":
                        "Admiral's load balancer implements round_robin and least_outstanding_requests."
                ])),
        AttributeSpec(
            "load_balancing.algorithm.anomaly_mitigation", "off",
            .choice(
                ["off"], refused: ["on": "anomaly mitigation needs the weighted_random algorithm, which Admiral lacks."]
            )
        ),
        AttributeSpec(
            "load_balancing.cross_zone.enabled", "use_load_balancer_configuration",
            .choice(["true", "false", "use_load_balancer_configuration"])),
        AttributeSpec("target_group_health.dns_failover.minimum_healthy_targets.count", "1", .offOr(1...1000)),
        AttributeSpec("target_group_health.dns_failover.minimum_healthy_targets.percentage", "off", .offOr(1...100)),
        AttributeSpec(
            "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1", .integer(1...1000)),
        AttributeSpec(
            "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off", .offOr(1...100)),
    ]

    /// Attributes documented for other target types or load balancer types.
    static let otherTypes: [String: String] = [
        "lambda.multi_value_headers.enabled": "target groups of target type lambda",
        "deregistration_delay.connection_termination.enabled": "target groups of network load balancers",
        "preserve_client_ip.enabled": "target groups of network load balancers",
        "proxy_protocol_v2.enabled": "target groups of network load balancers",
        "target_health_state.unhealthy.connection_termination.enabled": "target groups of network load balancers",
        "target_health_state.unhealthy.draining_interval_seconds": "target groups of network load balancers",
        "target_failover.on_deregistration": "target groups of gateway load balancers",
        "target_failover.on_unhealthy": "target groups of gateway load balancers",
    ]

    /// The stored overrides with the changes of a ModifyTargetGroupAttributes request applied.
    public static func apply(_ changes: [ELBv2.TargetGroupAttribute], to overrides: [String: String]) throws
        -> [String: String]
    {
        for change in changes where change.key == "stickiness.app_cookie.cookie_name" {
            let name = change.value ?? ""
            if let prefix = reservedCookiePrefixes.first(where: { name.hasPrefix($0) }) {
                throw AdmiralError.invalidConfiguration(
                    "Cookie name '\(name)' starts with '\(prefix)', which is reserved for the load balancer.")
            }
        }
        return try AttributeRules.apply(
            changes.map { (key: $0.key, value: $0.value) }, to: overrides, specs: specs, otherTypes: otherTypes,
            resource: "HTTP target groups of application load balancers")
    }

    /// Every attribute, defaults filled in, in a stable order.
    public static func full(_ overrides: [String: String]) -> [ELBv2.TargetGroupAttribute] {
        AttributeRules.full(overrides, specs: specs).map { ELBv2.TargetGroupAttribute(key: $0.key, value: $0.value) }
    }

    /// The full attributes as a dictionary.
    public static func values(_ overrides: [String: String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: AttributeRules.full(overrides, specs: specs).map { ($0.key, $0.value) })
    }
}
