/// The attributes of an application load balancer, with ALB's defaults. Admiral acts on
/// `idle_timeout.timeout_seconds` (through its data plane) and
/// `deletion_protection.enabled`; the others are accepted, validated and stored.
public enum LoadBalancerAttributeRules {
    static let logBucketLength = 255

    /// The attribute table for a load balancer of a scheme (the default of
    /// `ipv6.deny_all_igw_traffic` depends on it).
    public static func specs(scheme: ELBv2.LoadBalancerSchemeEnum) -> [AttributeSpec] {
        [
            AttributeSpec("access_logs.s3.enabled", "false", .boolean),
            AttributeSpec("access_logs.s3.bucket", "", .text(maxLength: logBucketLength)),
            AttributeSpec("access_logs.s3.prefix", "", .text(maxLength: 1024)),
            AttributeSpec("idle_timeout.timeout_seconds", "60", .integer(1...4000)),
            AttributeSpec("deletion_protection.enabled", "false", .boolean),
            AttributeSpec("routing.http2.enabled", "true", .boolean),
            AttributeSpec("routing.http.drop_invalid_header_fields.enabled", "false", .boolean),
            AttributeSpec("routing.http.xff_client_port.enabled", "false", .boolean),
            AttributeSpec("routing.http.preserve_host_header.enabled", "false", .boolean),
            AttributeSpec(
                "routing.http.xff_header_processing.mode", "append", .choice(["append", "preserve", "remove"])),
            AttributeSpec("load_balancing.cross_zone.enabled", "true", .fixed("true")),
            AttributeSpec(
                "routing.http.desync_mitigation_mode", "defensive", .choice(["monitor", "defensive", "strictest"])),
            AttributeSpec("client_keep_alive.seconds", "3600", .integer(60...604800)),
            AttributeSpec("waf.fail_open.enabled", "false", .boolean),
            AttributeSpec("routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false", .boolean),
            AttributeSpec("zonal_shift.config.enabled", "false", .boolean),
            AttributeSpec("connection_logs.s3.enabled", "false", .boolean),
            AttributeSpec("connection_logs.s3.bucket", "", .text(maxLength: logBucketLength)),
            AttributeSpec("connection_logs.s3.prefix", "", .text(maxLength: 1024)),
            AttributeSpec("health_check_logs.s3.enabled", "false", .boolean),
            AttributeSpec("health_check_logs.s3.bucket", "", .text(maxLength: logBucketLength)),
            AttributeSpec("health_check_logs.s3.prefix", "", .text(maxLength: 1024)),
            AttributeSpec("ipv6.deny_all_igw_traffic", scheme == .internal ? "true" : "false", .boolean),
        ]
    }

    /// Attributes documented for other load balancer types.
    static let otherTypes: [String: String] = [
        "dns_record.client_routing_policy": "network load balancers",
        "secondary_ips.auto_assigned.per_subnet": "network load balancers",
    ]

    /// The stored overrides with the changes of a ModifyLoadBalancerAttributes request applied.
    public static func apply(
        _ changes: [ELBv2.LoadBalancerAttribute], to overrides: [String: String], scheme: ELBv2.LoadBalancerSchemeEnum
    ) throws -> [String: String] {
        let specs = specs(scheme: scheme)
        let result = try AttributeRules.apply(
            changes.map { (key: $0.key, value: $0.value) }, to: overrides, specs: specs, otherTypes: otherTypes,
            resource: "application load balancers")
        let values = Dictionary(
            uniqueKeysWithValues: AttributeRules.full(result, specs: specs).map { ($0.key, $0.value) })
        for logs in ["access_logs", "connection_logs", "health_check_logs"]
        where values["\(logs).s3.enabled"] == "true" && values["\(logs).s3.bucket", default: ""].isEmpty {
            throw AdmiralError.invalidConfiguration(
                "The value of '\(logs).s3.bucket' cannot be empty when '\(logs).s3.enabled' is true.")
        }
        return result
    }

    /// Every attribute, defaults filled in, in a stable order.
    public static func full(_ overrides: [String: String], scheme: ELBv2.LoadBalancerSchemeEnum)
        -> [ELBv2.LoadBalancerAttribute]
    {
        AttributeRules.full(overrides, specs: specs(scheme: scheme)).map {
            ELBv2.LoadBalancerAttribute(key: $0.key, value: $0.value)
        }
    }
}
