import AdmiralModel
import AdmiralStore
import Foundation

extension EC2AutoScalingService {
    /// PutScalingPolicy: SimpleScaling (ScalingAdjustment), StepScaling (StepAdjustments)
    /// for alarms the user makes, or TargetTrackingScaling, which creates and owns its two
    /// alarms. Putting a policy again replaces it (and its alarms).
    public func putScalingPolicy(_ input: EC2AutoScaling.PutScalingPolicyType, context: RequestContext)
        async throws -> EC2AutoScaling.PolicyARNType
    {
        let groupName = input.autoScalingGroupName
        let name = input.policyName
        guard !name.isEmpty, name.count <= 255, !name.contains(":") else {
            throw AdmiralError.validation("PolicyName must be 1 to 255 characters long and hold no ':'.")
        }
        let (group, existing) = try await store.read { transaction in
            (
                try Self.requireGroup(groupName, in: transaction),
                try transaction.object(.policy, group: groupName, name: name, as: EC2AutoScaling.ScalingPolicy.self)
            )
        }
        let type = input.policyType ?? "SimpleScaling"
        let arn =
            existing?.policyARN
            ?? "arn:aws:autoscaling:\(context.names.region):\(context.names.accountId):scalingPolicy:"
            + "\(UUID().uuidString.lowercased()):autoScalingGroupName/\(groupName):policyName/\(name)"
        var policy = EC2AutoScaling.ScalingPolicy(
            autoScalingGroupName: groupName, policyName: name, policyARN: arn, policyType: type, alarms: [],
            enabled: input.enabled ?? true)
        switch type {
        case "SimpleScaling", "StepScaling":
            let adjustmentType = try Self.adjustmentType(input.adjustmentType)
            let magnitude = input.minAdjustmentMagnitude ?? input.minAdjustmentStep
            if magnitude != nil, adjustmentType != .percentChangeInCapacity {
                throw AdmiralError.validation(
                    "MinAdjustmentMagnitude may only be specified with AdjustmentType PercentChangeInCapacity.")
            }
            policy.adjustmentType = adjustmentType.rawValue
            policy.minAdjustmentMagnitude = magnitude
            if type == "SimpleScaling" {
                guard let adjustment = input.scalingAdjustment else {
                    throw AdmiralError.validation("ScalingAdjustment is required for simple scaling policies.")
                }
                guard input.stepAdjustments == nil else {
                    throw AdmiralError.validation("StepAdjustments are not allowed for simple scaling policies.")
                }
                policy.scalingAdjustment = adjustment
                policy.cooldown = input.cooldown
            } else {
                let steps = input.stepAdjustments ?? []
                guard !steps.isEmpty else {
                    throw AdmiralError.validation("StepAdjustments are required for step scaling policies.")
                }
                guard input.scalingAdjustment == nil, input.cooldown == nil else {
                    throw AdmiralError.validation(
                        "ScalingAdjustment and Cooldown are not allowed for step scaling policies.")
                }
                do {
                    _ = try StepTable(validating: steps.map(Self.step), adjustmentType: adjustmentType)
                } catch {
                    throw AdmiralError.validation(error.message)
                }
                policy.stepAdjustments = steps
                policy.metricAggregationType = input.metricAggregationType ?? "Average"
                policy.estimatedInstanceWarmup = input.estimatedInstanceWarmup
            }
        case "TargetTrackingScaling":
            guard let configuration = input.targetTrackingConfiguration else {
                throw AdmiralError.validation(
                    "TargetTrackingConfiguration is required for target tracking scaling policies.")
            }
            guard input.scalingAdjustment == nil, input.stepAdjustments == nil, input.adjustmentType == nil else {
                throw AdmiralError.validation(
                    "AdjustmentType, ScalingAdjustment and StepAdjustments are not allowed for target tracking "
                        + "scaling policies.")
            }
            policy.targetTrackingConfiguration = configuration
            policy.estimatedInstanceWarmup = input.estimatedInstanceWarmup
            let alarms = try targetTrackingAlarms(group: group, policyARN: arn, configuration, context: context)
            if let old = existing?.alarms { try await cloudWatch.deleteManagedAlarms(old.compactMap(\.alarmName)) }
            for alarm in alarms { try await cloudWatch.putManagedAlarm(alarm, managedBy: arn, now: context.now) }
            policy.alarms = alarms.map { EC2AutoScaling.Alarm(alarmName: $0.alarmName, alarmARN: $0.alarmArn) }
        default:
            throw AdmiralError.validation(
                "PolicyType \(type) is not supported: use SimpleScaling, StepScaling or TargetTrackingScaling.")
        }
        if let existing, existing.policyType == "TargetTrackingScaling", type != "TargetTrackingScaling" {
            try await cloudWatch.deleteManagedAlarms((existing.alarms ?? []).compactMap(\.alarmName))
        }
        let stored = policy
        try await store.write { transaction in
            _ = try Self.requireGroup(groupName, in: transaction)
            try transaction.put(.policy, group: groupName, name: name, stored)
        }
        return EC2AutoScaling.PolicyARNType(policyARN: arn, alarms: policy.alarms)
    }

