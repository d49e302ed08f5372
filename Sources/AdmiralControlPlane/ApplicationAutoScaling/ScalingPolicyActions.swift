import AdmiralModel
import AdmiralStore
import Foundation

/// Scaling policies as CloudWatch alarm actions: the registry hands an alarm's
/// invocation here, and the policy changes its service's desired count.
struct ScalingPolicyActions: AlarmActionHandler {
    let service: ApplicationAutoScalingService

    /// As CloudWatch does for Auto Scaling actions: again every period while in ALARM.
    var repeatsWhileInAlarm: Bool { true }

    func check(_ arn: String) -> AlarmActionCheck {
        // EC2 Auto Scaling's policies (`…:autoScalingGroupName/NAME:…`) are GroupPolicyActions'.
        guard arn.hasPrefix("arn:aws:autoscaling:"), !arn.contains(":autoScalingGroupName/") else { return .notMine }
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 9, parts[5] == "scalingPolicy", parts[7].hasPrefix("resource/"),
            parts[8].hasPrefix("policyName/")
        else {
            return .rejected(
                "Invalid scaling policy ARN \(arn): expected arn:aws:autoscaling:REGION:ACCOUNT:scalingPolicy:ID:"
                    + "resource/ecs/service/CLUSTER/SERVICE:policyName/NAME.")
        }
        return .accepted
    }

    func invoke(_ invocation: AlarmActionInvocation) async throws {
        try await service.execute(policyARN: invocation.actionARN, invocation: invocation)
    }
}

