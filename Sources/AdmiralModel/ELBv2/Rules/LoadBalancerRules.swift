/// The settings a CreateLoadBalancer request asks for, validated.
public struct LoadBalancerRequest: Sendable, Hashable {
    public var name: String
    public var scheme: ELBv2.LoadBalancerSchemeEnum
    /// The subnets in the order given, without repeats.
    public var subnetIds: [String]
    public var securityGroups: [String]
    public var ipAddressType: ELBv2.IpAddressType

    /// Creates the settings.
    public init(
        name: String, scheme: ELBv2.LoadBalancerSchemeEnum, subnetIds: [String], securityGroups: [String],
        ipAddressType: ELBv2.IpAddressType
    ) {
        self.name = name
        self.scheme = scheme
        self.subnetIds = subnetIds
        self.securityGroups = securityGroups
        self.ipAddressType = ipAddressType
    }
}

/// What Admiral accepts in CreateLoadBalancer: application load balancers (network and
/// gateway load balancers are refused), `internet-facing` (the default) or `internal`,
/// IPv4, subnets given as `Subnets` or as `SubnetMappings` without addresses, security
/// groups stored as given.
public enum LoadBalancerRules {
    /// The smallest number of availability zones an application load balancer spans.
    public static let minimumZones = 2

    /// Validates a CreateLoadBalancer request (all but what depends on the stored state).
    public static func request(for input: ELBv2.CreateLoadBalancerInput) throws -> LoadBalancerRequest {
        try ELBv2NameRules.validateLoadBalancerName(input.name)
        switch input.type ?? .application {
        case .application:
            break
        case .network, .gateway:
            throw AdmiralError.invalidConfiguration(
                "Admiral provides application load balancers only; '\(input.type?.rawValue ?? "")' load balancers "
                    + "are not supported. Leave out Type or use 'application'.")
        }
        let ipAddressType = input.ipAddressType ?? .ipv4
        guard ipAddressType == .ipv4 else {
            throw AdmiralError.invalidConfiguration(
                "Admiral's load balancers are IPv4 only; use IpAddressType ipv4 instead of '\(ipAddressType.rawValue)'."
            )
        }
        if input.customerOwnedIpv4Pool != nil || input.ipamPools != nil || input.enablePrefixForIpv6SourceNat != nil {
            throw AdmiralError.invalidConfiguration(
                "CustomerOwnedIpv4Pool, IpamPools and EnablePrefixForIpv6SourceNat need AWS networking, which Admiral "
                    + "does not have.")
        }
        if input.subnets?.isEmpty == false, input.subnetMappings?.isEmpty == false {
            throw AdmiralError.validation("Specify either Subnets or SubnetMappings, not both.")
        }
        var subnets: [String] = input.subnets ?? []
        for mapping in input.subnetMappings ?? [] {
            guard let subnet = mapping.subnetId, !subnet.isEmpty else {
                throw AdmiralError.validation("Each subnet mapping needs a SubnetId.")
            }
            if mapping.allocationId != nil || mapping.privateIPv4Address != nil || mapping.ipv6Address != nil
                || mapping.sourceNatIpv6Prefix != nil
            {
                throw AdmiralError.invalidConfiguration(
                    "Application load balancers do not take addresses in subnet mappings; give only SubnetId.")
            }
            subnets.append(subnet)
        }
        var unique: [String] = []
        for subnet in subnets where !unique.contains(subnet) {
            guard !subnet.isEmpty else { throw AdmiralError.validation("A subnet id cannot be empty.") }
            unique.append(subnet)
        }
        guard unique.count >= minimumZones else {
            throw AdmiralError.validation(
                "At least two subnets in two different Availability Zones must be specified; Admiral maps subnet ids "
                    + "to zones (subnet-us-east-1a is in us-east-1a).")
        }
        let securityGroups = input.securityGroups ?? []
        for group in securityGroups where group.isEmpty {
            throw AdmiralError(.invalidSecurityGroup, "A security group id cannot be empty.")
        }
        return LoadBalancerRequest(
            name: input.name, scheme: input.scheme ?? .internetFacing, subnetIds: unique,
            securityGroups: securityGroups, ipAddressType: ipAddressType)
    }
}