    static func adjustmentType(_ raw: String?) throws -> CapacityChange.AdjustmentType {
        guard let raw else {
            throw AdmiralError.validation("AdjustmentType is required for simple and step scaling policies.")
        }
        guard let type = CapacityChange.AdjustmentType(rawValue: raw) else {
            throw AdmiralError.validation(
                "Invalid adjustment type \(raw); use ChangeInCapacity, ExactCapacity or PercentChangeInCapacity.")
        }
        return type
    }

    static func step(_ adjustment: EC2AutoScaling.StepAdjustment) -> StepTable.Step {
        StepTable.Step(
            lower: adjustment.metricIntervalLowerBound, upper: adjustment.metricIntervalUpperBound,
            adjustment: adjustment.scalingAdjustment)
    }

    /// The alarms of a target tracking policy, with AWS's names
    /// (`TargetTracking-GROUP-AlarmHigh-UUID`), on the group's metric.
    func targetTrackingAlarms(
        group: AutoScalingGroupRecord, policyARN: String, _ configuration: EC2AutoScaling.TargetTrackingConfiguration,
        context: RequestContext
    ) throws -> [CloudWatch.MetricAlarm] {
        guard configuration.targetValue > 0, configuration.targetValue.isFinite else {
            throw AdmiralError.validation("TargetValue must be a positive number.")
        }
        let namespace: String
        let metricName: String
        var dimensions: [CloudWatch.Dimension]
        let statistic: CloudWatch.Statistic
        switch (configuration.predefinedMetricSpecification, configuration.customizedMetricSpecification) {
        case (.some(let predefined), nil):
            dimensions = [CloudWatch.Dimension(name: "AutoScalingGroupName", value: group.name)]
            statistic = .average
            namespace = predefined.predefinedMetricType == .aLBRequestCountPerTarget ? "AWS/ApplicationELB" : "AWS/EC2"
            switch predefined.predefinedMetricType {
            case .aSGAverageCPUUtilization: metricName = "CPUUtilization"
            case .aSGAverageNetworkIn: metricName = "NetworkIn"
            case .aSGAverageNetworkOut: metricName = "NetworkOut"
            case .aLBRequestCountPerTarget:
                metricName = "RequestCountPerTarget"
                guard let label = predefined.resourceLabel, let range = label.range(of: "/targetgroup/") else {
                    throw AdmiralError.validation(
                        "ResourceLabel is required for ALBRequestCountPerTarget: "
                            + "app/LOAD-BALANCER/ID/targetgroup/TARGET-GROUP/ID.")
                }
                dimensions = [
                    CloudWatch.Dimension(
                        name: "TargetGroup", value: String(label[label.index(after: range.lowerBound)...]))
                ]
            }
        case (nil, .some(let custom)):
            guard let name = custom.metricName, let space = custom.namespace, let stat = custom.statistic,
                let value = CloudWatch.Statistic(rawValue: stat.rawValue)
            else {
                throw AdmiralError.validation(
                    "CustomizedMetricSpecification needs MetricName, Namespace and Statistic.")
            }
            namespace = space
            metricName = name
            dimensions = (custom.dimensions ?? []).map { CloudWatch.Dimension(name: $0.name, value: $0.value) }
            statistic = value
        default:
            throw AdmiralError.validation(
                "Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified.")
        }
        let id = UUID().uuidString.lowercased()
        return TargetTracking.alarms(
            target: configuration.targetValue, period: scalingPeriod,
            disableScaleIn: configuration.disableScaleIn ?? false
        ).map { settings in
            let name = "TargetTracking-\(group.name)-\(settings.nameSuffix)-\(id)"
            return CloudWatch.MetricAlarm(
                alarmName: name,
                alarmArn: "arn:aws:cloudwatch:\(context.names.region):\(context.names.accountId):alarm:\(name)",
                alarmDescription: "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy \(policyARN).",
                actionsEnabled: true, oKActions: [], alarmActions: [policyARN], insufficientDataActions: [],
                metricName: metricName, namespace: namespace, statistic: statistic, dimensions: dimensions,
                period: settings.period, evaluationPeriods: settings.evaluationPeriods,
                datapointsToAlarm: settings.datapointsToAlarm, threshold: settings.threshold,
                comparisonOperator: CloudWatch.ComparisonOperator(rawValue: settings.comparison.rawValue))
        }
    }

