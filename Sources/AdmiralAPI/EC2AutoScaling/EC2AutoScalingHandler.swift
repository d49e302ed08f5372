import AWSWire
import AdmiralControlPlane
import AdmiralModel
import Foundation

/// The EC2 Auto Scaling service of the endpoint (Query protocol, version 2011-01-01):
/// decodes the form parameters into the generated input shape, calls
/// ``EC2AutoScalingService``, encodes the XML response (or only the response metadata
/// for actions without a result).
struct EC2AutoScalingHandler: Sendable {
    typealias Operation =
        @Sendable (_ request: QueryRequest, _ context: RequestContext, _ requestId: String)
        async throws -> [UInt8]

    let operations: [String: Operation]

    static let decoder = QueryDecoder(keyStrategy: .useDefaultKeys)
    static let encoder = QueryResponseEncoder(namespace: EC2AutoScaling.xmlNamespace)

    init(service: EC2AutoScalingService) {
        operations = [
            "CreateLaunchConfiguration": Self.action("CreateLaunchConfiguration", service.createLaunchConfiguration),
            "DescribeLaunchConfigurations": Self.operation(
                "DescribeLaunchConfigurations", service.describeLaunchConfigurations),
            "DeleteLaunchConfiguration": Self.action("DeleteLaunchConfiguration", service.deleteLaunchConfiguration),
            "CreateAutoScalingGroup": Self.action("CreateAutoScalingGroup", service.createAutoScalingGroup),
            "UpdateAutoScalingGroup": Self.action("UpdateAutoScalingGroup", service.updateAutoScalingGroup),
            "DeleteAutoScalingGroup": Self.action("DeleteAutoScalingGroup", service.deleteAutoScalingGroup),
            "DescribeAutoScalingGroups": Self.operation("DescribeAutoScalingGroups", service.describeAutoScalingGroups),
            "DescribeAutoScalingInstances": Self.operation(
                "DescribeAutoScalingInstances", service.describeAutoScalingInstances),
            "SetDesiredCapacity": Self.action("SetDesiredCapacity", service.setDesiredCapacity),
            "TerminateInstanceInAutoScalingGroup": Self.operation(
                "TerminateInstanceInAutoScalingGroup", service.terminateInstanceInAutoScalingGroup),
            "SetInstanceHealth": Self.action("SetInstanceHealth", service.setInstanceHealth),
            "SetInstanceProtection": Self.operation("SetInstanceProtection", service.setInstanceProtection),
            "AttachInstances": Self.action("AttachInstances", service.attachInstances),
            "DetachInstances": Self.operation("DetachInstances", service.detachInstances),
            "AttachLoadBalancerTargetGroups": Self.operation(
                "AttachLoadBalancerTargetGroups", service.attachLoadBalancerTargetGroups),
            "DetachLoadBalancerTargetGroups": Self.operation(
                "DetachLoadBalancerTargetGroups", service.detachLoadBalancerTargetGroups),
            "DescribeLoadBalancerTargetGroups": Self.operation(
                "DescribeLoadBalancerTargetGroups", service.describeLoadBalancerTargetGroups),
            "SuspendProcesses": Self.action("SuspendProcesses", service.suspendProcesses),
            "ResumeProcesses": Self.action("ResumeProcesses", service.resumeProcesses),
            "CreateOrUpdateTags": Self.action("CreateOrUpdateTags", service.createOrUpdateTags),
            "DeleteTags": Self.action("DeleteTags", service.deleteTags),
            "DescribeTags": Self.operation("DescribeTags", service.describeTags),
            "DescribeScalingActivities": Self.operation("DescribeScalingActivities", service.describeScalingActivities),
            "PutScalingPolicy": Self.operation("PutScalingPolicy", service.putScalingPolicy),
            "DescribePolicies": Self.operation("DescribePolicies", service.describePolicies),
            "DeletePolicy": Self.action("DeletePolicy", service.deletePolicy),
            "ExecutePolicy": Self.action("ExecutePolicy", service.executePolicy),
            "PutScheduledUpdateGroupAction": Self.action(
                "PutScheduledUpdateGroupAction", service.putScheduledUpdateGroupAction),
            "DescribeScheduledActions": Self.operation("DescribeScheduledActions", service.describeScheduledActions),
            "DeleteScheduledAction": Self.action("DeleteScheduledAction", service.deleteScheduledAction),
            "PutLifecycleHook": Self.operation("PutLifecycleHook", service.putLifecycleHook),
            "DescribeLifecycleHooks": Self.operation("DescribeLifecycleHooks", service.describeLifecycleHooks),
            "DeleteLifecycleHook": Self.operation("DeleteLifecycleHook", service.deleteLifecycleHook),
            "CompleteLifecycleAction": Self.operation("CompleteLifecycleAction", service.completeLifecycleAction),
            "RecordLifecycleActionHeartbeat": Self.operation(
                "RecordLifecycleActionHeartbeat", service.recordLifecycleActionHeartbeat),
            "DescribeLifecycleHookTypes": Self.noInput(
                "DescribeLifecycleHookTypes", service.describeLifecycleHookTypes),
            "EnableMetricsCollection": Self.action("EnableMetricsCollection", service.enableMetricsCollection),
            "DisableMetricsCollection": Self.action("DisableMetricsCollection", service.disableMetricsCollection),
            "DescribeMetricCollectionTypes": Self.noInput(
                "DescribeMetricCollectionTypes", service.describeMetricCollectionTypes),
            "DescribeAdjustmentTypes": Self.noInput("DescribeAdjustmentTypes", service.describeAdjustmentTypes),
            "EnterStandby": Self.operation("EnterStandby", service.enterStandby),
            "ExitStandby": Self.operation("ExitStandby", service.exitStandby),
            "DescribeAccountLimits": Self.noInput("DescribeAccountLimits", service.describeAccountLimits),
            "DescribeAutoScalingNotificationTypes": Self.noInput(
                "DescribeAutoScalingNotificationTypes", service.describeAutoScalingNotificationTypes),
            "DescribeTerminationPolicyTypes": Self.noInput(
                "DescribeTerminationPolicyTypes", service.describeTerminationPolicyTypes),
            "DescribeScalingProcessTypes": Self.noInput(
                "DescribeScalingProcessTypes", service.describeScalingProcessTypes),
        ]
    }

