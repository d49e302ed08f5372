/// Builds the ARNs of Elastic Load Balancing v2 resources for one region and account,
/// exactly as AWS writes them:
///
/// - `arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>`
/// - `...:targetgroup/<name>/<id>`
/// - `...:listener/app/<load balancer name>/<load balancer id>/<id>`
/// - `...:listener-rule/app/<load balancer name>/<load balancer id>/<listener id>/<id>`
///
/// Every id is 16 lowercase hexadecimal digits.
public struct ELBv2Names: Sendable, Hashable {
    public var region: String
    public var accountId: String

    /// Creates the namer.
    public init(region: String, accountId: String) {
        self.region = region
        self.accountId = accountId
    }

    private func arn(_ resource: String) -> String {
        ARN(service: ELBv2.signingName, region: region, accountId: accountId, resource: resource).description
    }

    /// The ARN of an application load balancer.
    public func loadBalancerARN(name: String, id: String) -> String {
        arn("loadbalancer/app/\(name)/\(id)")
    }

    /// The ARN of a target group.
    public func targetGroupARN(name: String, id: String) -> String {
        arn("targetgroup/\(name)/\(id)")
    }

    /// The ARN of a listener of an application load balancer.
    public func listenerARN(loadBalancerName: String, loadBalancerId: String, id: String) -> String {
        arn("listener/app/\(loadBalancerName)/\(loadBalancerId)/\(id)")
    }

    /// The ARN of a listener rule.
    public func ruleARN(loadBalancerName: String, loadBalancerId: String, listenerId: String, id: String) -> String {
        arn("listener-rule/app/\(loadBalancerName)/\(loadBalancerId)/\(listenerId)/\(id)")
    }

    /// The `app/<name>/<id>` part of a load balancer ARN, which CloudWatch uses as the
    /// `LoadBalancer` dimension.
    public static func loadBalancerDimension(name: String, id: String) -> String {
        "app/\(name)/\(id)"
    }

    /// Whether `id` has the form of a resource id: 16 lowercase hexadecimal digits.
    public static func isResourceId(_ id: some StringProtocol) -> Bool {
        id.utf8.count == 16 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// An Elastic Load Balancing v2 resource named by its ARN.
public enum ELBv2Resource: Sendable, Hashable {
    /// `loadbalancer/app/<name>/<id>`.
    case loadBalancer(name: String, id: String)
    /// `targetgroup/<name>/<id>`.
    case targetGroup(name: String, id: String)
    /// `listener/app/<load balancer name>/<load balancer id>/<id>`.
    case listener(loadBalancerName: String, loadBalancerId: String, id: String)
    /// `listener-rule/app/<load balancer name>/<load balancer id>/<listener id>/<id>`.
    case rule(loadBalancerName: String, loadBalancerId: String, listenerId: String, id: String)

    /// Reads an ARN; nil when it is not the ARN of one of these resources (another
    /// service, a network or gateway load balancer, a malformed id).
    public init?(arn text: String) {
        guard let arn = ARN(text), arn.service == ELBv2.signingName, arn.partition.hasPrefix("aws") else {
            return nil
        }
        let parts = arn.resource.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        switch parts.first {
        case "loadbalancer" where parts.count == 4 && parts[1] == "app" && ELBv2Names.isResourceId(parts[3]):
            self = .loadBalancer(name: parts[2], id: parts[3])
        case "targetgroup" where parts.count == 3 && ELBv2Names.isResourceId(parts[2]):
            self = .targetGroup(name: parts[1], id: parts[2])
        case "listener"
        where parts.count == 5 && parts[1] == "app" && ELBv2Names.isResourceId(parts[3])
            && ELBv2Names.isResourceId(parts[4]):
            self = .listener(loadBalancerName: parts[2], loadBalancerId: parts[3], id: parts[4])
        case "listener-rule"
        where parts.count == 6 && parts[1] == "app" && ELBv2Names.isResourceId(parts[3])
            && ELBv2Names.isResourceId(parts[4]) && ELBv2Names.isResourceId(parts[5]):
            self = .rule(loadBalancerName: parts[2], loadBalancerId: parts[3], listenerId: parts[4], id: parts[5])
        default:
            return nil
        }
    }

    /// The resource's own id.
    public var id: String {
        switch self {
        case .loadBalancer(_, let id), .targetGroup(_, let id), .listener(_, _, let id), .rule(_, _, _, let id): id
        }
    }

    /// What kind of resource this is, as messages name it.
    public var kind: Kind {
        switch self {
        case .loadBalancer: .loadBalancer
        case .targetGroup: .targetGroup
        case .listener: .listener
        case .rule: .rule
        }
    }

    /// The kinds of resource.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case loadBalancer = "load balancer"
        case targetGroup = "target group"
        case listener = "listener"
        case rule = "rule"

        /// The example ARN shape shown in messages.
        public var arnShape: String {
            switch self {
            case .loadBalancer:
                "arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<16 hex digits>"
            case .targetGroup: "arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<16 hex digits>"
            case .listener:
                "arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<load balancer name>/<id>/<16 hex digits>"
            case .rule:
                "arn:aws:elasticloadbalancing:<region>:<account>:listener-rule/app/<load balancer name>/<id>/<listener id>/<16 hex digits>"
            }
        }
    }

    /// Reads an ARN that must name a resource of `kind`, or throws the `ValidationError`
    /// AWS answers for a malformed ARN.
    public static func parse(_ text: String, as kind: Kind) throws -> ELBv2Resource {
        guard let resource = ELBv2Resource(arn: text), resource.kind == kind else {
            throw AdmiralError.validation("'\(text)' is not a valid \(kind.rawValue) ARN (\(kind.arnShape)).")
        }
        return resource
    }
}