    /// DescribePolicies, each with the alarms that invoke it.
    public func describePolicies(_ input: EC2AutoScaling.DescribePoliciesType, context: RequestContext) async throws
        -> EC2AutoScaling.PoliciesType
    {
        let group = input.autoScalingGroupName
        var policies = try await store.read { transaction in
            if let group { _ = try Self.requireGroup(group, in: transaction) }
            return try transaction.objects(.policy, group: group, as: EC2AutoScaling.ScalingPolicy.self)
        }
        if let names = input.policyNames, !names.isEmpty {
            policies = policies.filter { names.contains($0.policyName ?? "") || names.contains($0.policyARN ?? "") }
        }
        if let types = input.policyTypes, !types.isEmpty {
            policies = policies.filter { types.contains($0.policyType ?? "") }
        }
        for index in policies.indices where policies[index].policyType != "TargetTrackingScaling" {
            policies[index].alarms = try await cloudWatch.alarms(
                invoking: policies[index].policyARN ?? "", region: context.names.region,
                accountId: context.names.accountId
            ).map { EC2AutoScaling.Alarm(alarmName: $0.name, alarmARN: $0.arn) }
        }
        let (page, next) = try Self.page(policies, token: input.nextToken, maxRecords: input.maxRecords)
        return .init(scalingPolicies: page, nextToken: next)
    }

    /// DeletePolicy, with the alarms a target tracking policy owns.
    public func deletePolicy(_ input: EC2AutoScaling.DeletePolicyType, context: RequestContext) async throws {
        let policy = try await store.write { transaction -> EC2AutoScaling.ScalingPolicy in
            guard let policy = try Self.findPolicy(input.policyName, group: input.autoScalingGroupName, in: transaction)
            else {
                throw AdmiralError.validation("Policy \(input.policyName) not found.")
            }
            try transaction.delete(.policy, group: policy.autoScalingGroupName ?? "", name: policy.policyName ?? "")
            return policy
        }
        if policy.policyType == "TargetTrackingScaling" {
            try await cloudWatch.deleteManagedAlarms((policy.alarms ?? []).compactMap(\.alarmName))
        }
    }

    /// A policy by name (in a group) or by ARN.
    static func findPolicy(_ nameOrARN: String, group: String?, in transaction: AutoScalingTransaction) throws
        -> EC2AutoScaling.ScalingPolicy?
    {
        if nameOrARN.hasPrefix("arn:") {
            return try transaction.objects(.policy, as: EC2AutoScaling.ScalingPolicy.self).first {
                $0.policyARN == nameOrARN
            }
        }
        guard let group else { return nil }
        return try transaction.object(.policy, group: group, name: nameOrARN, as: EC2AutoScaling.ScalingPolicy.self)
    }

    /// ExecutePolicy: a simple policy applies its adjustment; a step policy the step for
    /// MetricValue against BreachThreshold. With HonorCooldown a group in its cooldown refuses.
    public func executePolicy(_ input: EC2AutoScaling.ExecutePolicyType, context: RequestContext) async throws {
        let policy = try await store.read { transaction in
            try Self.findPolicy(input.policyName, group: input.autoScalingGroupName, in: transaction)
        }
        guard let policy else { throw AdmiralError.validation("Policy \(input.policyName) not found.") }
        var adjustment: Int
        switch policy.policyType {
        case "StepScaling":
            guard let metric = input.metricValue, let threshold = input.breachThreshold else {
                throw AdmiralError.validation("MetricValue and BreachThreshold are required for step scaling policies.")
            }
            let table = try StepTable(
                validating: (policy.stepAdjustments ?? []).map(Self.step),
                adjustmentType: CapacityChange.AdjustmentType(rawValue: policy.adjustmentType ?? ""))
            guard let step = table.adjustment(forBreach: metric - threshold) else {
                throw AdmiralError.validation(
                    "No step adjustment found for metric value \(metric) and breach threshold \(threshold).")
            }
            adjustment = step
        case "TargetTrackingScaling":
            throw AdmiralError.validation("ExecutePolicy is not supported for target tracking scaling policies.")
        default:
            adjustment = policy.scalingAdjustment ?? 0
        }
        try await apply(
            policy, adjustment: adjustment, alarm: nil, honorCooldown: input.honorCooldown ?? false, now: context.now)
    }

