import AdmiralModel
import AdmiralStore
import Foundation

/// A target as the ECS services controller registers it: an instance id (or IPv4
/// address) and a port (the target group's when nil).
public struct TargetRegistration: Sendable, Hashable {
    public var id: String
    public var port: Int?

    /// Creates a registration.
    public init(id: String, port: Int?) {
        self.id = id
        self.port = port
    }
}

extension LoadBalancingService {
    /// RegisterTargets: instance ids must be known to the ``InstanceTargetResolver``.
    public func registerTargets(_ input: ELBv2.RegisterTargetsInput, context: RequestContext) async throws
        -> ELBv2.RegisterTargetsOutput
    {
        try Self.checkConstraints(input)
        try await register(targetGroupArn: input.targetGroupArn, input.targets, now: context.now)
        return ELBv2.RegisterTargetsOutput()
    }

    /// DeregisterTargets: every target must be registered (`InvalidTarget`).
    public func deregisterTargets(_ input: ELBv2.DeregisterTargetsInput, context: RequestContext) async throws
        -> ELBv2.DeregisterTargetsOutput
    {
        try Self.checkConstraints(input)
        let (arn, targets) = (input.targetGroupArn, input.targets)
        _ = try await mutate { state in try state.deregisterTargets(arn: arn, targets, strict: true) }
        return ELBv2.DeregisterTargetsOutput()
    }

    /// Registers targets for the ECS services controller; registering one again changes
    /// nothing. Throws the API's errors (`TargetGroupNotFound`, `InvalidTarget`, `TooManyTargets`).
    public func registerTargets(targetGroupArn: String, targets: [TargetRegistration]) async throws {
        try await register(
            targetGroupArn: targetGroupArn, targets.map { ELBv2.TargetDescription(id: $0.id, port: $0.port) },
            now: Date())
    }

    /// Deregisters targets for the ECS services controller; targets that are not
    /// registered are skipped (level-triggered callers may repeat themselves).
    public func deregisterTargets(targetGroupArn: String, targets: [TargetRegistration]) async throws {
        let descriptions = targets.map { ELBv2.TargetDescription(id: $0.id, port: $0.port) }
        guard !descriptions.isEmpty else { return }
        _ = try await mutate { state in
            try state.deregisterTargets(arn: targetGroupArn, descriptions, strict: false)
        }
    }

    func register(targetGroupArn arn: String, _ targets: [ELBv2.TargetDescription], now: Date) async throws {
        let instanceIds = targets.map(\.id).filter { TargetRules.isInstanceId($0) }
        if !instanceIds.isEmpty {
            let unknown = try await instances.unknownInstanceIds(among: instanceIds)
            if !unknown.isEmpty {
                throw AdmiralError(
                    .invalidTarget,
                    "The following targets are not the instances of registered container instances: "
                        + unknown.map { "'\($0)'" }.joined(separator: ", ") + ".")
            }
        }
        _ = try await mutate { state in try state.registerTargets(arn: arn, targets, now: now) }
    }

    /// DescribeTargetHealth: the registered targets (or those asked about) with their
    /// health from the ``TargetHealthSource``; targets asked about that are not
    /// registered are `unused` (`Target.NotRegistered`).
    public func describeTargetHealth(_ input: ELBv2.DescribeTargetHealthInput, context: RequestContext) async throws
        -> ELBv2.DescribeTargetHealthOutput
    {
        try Self.checkConstraints(input)
        let state = try await store.loadBalancingState()
        let group = try state.targetGroup(arn: input.targetGroupArn)
        let registered = state.targets(ofTargetGroup: group.id)
        var asked: [(key: TargetKey, record: TargetRecord?)]
        if let targets = input.targets, !targets.isEmpty {
            asked = targets.map { target in
                let key = TargetKey(targetGroupId: group.id, id: target.id, port: target.port ?? group.settings.port)
                return (key: key, record: state.targets[key])
            }
        } else {
            asked = registered.map { (key: $0.key, record: Optional($0)) }
        }
        let inUse = state.isInUse(targetGroup: group.id)
        let known = asked.filter { $0.record != nil }.map { HealthTarget(id: $0.key.id, port: $0.key.port) }
        let arn = LoadBalancingRenderer(names: Self.names(context), state: state).targetGroupARN(group)
        var reported: [HealthTarget: ELBv2.TargetHealth] = [:]
        if !known.isEmpty {
            reported = await health.health(targetGroupArn: arn, targetGroupId: group.id, inUse: inUse, targets: known)
        }
        let descriptions = asked.map { item in
            let target = HealthTarget(id: item.key.id, port: item.key.port)
            let targetHealth: ELBv2.TargetHealth
            if item.record == nil {
                targetHealth = RegistrationTargetHealth.notRegistered
            } else {
                targetHealth =
                    reported[target]
                    ?? (inUse ? RegistrationTargetHealth.registering : RegistrationTargetHealth.notInUse)
            }
            return ELBv2.TargetHealthDescription(
                target: ELBv2.TargetDescription(
                    id: item.key.id, port: item.key.port, availabilityZone: item.record?.availabilityZone),
                healthCheckPort: String(group.settings.healthCheck.port(forTargetPort: item.key.port)),
                targetHealth: targetHealth)
        }
        var draining: [ELBv2.TargetHealthDescription] = []
        if input.targets?.isEmpty ?? true {
            let registeredTargets = Set(known)
            for (target, targetHealth) in await health.drainingTargets(targetGroupArn: arn)
            where !registeredTargets.contains(target) {
                draining.append(
                    ELBv2.TargetHealthDescription(
                        target: ELBv2.TargetDescription(id: target.id, port: target.port),
                        healthCheckPort: String(group.settings.healthCheck.port(forTargetPort: target.port)),
                        targetHealth: targetHealth))
            }
            draining.sort { ($0.target?.id ?? "", $0.target?.port ?? 0) < ($1.target?.id ?? "", $1.target?.port ?? 0) }
        }
        return ELBv2.DescribeTargetHealthOutput(targetHealthDescriptions: descriptions + draining)
    }
}
