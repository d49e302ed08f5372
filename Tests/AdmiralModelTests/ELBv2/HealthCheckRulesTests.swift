import AdmiralModel
import Testing

@Suite("Target group health checks and settings")
struct HealthCheckRulesTests {
    func settings(_ input: ELBv2.CreateTargetGroupInput) throws -> TargetGroupSettings {
        try TargetGroupRules.settings(for: input, defaultVpcId: "vpc-default")
    }

    static let minimal = ELBv2.CreateTargetGroupInput(name: "web", protocol: .http, port: 8080)

    @Test("ALB's defaults: /, traffic-port, 30 s, 5 s, 5 healthy, 2 unhealthy, 200")
    func defaults() throws {
        let result = try settings(Self.minimal)
        #expect(result.healthCheck == .defaults)
        #expect(result.healthCheck.path == "/")
        #expect(result.healthCheck.port == "traffic-port")
        #expect(
            [
                result.healthCheck.intervalSeconds, result.healthCheck.timeoutSeconds,
                result.healthCheck.healthyThresholdCount,
                result.healthCheck.unhealthyThresholdCount,
            ] == [30, 5, 5, 2])
        #expect(result.healthCheck.matcher == "200")
        #expect(result.targetType == .instance)
        #expect(result.vpcId == "vpc-default")
        #expect(result.protocolVersion == "HTTP1")
    }

    @Test("each counter has ALB's range, ends included")
    func ranges() throws {
        let base = TargetGroupHealthCheck.defaults
        for interval in [6, 300] {
            _ = try HealthCheckRules.apply(.init(intervalSeconds: interval), to: base)
        }
        refuses(.validationError, "interval must be between 5 and 300") {
            _ = try HealthCheckRules.apply(.init(intervalSeconds: 301), to: base)
        }
        refuses(.validationError, "interval must be between 5 and 300") {
            _ = try HealthCheckRules.apply(.init(intervalSeconds: 4), to: base)
        }
        _ = try HealthCheckRules.apply(.init(intervalSeconds: 300, timeoutSeconds: 120), to: base)
        refuses(.validationError, "timeout must be between 2 and 120") {
            _ = try HealthCheckRules.apply(.init(intervalSeconds: 300, timeoutSeconds: 121), to: base)
        }
        refuses(.validationError, "timeout must be between 2 and 120") {
            _ = try HealthCheckRules.apply(.init(timeoutSeconds: 1), to: base)
        }
        for count in [2, 10] {
            _ = try HealthCheckRules.apply(
                .init(healthyThresholdCount: count, unhealthyThresholdCount: count), to: base)
        }
        refuses(.validationError, "Healthy threshold count must be between 2 and 10") {
            _ = try HealthCheckRules.apply(.init(healthyThresholdCount: 11), to: base)
        }
        refuses(.validationError, "Unhealthy threshold count must be between 2 and 10") {
            _ = try HealthCheckRules.apply(.init(unhealthyThresholdCount: 1), to: base)
        }
    }

    @Test("the timeout must be less than the interval, also when only one of them changes")
    func timeoutBelowInterval() throws {
        refuses(.validationError, "must be smaller than the interval") {
            _ = try HealthCheckRules.apply(.init(intervalSeconds: 10, timeoutSeconds: 10), to: .defaults)
        }
        refuses(.validationError, "(5 seconds) must be smaller than the interval (5 seconds)") {
            _ = try HealthCheckRules.apply(.init(intervalSeconds: 5), to: .defaults)
        }
        let result = try HealthCheckRules.apply(.init(intervalSeconds: 6), to: .defaults)
        #expect(result.intervalSeconds == 6)
    }

    @Test("matchers: a code, a list or a range within 200-499")
    func matchers() throws {
        for matcher in ["200", "200,202", "200-299", "200-299,302", "499"] {
            try HealthCheckRules.validateMatcher(matcher)
        }
        for bad in ["199", "500", "200-", "299-200", "2000", "abc", "", "200,,201", "200-300-400", " 200"] {
            refuses(.validationError, "is not valid") { try HealthCheckRules.validateMatcher(bad) }
        }
        let check = try HealthCheckRules.apply(.init(matcher: .init(httpCode: "200-204,301")), to: .defaults)
        #expect(check.matches(statusCode: 204) && check.matches(statusCode: 301))
        #expect(!check.matches(statusCode: 205) && !check.matches(statusCode: 404))
        refuses(.validationError, "gRPC") {
            _ = try HealthCheckRules.apply(.init(matcher: .init(grpcCode: "0")), to: .defaults)
        }
    }

    @Test("paths start with a slash; ports are traffic-port or 1-65535")
    func pathAndPort() throws {
        refuses(.validationError, "must begin with a '/'") {
            _ = try HealthCheckRules.apply(.init(path: "health"), to: .defaults)
        }
        let check = try HealthCheckRules.apply(.init(port: "8081", path: "/healthz?full=1"), to: .defaults)
        #expect(check.port(forTargetPort: 32768) == 8081)
        #expect(TargetGroupHealthCheck.defaults.port(forTargetPort: 32768) == 32768)
        for port in ["0", "65536", "http", ""] {
            refuses(.validationError, "traffic-port' or a port number") {
                _ = try HealthCheckRules.apply(.init(port: port), to: .defaults)
            }
        }
    }

    @Test("health checks stay on and over HTTP")
    func enabledAndProtocol() {
        refuses(.validationError, "cannot be disabled") {
            _ = try HealthCheckRules.apply(.init(enabled: false), to: .defaults)
        }
        refuses(.invalidConfigurationRequest, "over HTTP only") {
            _ = try HealthCheckRules.apply(.init(healthCheckProtocol: .https), to: .defaults)
        }
        refuses(.validationError, "not valid for a target group with protocol HTTP") {
            _ = try HealthCheckRules.apply(.init(healthCheckProtocol: .tcp), to: .defaults)
        }
    }

    @Test("target groups: HTTP, instance or ip, a protocol and a port, HTTP1, IPv4")
    func targetGroupSettings() {
        refuses(.invalidConfigurationRequest, "'lambda' is not supported") {
            _ = try settings(ELBv2.CreateTargetGroupInput(name: "f", targetType: .lambda))
        }
        refuses(.validationError, "A protocol must be specified") {
            _ = try settings(ELBv2.CreateTargetGroupInput(name: "web", port: 80))
        }
        refuses(.validationError, "A port must be specified") {
            _ = try settings(ELBv2.CreateTargetGroupInput(name: "web", protocol: .http))
        }
        refuses(.invalidConfigurationRequest, "network or gateway load balancers") {
            _ = try settings(ELBv2.CreateTargetGroupInput(name: "web", protocol: .tcp, port: 80))
        }
        refuses(.invalidConfigurationRequest, "HTTP only") {
            _ = try settings(ELBv2.CreateTargetGroupInput(name: "web", protocol: .https, port: 443))
        }
        refuses(.invalidConfigurationRequest, "use HTTP1") {
            _ = try settings(
                ELBv2.CreateTargetGroupInput(name: "web", protocol: .http, protocolVersion: "GRPC", port: 80))
        }
        refuses(.invalidConfigurationRequest, "IPv4 only") {
            _ = try settings(ELBv2.CreateTargetGroupInput(name: "web", protocol: .http, port: 80, ipAddressType: .ipv6))
        }
        refuses(.validationError, "cannot begin or end with a hyphen") {
            _ = try settings(ELBv2.CreateTargetGroupInput(name: "web-", protocol: .http, port: 80))
        }
    }
}
