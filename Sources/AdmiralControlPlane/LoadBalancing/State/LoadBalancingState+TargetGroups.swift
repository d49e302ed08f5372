import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingState {
    /// CreateTargetGroup: creates the target group, or returns the existing one of that
    /// name when its settings are the same (AWS's idempotence).
    mutating func createTargetGroup(
        name: String, settings: TargetGroupSettings, tags: [ELBv2.Tag], id: String, now: Date
    ) throws -> TargetGroupRecord {
        if let existing = targetGroup(named: name) {
            guard existing.settings == settings else {
                throw AdmiralError(
                    .duplicateTargetGroupName,
                    "A target group with the same name '\(name)' exists, but with different settings.")
            }
            return existing
        }
        guard targetGroups.count < ELBv2Limits.targetGroups else {
            throw AdmiralError(
                .tooManyTargetGroups,
                "The maximum number of target groups (\(ELBv2Limits.targetGroups)) has been reached; delete one first.")
        }
        let record = TargetGroupRecord(
            id: id, name: name, settings: settings, attributes: [:], tags: tags, createdAt: now)
        targetGroups[id] = record
        return record
    }

    /// ModifyTargetGroup: changes the health check.
    mutating func modifyTargetGroup(arn: String, _ changes: HealthCheckRules.Changes) throws -> TargetGroupRecord {
        var record = try targetGroup(arn: arn)
        record.settings.healthCheck = try HealthCheckRules.apply(changes, to: record.settings.healthCheck)
        targetGroups[record.id] = record
        return record
    }

    /// DeleteTargetGroup: removes the target group and its registrations; refused while a
    /// listener or rule forwards to it. An unknown target group is not an error. Returns
    /// whether one was deleted.
    mutating func deleteTargetGroup(arn: String) throws -> Bool {
        guard case .targetGroup(let name, let id) = try ELBv2Resource.parse(arn, as: .targetGroup),
            let record = targetGroups[id], record.name == name
        else { return false }
        guard !isInUse(targetGroup: id) else {
            throw AdmiralError(
                .resourceInUse,
                "Target group '\(arn)' is currently in use by a listener or a rule; remove it from their actions first."
            )
        }
        targetGroups[id] = nil
        for key in targets.keys where key.targetGroupId == id {
            targets[key] = nil
        }
        return true
    }

    /// ModifyTargetGroupAttributes.
    mutating func modifyTargetGroupAttributes(arn: String, _ changes: [ELBv2.TargetGroupAttribute]) throws
        -> TargetGroupRecord
    {
        var record = try targetGroup(arn: arn)
        record.attributes = try TargetGroupAttributeRules.apply(changes, to: record.attributes)
        targetGroups[record.id] = record
        return record
    }

    /// The key a target description stands for in a target group: its port is the target
    /// group's when left out. Checks the id's form for the target type (`InvalidTarget`).
    func targetKey(_ target: ELBv2.TargetDescription, in group: TargetGroupRecord) throws -> TargetKey {
        let port = target.port ?? group.settings.port
        switch group.settings.targetType {
        case .ip:
            guard TargetRules.isIPv4Address(target.id) else {
                throw AdmiralError(
                    .invalidTarget,
                    "The following targets are not valid IPv4 addresses for target group '\(group.name)' "
                        + "(target type ip): '\(target.id)'.")
            }
        default:
            guard TargetRules.isInstanceId(target.id) else {
                throw AdmiralError(
                    .invalidTarget,
                    "The following targets are not valid instance ids for target group '\(group.name)' "
                        + "(target type instance, i- followed by 8 or 17 hex digits): '\(target.id)'.")
            }
        }
        return TargetKey(targetGroupId: group.id, id: target.id, port: port)
    }

    /// RegisterTargets: registers targets (registering one again changes nothing), within
    /// the quotas per target group and per load balancer.
    mutating func registerTargets(arn: String, _ descriptions: [ELBv2.TargetDescription], now: Date) throws {
        let group = try targetGroup(arn: arn)
        guard !descriptions.isEmpty else {
            throw AdmiralError.validation("At least one target must be specified.")
        }
        for description in descriptions {
            let key = try targetKey(description, in: group)
            if targets[key] == nil {
                targets[key] = TargetRecord(key: key, availabilityZone: description.availabilityZone, registeredAt: now)
            }
        }
        let count = targetCount(inTargetGroups: [group.id])
        guard count <= ELBv2Limits.targetsPerTargetGroup else {
            throw AdmiralError(
                .tooManyTargets,
                "A target group can have at most \(ELBv2Limits.targetsPerTargetGroup) targets; this request would "
                    + "give '\(group.name)' \(count).")
        }
        for balancer in loadBalancerIds(usingTargetGroup: group.id) {
            try checkForwardingLimits(ofLoadBalancer: balancer)
        }
    }

    /// DeregisterTargets: removes registrations. With `strict` (the API), a target that is
    /// not registered is an `InvalidTarget` and nothing changes; without (the services
    /// controller), it is skipped.
    mutating func deregisterTargets(arn: String, _ descriptions: [ELBv2.TargetDescription], strict: Bool) throws {
        let group = try targetGroup(arn: arn)
        guard !descriptions.isEmpty else {
            throw AdmiralError.validation("At least one target must be specified.")
        }
        var missing: [String] = []
        for description in descriptions {
            let key = TargetKey(
                targetGroupId: group.id, id: description.id, port: description.port ?? group.settings.port)
            if targets.removeValue(forKey: key) == nil {
                missing.append("\(key.id):\(key.port)")
            }
        }
        if strict, !missing.isEmpty {
            throw AdmiralError(
                .invalidTarget,
                "The following targets are not registered in target group '\(group.name)': "
                    + missing.map { "'\($0)'" }.joined(separator: ", ") + ".")
        }
    }
}
