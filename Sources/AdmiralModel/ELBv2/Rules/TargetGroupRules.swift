/// The settings of a target group, as CreateTargetGroup fixes them.
public struct TargetGroupSettings: Sendable, Hashable, Codable {
    public var targetProtocol: ELBv2.ProtocolEnum
    public var protocolVersion: String
    public var port: Int
    public var vpcId: String
    public var targetType: ELBv2.TargetTypeEnum
    public var ipAddressType: ELBv2.TargetGroupIpAddressTypeEnum
    public var healthCheck: TargetGroupHealthCheck

    /// Creates settings.
    public init(
        targetProtocol: ELBv2.ProtocolEnum, protocolVersion: String, port: Int, vpcId: String,
        targetType: ELBv2.TargetTypeEnum, ipAddressType: ELBv2.TargetGroupIpAddressTypeEnum,
        healthCheck: TargetGroupHealthCheck
    ) {
        self.targetProtocol = targetProtocol
        self.protocolVersion = protocolVersion
        self.port = port
        self.vpcId = vpcId
        self.targetType = targetType
        self.ipAddressType = ipAddressType
        self.healthCheck = healthCheck
    }
}

/// What Admiral accepts in CreateTargetGroup and ModifyTargetGroup: HTTP target groups
/// (protocol version HTTP1) of target type `instance` or `ip` over IPv4, with ALB's
/// health check rules.
public enum TargetGroupRules {
    /// The only protocol version Admiral's proxy speaks to targets.
    public static let protocolVersion = "HTTP1"

    /// The settings a CreateTargetGroup request asks for, validated, defaults filled in.
    public static func settings(for input: ELBv2.CreateTargetGroupInput, defaultVpcId: String) throws
        -> TargetGroupSettings
    {
        try ELBv2NameRules.validateTargetGroupName(input.name)
        let targetType = input.targetType ?? .instance
        switch targetType {
        case .instance, .ip: break
        case .lambda, .alb:
            throw AdmiralError.invalidConfiguration(
                "Target type '\(targetType.rawValue)' is not supported by Admiral; use 'instance' or 'ip'.")
        }
        guard let targetProtocol = input.protocol else {
            throw AdmiralError.validation(
                "A protocol must be specified for target groups with target type '\(targetType.rawValue)'.")
        }
        try validateProtocol(targetProtocol)
        guard let port = input.port else {
            throw AdmiralError.validation(
                "A port must be specified for target groups with target type '\(targetType.rawValue)'.")
        }
        let version = input.protocolVersion ?? protocolVersion
        switch version.uppercased() {
        case protocolVersion: break
        case "HTTP2", "GRPC":
            throw AdmiralError.invalidConfiguration(
                "Protocol version '\(version)' is not supported by Admiral's load balancer; use HTTP1.")
        default:
            throw AdmiralError.validation("Protocol version '\(version)' must be one of HTTP1, HTTP2 or GRPC.")
        }
        if input.ipAddressType == .ipv6 {
            throw AdmiralError.invalidConfiguration("Admiral's target groups are IPv4 only; use IpAddressType ipv4.")
        }
        if input.targetControlPort != nil {
            throw AdmiralError.invalidConfiguration(
                "TargetControlPort applies to QUIC target groups of network load balancers, which Admiral does not provide."
            )
        }
        let healthCheck = try HealthCheckRules.apply(
            HealthCheckRules.Changes(
                enabled: input.healthCheckEnabled, healthCheckProtocol: input.healthCheckProtocol,
                port: input.healthCheckPort, path: input.healthCheckPath,
                intervalSeconds: input.healthCheckIntervalSeconds, timeoutSeconds: input.healthCheckTimeoutSeconds,
                healthyThresholdCount: input.healthyThresholdCount,
                unhealthyThresholdCount: input.unhealthyThresholdCount, matcher: input.matcher),
            to: .defaults)
        return TargetGroupSettings(
            targetProtocol: targetProtocol, protocolVersion: protocolVersion, port: port,
            vpcId: input.vpcId ?? defaultVpcId, targetType: targetType, ipAddressType: .ipv4,
            healthCheck: healthCheck)
    }

    /// The health check changes of a ModifyTargetGroup request.
    public static func healthCheckChanges(of input: ELBv2.ModifyTargetGroupInput) -> HealthCheckRules.Changes {
        HealthCheckRules.Changes(
            enabled: input.healthCheckEnabled, healthCheckProtocol: input.healthCheckProtocol,
            port: input.healthCheckPort, path: input.healthCheckPath,
            intervalSeconds: input.healthCheckIntervalSeconds, timeoutSeconds: input.healthCheckTimeoutSeconds,
            healthyThresholdCount: input.healthyThresholdCount, unhealthyThresholdCount: input.unhealthyThresholdCount,
            matcher: input.matcher)
    }

    static func validateProtocol(_ targetProtocol: ELBv2.ProtocolEnum) throws {
        switch targetProtocol {
        case .http:
            return
        case .https:
            throw AdmiralError.invalidConfiguration(
                "Admiral's load balancer connects to targets over HTTP only; use Protocol HTTP.")
        default:
            throw AdmiralError.invalidConfiguration(
                "Protocol '\(targetProtocol.rawValue)' is for network or gateway load balancers, which Admiral does "
                    + "not provide; application load balancer target groups use HTTP.")
        }
    }
}