extension ApplicationAutoScalingService {
    /// Runs a policy for an alarm in ALARM: works out the new capacity (step table or
    /// target tracking), applies cooldowns, suspension and the target's range, sets the
    /// desired count, and records the activity (or why nothing changed).
    func execute(policyARN: String, invocation: AlarmActionInvocation) async throws {
        guard let policy = try await store.policies(resourceId: nil).first(where: { $0.policyARN == policyARN }) else {
            throw AdmiralError(.objectNotFound, "The scaling policy \(policyARN) does not exist.")
        }
        guard var target = try await store.target(resourceId: policy.resourceId) else {
            throw Self.noTarget(policy.resourceId)
        }
        let now = invocation.now
        let cause = "monitor alarm \(invocation.alarmName) in state ALARM triggered policy \(policy.policyName)"
        let serviceRecord: ServiceRecord
        do {
            serviceRecord = try await ecsServiceRecord(policy.resourceId)
        } catch {
            try await record(
                policy.resourceId, description: "Setting desired count.", cause: cause, status: .failed,
                message: "Failed to set desired count: the ECS service \(policy.resourceId) no longer exists.", now: now
            )
            throw error
        }
        let current = serviceRecord.service.desiredCount ?? 0
        let minimum = target.target.minCapacity
        let maximum = target.target.maxCapacity
        guard let reading = try await cloudWatch.latestValues(ofAlarm: invocation.alarmName, now: now),
            !reading.values.isEmpty
        else { return }
        var proposed = current
        var cooldown = Cooldown(seconds: 0)
        let lastScaleOut = target.lastScaleOut.map {
            Cooldown.ScaleOut(time: $0, fromCapacity: target.lastScaleOutCapacity ?? current)
        }
        switch policy.policyType {
        case .stepScaling:
            guard let configuration = policy.stepScalingPolicyConfiguration else { return }
            let values = reading.values
            let aggregated: Double =
                switch configuration.metricAggregationType ?? .average {
                case .minimum: values.min() ?? 0
                case .maximum: values.max() ?? 0
                case .average: values.reduce(0, +) / Double(values.count)
                }
            let steps = (configuration.stepAdjustments ?? []).map(StepTable.Step.init)
            let type = CapacityChange.AdjustmentType(configuration.adjustmentType)
            guard let table = try? StepTable(validating: steps, adjustmentType: type),
                let adjustment = table.adjustment(forBreach: aggregated - reading.threshold)
            else { return }
            cooldown = Cooldown(seconds: configuration.cooldown ?? 0)
            let base = cooldown.baseCapacity(current: current, lastScaleOut: lastScaleOut, now: now)
            proposed = CapacityChange.newCapacity(
                current: base, adjustmentType: type, adjustment: adjustment,
                minAdjustmentMagnitude: configuration.minAdjustmentMagnitude, min: minimum, max: maximum)
        case .targetTrackingScaling:
            guard let configuration = policy.targetTrackingScalingPolicyConfiguration else { return }
            let scaleIn = invocation.alarmName.contains("-AlarmLow-")
            let metric = reading.values.last ?? 0
            cooldown = Cooldown(
                scaleOutSeconds: configuration.scaleOutCooldown ?? Cooldown.defaultSeconds,
                scaleInSeconds: configuration.scaleInCooldown ?? Cooldown.defaultSeconds)
            let base = scaleIn ? current : cooldown.baseCapacity(current: current, lastScaleOut: lastScaleOut, now: now)
            proposed = TargetTracking.desiredCapacity(
                current: base, metric: metric, target: configuration.targetValue, scaleIn: scaleIn, min: minimum,
                max: maximum)
            if scaleIn, proposed < current, try await !otherPoliciesAgreeToScaleIn(policy, now: now) {
                try await notScaled(policy, cause: cause, code: "OtherPolicyDisagrees", current, minimum, maximum, now)
                return
            }
        default:
            return
        }
        let direction: Cooldown.Direction = proposed > current ? .scaleOut : .scaleIn
        let suspended = target.target.suspendedState
        if direction == .scaleOut && suspended?.dynamicScalingOutSuspended == true { return }
        if direction == .scaleIn && suspended?.dynamicScalingInSuspended == true { return }
        let decision = cooldown.decide(
            current: current, direction: direction, capacity: proposed, min: minimum, max: maximum,
            lastScaleOut: lastScaleOut, lastScaleIn: target.lastScaleIn, now: now)
        switch decision {
        case .notScaled(let reason):
            try await notScaled(policy, cause: cause, code: reason.rawValue, current, minimum, maximum, now)
            return
        case .proceed(let capacity):
            proposed = capacity
        }
        try await setDesiredCount(policy.resourceId, to: proposed)
        if direction == .scaleOut {
            target.lastScaleOut = now
            // A later, larger scale-out in the cooldown counts from the capacity this one started from.
            target.lastScaleOutCapacity =
                lastScaleOut.map { cooldown.baseCapacity(current: current, lastScaleOut: $0, now: now) }
                ?? current
        } else {
            target.lastScaleIn = now
        }
        try await store.putTarget(target)
        try await record(
            policy.resourceId, description: "Setting desired count to \(proposed).", cause: cause, status: .successful,
            message: "Successfully set desired count to \(proposed). Change successfully fulfilled by ecs.", now: now)
    }

    /// Records an activity that did not scale, with AWS's reason code.
    func notScaled(
        _ policy: ApplicationAutoScaling.ScalingPolicy, cause: String, code: String, _ current: Int, _ minimum: Int,
        _ maximum: Int, _ now: Date
    ) async throws {
        try await record(
            policy.resourceId, description: "Setting desired count.", cause: cause, status: .unfulfilled,
            message: "The desired count was not changed (\(code)).",
            notScaled: [
                ApplicationAutoScaling.NotScaledReason(
                    code: code, maxCapacity: maximum, minCapacity: minimum, currentCapacity: current)
            ], now: now)
    }

    /// Whether every other target tracking policy of the target is in its scale-in
    /// alarm too: scale-in happens only when all agree.
    func otherPoliciesAgreeToScaleIn(_ policy: ApplicationAutoScaling.ScalingPolicy, now: Date) async throws -> Bool {
        let others = try await store.policies(resourceId: policy.resourceId).filter {
            $0.policyType == .targetTrackingScaling && $0.policyARN != policy.policyARN
        }
        for other in others {
            let low = (other.alarms ?? []).map(\.alarmName).filter { $0.contains("-AlarmLow-") }
            guard let name = low.first else { return false }
            let described = try await cloudWatch.store.alarms(named: [name]).first
            guard described?.metricAlarm?.stateValue == .alarm else { return false }
        }
        return true
    }
}
