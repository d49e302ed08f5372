import AdmiralModel
import AdmiralStore
import Foundation

extension ApplicationAutoScalingService {
    /// PutScalingPolicy: a step scaling policy (for alarms the user makes) or a target
    /// tracking policy, which creates and owns its two alarms. Putting a policy again
    /// replaces it (and a target tracking policy's alarms).
    public func putScalingPolicy(_ input: ApplicationAutoScaling.PutScalingPolicyRequest, context: RequestContext)
        async throws -> ApplicationAutoScaling.PutScalingPolicyResponse
    {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        guard !input.policyName.isEmpty, input.policyName.count <= 256,
            !input.policyName.contains(where: { $0 == ":" || $0 == "/" })
        else {
            throw AdmiralError.scalingValidation(
                "PolicyName must be 1 to 256 characters long and hold no ':' or '/': \(input.policyName)")
        }
        guard try await store.target(resourceId: input.resourceId) != nil else {
            throw Self.noTarget(input.resourceId)
        }
        let type = input.policyType ?? .stepScaling
        let existing = try await store.policies(resourceId: input.resourceId).first {
            $0.policyName == input.policyName
        }
        let arn =
            existing?.policyARN
            ?? "arn:aws:autoscaling:\(settings.names.region):\(settings.names.accountId):scalingPolicy:"
            + "\(UUID().uuidString.lowercased()):resource/ecs/\(input.resourceId):policyName/\(input.policyName)"
        var policy = ApplicationAutoScaling.ScalingPolicy(
            policyARN: arn, policyName: input.policyName, serviceNamespace: .ecs, resourceId: input.resourceId,
            scalableDimension: .ecsServiceDesiredCount, policyType: type, alarms: [],
            creationTime: existing?.creationTime ?? context.now)
        switch type {
        case .stepScaling:
            guard input.targetTrackingScalingPolicyConfiguration == nil else {
                throw AdmiralError.scalingValidation(
                    "TargetTrackingScalingPolicyConfiguration is not allowed for a StepScaling policy.")
            }
            guard let configuration = input.stepScalingPolicyConfiguration else {
                throw AdmiralError.scalingValidation(
                    "StepScalingPolicyConfiguration must be specified for step scaling policies")
            }
            try Self.checkStepConfiguration(configuration)
            policy.stepScalingPolicyConfiguration = configuration
        case .targetTrackingScaling:
            guard input.stepScalingPolicyConfiguration == nil else {
                throw AdmiralError.scalingValidation(
                    "StepScalingPolicyConfiguration is not allowed for a TargetTrackingScaling policy.")
            }
            guard let configuration = input.targetTrackingScalingPolicyConfiguration else {
                throw AdmiralError.scalingValidation(
                    "TargetTrackingScalingPolicyConfiguration must be specified for target tracking scaling policies")
            }
            policy.targetTrackingScalingPolicyConfiguration = configuration
            let alarms = try targetTrackingAlarms(policy, configuration)
            if let old = existing?.alarms { try await cloudWatch.deleteManagedAlarms(old.map(\.alarmName)) }
            for alarm in alarms {
                try await cloudWatch.putManagedAlarm(alarm, managedBy: arn, now: context.now)
            }
            policy.alarms = alarms.compactMap { alarm in
                alarm.alarmName.map { ApplicationAutoScaling.Alarm(alarmName: $0, alarmARN: alarm.alarmArn ?? "") }
            }
        default:
            throw AdmiralError.scalingValidation(
                "PolicyType \(type.rawValue) is not supported for ECS services in Admiral: use StepScaling or "
                    + "TargetTrackingScaling.")
        }
        try await store.putPolicy(policy)
        return ApplicationAutoScaling.PutScalingPolicyResponse(policyARN: arn, alarms: policy.alarms)
    }

    static func noTarget(_ resourceId: String) -> AdmiralError {
        AdmiralError(
            .objectNotFound,
            "No scalable target registered for service namespace: ecs, resource ID: \(resourceId), scalable "
                + "dimension: ecs:service:DesiredCount")
    }

    static func checkStepConfiguration(_ configuration: ApplicationAutoScaling.StepScalingPolicyConfiguration) throws {
        guard configuration.adjustmentType != nil else {
            throw AdmiralError.scalingValidation("AdjustmentType must be specified for step scaling policies")
        }
        let steps = configuration.stepAdjustments ?? []
        guard !steps.isEmpty else {
            throw AdmiralError.scalingValidation("StepAdjustments must be specified for step scaling policies")
        }
        let type = CapacityChange.AdjustmentType(configuration.adjustmentType)
        do {
            _ = try StepTable(validating: steps.map(StepTable.Step.init), adjustmentType: type)
            try CapacityChange.validate(
                adjustmentType: type, minAdjustmentMagnitude: configuration.minAdjustmentMagnitude)
        } catch {
            throw AdmiralError.scalingValidation(error.message)
        }
        if let cooldown = configuration.cooldown, cooldown < 0 {
            throw AdmiralError.scalingValidation("Cooldown must be 0 or more.")
        }
    }