    /// Runs a policy for an alarm in ALARM.
    func execute(policyARN: String, invocation: AlarmActionInvocation) async throws {
        let policy = try await store.read { transaction in
            try Self.findPolicy(policyARN, group: nil, in: transaction)
        }
        guard let policy, policy.enabled != false else { return }
        let now = invocation.now
        switch policy.policyType {
        case "TargetTrackingScaling":
            guard let configuration = policy.targetTrackingConfiguration,
                let reading = try await cloudWatch.latestValues(ofAlarm: invocation.alarmName, now: now),
                let metric = reading.values.last
            else { return }
            let scaleIn = invocation.alarmName.contains("-AlarmLow-")
            let group = try await store.read { transaction in
                try Self.requireGroup(policy.autoScalingGroupName ?? "", in: transaction)
            }
            var capacity = TargetTracking.desiredCapacity(
                current: group.group.desiredCapacity, metric: metric, target: configuration.targetValue,
                scaleIn: scaleIn, min: group.group.minSize, max: group.group.maxSize)
            if group.group.desiredCapacity == 0, metric > configuration.targetValue {
                // No proportion of zero instances helps: from zero, the group starts one
                // (what ECS managed scaling's 200 % asks for with no instance).
                capacity = min(max(1, group.group.minSize), group.group.maxSize)
            }
            try await apply(
                policy, exact: capacity, alarm: invocation.alarmName, honorCooldown: false, now: now)
        case "StepScaling":
            guard let reading = try await cloudWatch.latestValues(ofAlarm: invocation.alarmName, now: now),
                !reading.values.isEmpty
            else { return }
            let values = reading.values
            let aggregated: Double =
                switch policy.metricAggregationType ?? "Average" {
                case "Minimum": values.min() ?? 0
                case "Maximum": values.max() ?? 0
                default: values.reduce(0, +) / Double(values.count)
                }
            guard
                let table = try? StepTable(
                    validating: (policy.stepAdjustments ?? []).map(Self.step),
                    adjustmentType: CapacityChange.AdjustmentType(rawValue: policy.adjustmentType ?? "")),
                let adjustment = table.adjustment(forBreach: aggregated - reading.threshold)
            else { return }
            try await apply(policy, adjustment: adjustment, alarm: invocation.alarmName, honorCooldown: false, now: now)
        default:
            // Simple scaling waits for the cooldown after every scaling activity.
            try await apply(
                policy, adjustment: policy.scalingAdjustment ?? 0, alarm: invocation.alarmName, honorCooldown: true,
                now: now, quietlyInCooldown: true)
        }
    }

    /// Sets the group's desired capacity as the policy says, within its bounds, as a
    /// user's SetDesiredCapacity would, and wakes the controller.
    func apply(
        _ policy: EC2AutoScaling.ScalingPolicy, adjustment: Int = 0, exact: Int? = nil, alarm: String?,
        honorCooldown: Bool, now: Date, quietlyInCooldown: Bool = false
    ) async throws {
        let changed = try await store.write { transaction -> Bool in
            var group = try Self.requireGroup(policy.autoScalingGroupName ?? "", in: transaction)
            if alarm != nil, !group.runs(.alarmNotification) { return false }
            let cooldown = TimeInterval(policy.cooldown ?? group.group.defaultCooldown)
            if honorCooldown, let last = group.lastScaledAt, now < last.addingTimeInterval(cooldown) {
                if quietlyInCooldown { return false }
                throw AdmiralError(
                    .scalingActivityInProgress,
                    "Scaling activity was not allowed: the AutoScalingGroup \(group.name) is in its cooldown period.")
            }
            let current = group.group.desiredCapacity
            let type = CapacityChange.AdjustmentType(rawValue: policy.adjustmentType ?? "") ?? .changeInCapacity
            let capacity =
                exact
                ?? CapacityChange.newCapacity(
                    current: current, adjustmentType: type, adjustment: adjustment,
                    minAdjustmentMagnitude: policy.minAdjustmentMagnitude, min: group.group.minSize,
                    max: group.group.maxSize)
            guard capacity != current else { return false }
            group.group.desiredCapacity = capacity
            group.desiredCause = ActivityText.policy(
                at: now, alarm: alarm, policy: policy.policyName ?? "", from: current, to: capacity)
            group.lastScaledAt = now
            try transaction.put(group)
            return true
        }
        if changed { wake() }
    }
}
