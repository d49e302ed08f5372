import AdmiralModel
import AdmiralStore
import Foundation

/// The Elastic Load Balancing v2 operations (application load balancers, target groups,
/// targets, listeners, rules, tags) over a ``LoadBalancerStore``, and the calls the
/// ECS services controller and the data plane glue make directly: ``registerTargets(targetGroupArn:targets:)``,
/// ``deregisterTargets(targetGroupArn:targets:)``, ``snapshot(region:accountId:)`` and ``changes``.
///
/// Every operation validates its input first (pure rules in AdmiralModel), then runs one
/// pure transition of ``LoadBalancingState`` inside one store transaction, so a refused
/// request changes nothing; after each committed change ``changes`` is published.
public struct LoadBalancingService: Sendable {
    let store: any LoadBalancerStore
    let addressing: LoadBalancerAddressing
    let health: any TargetHealthSource
    let instances: any InstanceTargetResolver
    let ids: ELBv2IDGenerator
    /// The EC2 registry's subnets and security groups (nil: every subnet by convention).
    let network: (any LoadBalancerNetwork)?
    /// The VPC id load balancers report, and target groups that name none.
    public let vpcId: String
    /// Published after every committed change.
    public let changes: LoadBalancingChanges

    /// The VPC of load balancers whose subnets the EC2 registry does not know (made-up
    /// names such as `subnet-us-east-1a`), and of target groups that name none.
    public static let defaultVpcId = "vpc-0000000000000000a"

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - addressing: where load balancers listen (their DNSName).
    ///   - health: what DescribeTargetHealth reports for registered targets.
    ///   - instances: which instance ids may be registered as targets.
    ///   - ids: the resource id generator.
    ///   - changes: the change notification to publish to.
    public init(
        store: any LoadBalancerStore, addressing: LoadBalancerAddressing = .loopbackPerLoadBalancer,
        health: any TargetHealthSource = RegistrationTargetHealth(),
        instances: any InstanceTargetResolver = WellFormedInstanceTargets(), ids: ELBv2IDGenerator = .random,
        vpcId: String = LoadBalancingService.defaultVpcId, changes: LoadBalancingChanges = LoadBalancingChanges(),
        network: (any LoadBalancerNetwork)? = nil
    ) {
        self.network = network
        self.store = store
        self.addressing = addressing
        self.health = health
        self.instances = instances
        self.ids = ids
        self.vpcId = vpcId
        self.changes = changes
    }

    /// The namer for a request's region and account.
    static func names(_ context: RequestContext) -> ELBv2Names {
        ELBv2Names(region: context.names.region, accountId: context.names.accountId)
    }

    /// How long a change waits for the data plane to serve it before it answers anyway.
    static let applyWait: Duration = .seconds(5)

    /// Runs a transition in one store transaction, publishes the committed version and
    /// waits (a few seconds at most) until the data plane serves it, so that a listener
    /// accepts connections and new targets are checked once the call has answered.
    func mutate<T: Sendable>(_ change: @escaping @Sendable (inout LoadBalancingState) throws -> T) async throws
        -> (value: T, state: LoadBalancingState)
    {
        let result = try await store.updateLoadBalancing(change)
        changes.publish(result.state.version)
        await changes.waitUntilApplied(result.state.version, timeout: Self.applyWait)
        return result
    }

    /// Throws the model constraint violations of an input as a `ValidationError`.
    static func checkConstraints(_ input: some ModelConstraints) throws {
        if let message = input.constraintViolationMessage() {
            throw AdmiralError.validation(message)
        }
    }

    /// Checks the tags of a create call.
    static func checkTags(_ tags: [ELBv2.Tag]?) throws -> [ELBv2.Tag] {
        let tags = tags ?? []
        try ELBv2TagRules.validate(tags)
        guard tags.count <= ELBv2Limits.tagsPerResource else {
            throw AdmiralError(
                .tooManyTags,
                "A resource can have at most \(ELBv2Limits.tagsPerResource) tags; \(tags.count) were given.")
        }
        return tags
    }

    /// Checks the number of ARNs or names of a Describe call.
    static func checkCount(_ items: [String]?, _ what: String) throws {
        if let items, items.count > ELBv2Limits.resourcesPerCall {
            throw AdmiralError.validation(
                "At most \(ELBv2Limits.resourcesPerCall) \(what) can be given in one call; \(items.count) were given.")
        }
    }
}