    /// Serves one request. Another API version or an unknown action is `InvalidAction`.
    func handle(_ request: QueryRequest, context: RequestContext, requestId: String) async throws -> [UInt8] {
        guard request.version == EC2AutoScaling.version else {
            let version = request.version.isEmpty ? "none" : "'\(request.version)'"
            throw AWSWireError(
                code: "InvalidAction",
                message: "Admiral serves EC2 Auto Scaling (Version=\(EC2AutoScaling.version)) only; this request has "
                    + "version \(version).")
        }
        guard let operation = operations[request.action] else {
            throw AWSWireError.invalidAction(request.action)
        }
        return try await operation(request, context, requestId)
    }

    /// An action with an input and a result.
    static func operation<Input: Decodable & Sendable, Output: Encodable & Sendable>(
        _ action: String, _ call: @escaping @Sendable (Input, RequestContext) async throws -> Output
    ) -> Operation {
        { request, context, requestId in
            let input = try decoder.decode(Input.self, from: request)
            try checkConstraints(input)
            let output = try await call(input, context)
            return try encoder.encode(output, action: action, requestId: requestId)
        }
    }

    /// An action with an input and no result element.
    static func action<Input: Decodable & Sendable>(
        _ action: String, _ call: @escaping @Sendable (Input, RequestContext) async throws -> Void
    ) -> Operation {
        { request, context, requestId in
            let input = try decoder.decode(Input.self, from: request)
            try checkConstraints(input)
            try await call(input, context)
            return encoder.encode(action: action, requestId: requestId)
        }
    }

    /// An action without input.
    static func noInput<Output: Encodable & Sendable>(
        _ action: String, _ call: @escaping @Sendable (RequestContext) async throws -> Output
    ) -> Operation {
        { _, context, requestId in
            let output = try await call(context)
            return try encoder.encode(output, action: action, requestId: requestId)
        }
    }

    /// The model's ranges, lengths and patterns, reported as AWS words them.
    static func checkConstraints(_ input: some Sendable) throws {
        if let constrained = input as? any ModelConstraints, let message = constrained.constraintViolationMessage() {
            throw AdmiralError.validation(message)
        }
    }
}
