import AdmiralModel
import Testing

@Suite("Load balancer and target group attributes")
struct AttributeRulesTests {
    func lb(_ pairs: (String, String)..., scheme: ELBv2.LoadBalancerSchemeEnum = .internetFacing) throws -> [String:
        String]
    {
        try LoadBalancerAttributeRules.apply(pairs.map { .init(key: $0.0, value: $0.1) }, to: [:], scheme: scheme)
    }

    func tg(_ pairs: (String, String)...) throws -> [String: String] {
        try TargetGroupAttributeRules.apply(pairs.map { .init(key: $0.0, value: $0.1) }, to: [:])
    }

    func value(_ attributes: [ELBv2.LoadBalancerAttribute], _ key: String) -> String? {
        attributes.first { $0.key == key }?.value
    }

    @Test("a load balancer reports every ALB attribute with its default")
    func loadBalancerDefaults() {
        let all = LoadBalancerAttributeRules.full([:], scheme: .internetFacing)
        #expect(value(all, "idle_timeout.timeout_seconds") == "60")
        #expect(value(all, "deletion_protection.enabled") == "false")
        #expect(value(all, "routing.http2.enabled") == "true")
        #expect(value(all, "load_balancing.cross_zone.enabled") == "true")
        #expect(value(all, "client_keep_alive.seconds") == "3600")
        #expect(value(all, "ipv6.deny_all_igw_traffic") == "false")
        #expect(value(LoadBalancerAttributeRules.full([:], scheme: .internal), "ipv6.deny_all_igw_traffic") == "true")
        #expect(Set(all.compactMap(\.key)).count == all.count)
    }

    @Test("idle timeout is 1 to 4000 seconds; only overrides are stored")
    func idleTimeout() throws {
        #expect(try lb(("idle_timeout.timeout_seconds", "4000")) == ["idle_timeout.timeout_seconds": "4000"])
        #expect(try lb(("idle_timeout.timeout_seconds", "1")) == ["idle_timeout.timeout_seconds": "1"])
        #expect(try lb(("idle_timeout.timeout_seconds", "60")) == [:])
        for bad in ["0", "4001", "ten", "-5"] {
            refuses(.invalidConfigurationRequest, "from 1 to 4000") {
                _ = try lb(("idle_timeout.timeout_seconds", bad))
            }
        }
    }

    @Test("booleans, choices and fixed values are checked")
    func values() throws {
        #expect(try lb(("deletion_protection.enabled", "TRUE")) == ["deletion_protection.enabled": "true"])
        refuses(.invalidConfigurationRequest, "true or false") { _ = try lb(("deletion_protection.enabled", "yes")) }
        refuses(.invalidConfigurationRequest, "monitor, defensive, strictest") {
            _ = try lb(("routing.http.desync_mitigation_mode", "lax"))
        }
        refuses(.invalidConfigurationRequest, "cannot be changed") {
            _ = try lb(("load_balancing.cross_zone.enabled", "false"))
        }
        refuses(.invalidConfigurationRequest, "access_logs.s3.bucket' cannot be empty") {
            _ = try lb(("access_logs.s3.enabled", "true"))
        }
        _ = try lb(("access_logs.s3.enabled", "true"), ("access_logs.s3.bucket", "logs"))
    }

    @Test("unknown keys are a ValidationError; keys of other load balancer types an InvalidConfigurationRequest")
    func unknownKeys() {
        refuses(.validationError, "not recognized") { _ = try lb(("idle_timeout", "60")) }
        refuses(.invalidConfigurationRequest, "network load balancers") {
            _ = try lb(("dns_record.client_routing_policy", "any_availability_zone"))
        }
        refuses(.validationError, "not recognized") { _ = try tg(("stickiness.duration", "5")) }
        refuses(.invalidConfigurationRequest, "network load balancers") {
            _ = try tg(("proxy_protocol_v2.enabled", "true"))
        }
    }

    @Test("target group defaults: 300 s deregistration delay, round robin, lb_cookie of a day")
    func targetGroupDefaults() {
        let values = TargetGroupAttributeRules.values([:])
        #expect(values["deregistration_delay.timeout_seconds"] == "300")
        #expect(values["load_balancing.algorithm.type"] == "round_robin")
        #expect(values["stickiness.enabled"] == "false")
        #expect(values["stickiness.type"] == "lb_cookie")
        #expect(values["stickiness.lb_cookie.duration_seconds"] == "86400")
        #expect(values["slow_start.duration_seconds"] == "0")
    }

    @Test("target group ranges: delay 0-3600, slow start 0 or 30-900, cookie 1-604800")
    func targetGroupRanges() throws {
        #expect(try tg(("deregistration_delay.timeout_seconds", "0")) == ["deregistration_delay.timeout_seconds": "0"])
        _ = try tg(("deregistration_delay.timeout_seconds", "3600"))
        refuses(.invalidConfigurationRequest, "from 0 to 3600") {
            _ = try tg(("deregistration_delay.timeout_seconds", "3601"))
        }
        for ok in ["0", "30", "900"] { _ = try tg(("slow_start.duration_seconds", ok)) }
        for bad in ["29", "901", "1"] {
            refuses(.invalidConfigurationRequest, "0 (off) or an integer from 30 to 900") {
                _ = try tg(("slow_start.duration_seconds", bad))
            }
        }
        _ = try tg(("stickiness.lb_cookie.duration_seconds", "604800"))
        refuses(.invalidConfigurationRequest, "from 1 to 604800") {
            _ = try tg(("stickiness.lb_cookie.duration_seconds", "0"))
        }
    }

    @Test("stickiness lb_cookie and the two algorithms are accepted; the rest is refused with the reason")
    func choices() throws {
        _ = try tg(("stickiness.enabled", "true"), ("stickiness.type", "lb_cookie"))
        _ = try tg(("load_balancing.algorithm.type", "least_outstanding_requests"))
        refuses(.invalidConfigurationRequest, "lb_cookie") { _ = try tg(("stickiness.type", "app_cookie")) }
        refuses(.invalidConfigurationRequest, "must be one of lb_cookie") {
            _ = try tg(("stickiness.type", "source_ip"))
        }
        refuses(.invalidConfigurationRequest, "round_robin and least_outstanding_requests") {
            _ = try tg(("load_balancing.algorithm.type", "weighted_random"))
        }
        refuses(.invalidConfigurationRequest, "reserved") {
            _ = try tg(("stickiness.app_cookie.cookie_name", "AWSALBAPP-1"))
        }
    }

    @Test("a missing value is a ValidationError")
    func missingValue() {
        refuses(.validationError, "needs a Value") {
            _ = try LoadBalancerAttributeRules.apply(
                [.init(key: "idle_timeout.timeout_seconds")], to: [:], scheme: .internetFacing)
        }
    }
}
