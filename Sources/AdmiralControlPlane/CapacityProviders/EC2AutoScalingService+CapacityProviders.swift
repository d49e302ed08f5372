import AdmiralModel
import AdmiralStore
import Foundation

/// Capacity providers find their Auto Scaling groups here, by ARN or by name (ECS
/// accepts either as `autoScalingGroupArn`).
extension EC2AutoScalingService: CapacityProviderGroups {
    public func group(arn: String) async throws -> CapacityProviderGroup? {
        let name =
            if arn.hasPrefix("arn:") {
                arn.range(of: ":autoScalingGroupName/").map { String(arn[$0.upperBound...]) }
            } else {
                arn
            }
        guard let name, !name.isEmpty else { return nil }
        guard let record = try await store.read({ try $0.group(name) }), !record.deleting else { return nil }
        if arn.hasPrefix("arn:"), let stored = record.group.autoScalingGroupARN, stored != arn { return nil }
        return CapacityProviderGroup(
            name: name, arn: record.group.autoScalingGroupARN ?? arn,
            newInstancesProtectedFromScaleIn: record.group.newInstancesProtectedFromScaleIn ?? false)
    }
}

extension EC2AutoScalingService {
    /// The name of the target tracking policy ECS makes on a managed-scaling provider's
    /// group (`ECSManagedAutoScalingPolicy-…`).
    static func managedScalingPolicyName(provider: String) -> String {
        "ECSManagedAutoScalingPolicy-\(provider)"
    }

    public func putManagedScalingPolicy(
        group: String, provider: String, cluster: String, targetCapacity: Int, context: RequestContext
    ) async throws {
        var input = EC2AutoScaling.PutScalingPolicyType(
            autoScalingGroupName: group, policyName: Self.managedScalingPolicyName(provider: provider))
        input.policyType = "TargetTrackingScaling"
        var metric = EC2AutoScaling.CustomizedMetricSpecification()
        metric.metricName = "CapacityProviderReservation"
        metric.namespace = "AWS/ECS/ManagedScaling"
        metric.dimensions = [
            EC2AutoScaling.MetricDimension(name: "CapacityProviderName", value: provider),
            EC2AutoScaling.MetricDimension(name: "ClusterName", value: cluster),
        ]
        metric.statistic = .average
        var tracking = EC2AutoScaling.TargetTrackingConfiguration(targetValue: Double(targetCapacity))
        tracking.customizedMetricSpecification = metric
        input.targetTrackingConfiguration = tracking
        _ = try await putScalingPolicy(input, context: context)
    }

    public func deleteManagedScalingPolicy(group: String, provider: String, context: RequestContext) async {
        _ = try? await deletePolicy(
            EC2AutoScaling.DeletePolicyType(
                autoScalingGroupName: group, policyName: Self.managedScalingPolicyName(provider: provider)),
            context: context)
    }
}

extension EC2AutoScalingService {
    /// The instances the group has or is about to have: its desired capacity, or more
    /// while extra ones still run.
    public func liveInstanceCount(group: String) async throws -> Int {
        try await store.read { transaction in
            guard let record = try transaction.group(group) else { return 0 }
            let live = try transaction.instances(group: group).filter {
                [.pending, .pendingWait, .pendingProceed, .inService].contains($0.lifecycleState)
            }.count
            return max(record.group.desiredCapacity, live)
        }
    }

    /// The group of each instance that is in one and not on its way out, by instance id.
    public func groupMembership() async throws -> [String: String] {
        try await store.read { transaction in
            var groups: [String: String] = [:]
            for instance in try transaction.instances(group: nil)
            where [.pending, .pendingWait, .pendingProceed, .inService].contains(instance.lifecycleState) {
                groups[instance.instanceId] = instance.groupName
            }
            return groups
        }
    }
}