    /// The two alarms of a target tracking policy, with AWS's names, thresholds and
    /// datapoints, at the scaling period.
    func targetTrackingAlarms(
        _ policy: ApplicationAutoScaling.ScalingPolicy,
        _ configuration: ApplicationAutoScaling.TargetTrackingScalingPolicyConfiguration
    ) throws -> [CloudWatch.MetricAlarm] {
        guard configuration.targetValue > 0, configuration.targetValue.isFinite else {
            throw AdmiralError.scalingValidation("TargetValue must be a positive number.")
        }
        var namespace: String?
        var metricName: String?
        var dimensions: [CloudWatch.Dimension] = []
        var statistic: CloudWatch.Statistic?
        var metrics: [CloudWatch.MetricDataQuery]?
        switch (configuration.predefinedMetricSpecification, configuration.customizedMetricSpecification) {
        case (.some(let predefined), nil):
            let metric: (namespace: String, name: String, dimensions: [(String, String)], statistic: String)
            do {
                metric = try TargetTracking.metric(
                    for: predefined.predefinedMetricType.rawValue, resourceId: policy.resourceId,
                    resourceLabel: predefined.resourceLabel)
            } catch {
                throw AdmiralError.scalingValidation(error.message)
            }
            namespace = metric.namespace
            metricName = metric.name
            dimensions = metric.dimensions.map { CloudWatch.Dimension(name: $0.0, value: $0.1) }
            statistic = CloudWatch.Statistic(rawValue: metric.statistic)
        case (nil, .some(let custom)):
            if let queries = custom.metrics {
                metrics = queries.map { query in
                    CloudWatch.MetricDataQuery(
                        id: query.id,
                        metricStat: query.metricStat.map { stat in
                            CloudWatch.MetricStat(
                                metric: CloudWatch.Metric(
                                    namespace: stat.metric.namespace, metricName: stat.metric.metricName,
                                    dimensions: stat.metric.dimensions?.map {
                                        CloudWatch.Dimension(name: $0.name, value: $0.value)
                                    }),
                                period: settings.scalingPeriod, stat: stat.stat,
                                unit: stat.unit.flatMap(CloudWatch.StandardUnit.init(rawValue:)))
                        },
                        expression: query.expression, label: query.label, returnData: query.returnData,
                        period: query.expression != nil ? settings.scalingPeriod : nil)
                }
            } else {
                guard let name = custom.metricName, let space = custom.namespace, let stat = custom.statistic else {
                    throw AdmiralError.scalingValidation(
                        "CustomizedMetricSpecification needs MetricName, Namespace and Statistic, or Metrics.")
                }
                namespace = space
                metricName = name
                dimensions = (custom.dimensions ?? []).map { CloudWatch.Dimension(name: $0.name, value: $0.value) }
                statistic = CloudWatch.Statistic(rawValue: stat.rawValue)
            }
        case (.some, .some):
            throw AdmiralError.scalingValidation(
                "Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must be specified.")
        case (nil, nil):
            throw AdmiralError.scalingValidation(
                "Either PredefinedMetricSpecification or CustomizedMetricSpecification must be specified.")
        }
        let id = UUID().uuidString.lowercased()
        return TargetTracking.alarms(
            target: configuration.targetValue, period: settings.scalingPeriod,
            disableScaleIn: configuration.disableScaleIn ?? false
        ).map { settings in
            let name = "TargetTracking-\(policy.resourceId)-\(settings.nameSuffix)-\(id)"
            return CloudWatch.MetricAlarm(
                alarmName: name,
                alarmArn:
                    "arn:aws:cloudwatch:\(self.settings.names.region):\(self.settings.names.accountId):alarm:\(name)",
                alarmDescription: "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy \(policy.policyARN).",
                actionsEnabled: true, oKActions: [], alarmActions: [policy.policyARN], insufficientDataActions: [],
                metricName: metricName, namespace: namespace, statistic: statistic,
                dimensions: metrics == nil ? dimensions : nil, period: metrics == nil ? settings.period : nil,
                evaluationPeriods: settings.evaluationPeriods, datapointsToAlarm: settings.datapointsToAlarm,
                threshold: settings.threshold,
                comparisonOperator: CloudWatch.ComparisonOperator(rawValue: settings.comparison.rawValue),
                metrics: metrics)
        }
    }

    /// DescribeScalingPolicies, each with the alarms that invoke it.
    public func describeScalingPolicies(
        _ input: ApplicationAutoScaling.DescribeScalingPoliciesRequest, context: RequestContext
    ) async throws -> ApplicationAutoScaling.DescribeScalingPoliciesResponse {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        var policies = try await store.policies(resourceId: input.resourceId)
        if let names = input.policyNames, !names.isEmpty {
            policies = policies.filter { names.contains($0.policyName) }
        }
        var described: [ApplicationAutoScaling.ScalingPolicy] = []
        for var policy in policies {
            if policy.policyType == .stepScaling {
                policy.alarms = try await cloudWatch.alarms(
                    invoking: policy.policyARN, region: context.names.region, accountId: context.names.accountId
                ).map { ApplicationAutoScaling.Alarm(alarmName: $0.name, alarmARN: $0.arn) }
            }
            described.append(policy)
        }
        let (page, next) = try Self.page(described, key: \.policyARN, size: input.maxResults, token: input.nextToken)
        return ApplicationAutoScaling.DescribeScalingPoliciesResponse(scalingPolicies: page, nextToken: next)
    }

    /// DeleteScalingPolicy, with the alarms a target tracking policy owns.
    public func deleteScalingPolicy(_ input: ApplicationAutoScaling.DeleteScalingPolicyRequest, context: RequestContext)
        async throws -> ApplicationAutoScaling.DeleteScalingPolicyResponse
    {
        try Self.checkResource(input.serviceNamespace, input.scalableDimension, input.resourceId)
        guard let policy = try await store.deletePolicy(resourceId: input.resourceId, name: input.policyName) else {
            throw AdmiralError(
                .objectNotFound,
                "No scaling policy found for service namespace: ecs, resource ID: \(input.resourceId), scalable "
                    + "dimension: ecs:service:DesiredCount, policy name: \(input.policyName)")
        }
        if policy.policyType == .targetTrackingScaling {
            try await cloudWatch.deleteManagedAlarms((policy.alarms ?? []).map(\.alarmName))
        }
        return ApplicationAutoScaling.DeleteScalingPolicyResponse()
    }
}
