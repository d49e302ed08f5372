import AdmiralModel

/// A registered target as health is asked about it.
public struct HealthTarget: Sendable, Hashable {
    /// The instance id or IPv4 address.
    public var id: String
    public var port: Int

    /// Creates a target.
    public init(id: String, port: Int) {
        self.id = id
        self.port = port
    }
}

/// What DescribeTargetHealth reports for registered targets. The data plane's health
/// checker implements it with what it has observed; ``RegistrationTargetHealth`` reports
/// what the API alone knows.
public protocol TargetHealthSource: Sendable {
    /// The health of registered targets of a target group. `inUse` tells whether a
    /// listener or rule forwards to the group. Targets left out of the answer are reported
    /// as ``RegistrationTargetHealth`` would report them.
    func health(
        targetGroupArn: String, targetGroupId: String, inUse: Bool, targets: [HealthTarget]
    ) async -> [HealthTarget: ELBv2.TargetHealth]

    /// Targets deregistered from a group that the load balancer still drains, with their
    /// health (`draining`): DescribeTargetHealth lists them until they are gone.
    func drainingTargets(targetGroupArn: String) async -> [HealthTarget: ELBv2.TargetHealth]
}

extension TargetHealthSource {
    /// No draining targets, for sources that know only registrations.
    public func drainingTargets(targetGroupArn: String) async -> [HealthTarget: ELBv2.TargetHealth] { [:] }
}

/// Health from registration alone: targets of a group no listener uses are `unused`
/// (`Target.NotInUse`); the others `initial` (`Elb.RegistrationInProgress`) until a
/// health checker says otherwise.
public struct RegistrationTargetHealth: TargetHealthSource {
    /// Creates the source.
    public init() {}

    public func health(
        targetGroupArn: String, targetGroupId: String, inUse: Bool, targets: [HealthTarget]
    ) async -> [HealthTarget: ELBv2.TargetHealth] {
        let health = inUse ? Self.registering : Self.notInUse
        return Dictionary(uniqueKeysWithValues: targets.map { ($0, health) })
    }

    /// `unused`, `Target.NotInUse`.
    public static let notInUse = ELBv2.TargetHealth(
        state: .unused, reason: .targetNotInUse,
        description: "Target group is not configured to receive traffic from the load balancer")
    /// `initial`, `Elb.RegistrationInProgress`.
    public static let registering = ELBv2.TargetHealth(
        state: .initial, reason: .elbRegistrationInProgress, description: "Target registration is in progress")
    /// `unused`, `Target.NotRegistered`: what a target that is not registered reports.
    public static let notRegistered = ELBv2.TargetHealth(
        state: .unused, reason: .targetNotRegistered, description: "Target is not registered to the target group")
}

/// Decides whether instance ids may be registered as targets. The services controller's
/// glue answers from the ECS container instances; ``WellFormedInstanceTargets`` accepts
/// every well-formed id.
public protocol InstanceTargetResolver: Sendable {
    /// The ids among `ids` that are not instances targets may be registered on.
    func unknownInstanceIds(among ids: [String]) async throws -> [String]
}

/// Accepts every well-formed instance id (the form is checked by the control plane).
public struct WellFormedInstanceTargets: InstanceTargetResolver {
    /// Creates the resolver.
    public init() {}

    public func unknownInstanceIds(among ids: [String]) async throws -> [String] { [] }
}
