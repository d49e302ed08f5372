import AdmiralModel
import AdmiralStore
import Foundation
import Logging

/// Application Auto Scaling for ECS services: scalable targets (a service's desired
/// count between a minimum and a maximum), step and target tracking policies that
/// CloudWatch alarms invoke, scheduled actions, and the activities that tell what
/// happened. Every change of a desired count goes through ``ServiceOperations`` like an
/// UpdateService, so the service scheduler starts and stops the tasks.
public struct ApplicationAutoScalingService: Sendable {
    /// How the service behaves.
    public struct Settings: Sendable {
        /// The period of the alarms target tracking policies create (AWS: 60 s), also how
        /// often a scaling action runs again while its alarm stays in ALARM.
        public var scalingPeriod: Int
        /// The region and account of the ARNs it makes.
        public var names: ECSNames

        /// Creates settings.
        public init(scalingPeriod: Int = 60, names: ECSNames = ECSNames(region: "us-east-1", accountId: "000000000000"))
        {
            self.scalingPeriod = scalingPeriod
            self.names = names
        }
    }

    let store: any ScalingStore
    let ecsStore: any Store
    let services: ServiceOperations
    let cloudWatch: CloudWatchService
    let settings: Settings

    /// Creates the service and registers its policies as CloudWatch alarm actions.
    public init(
        store: any ScalingStore, ecsStore: any Store, services: ServiceOperations, cloudWatch: CloudWatchService,
        settings: Settings
    ) {
        self.store = store
        self.ecsStore = ecsStore
        self.services = services
        self.cloudWatch = cloudWatch
        self.settings = settings
        cloudWatch.actions.register(ScalingPolicyActions(service: self))
    }

    /// The principal scaling acts as in the services' events and requests.
    var scalingContext: RequestContext {
        RequestContext(
            names: settings.names,
            principalARN:
                "arn:aws:iam::\(settings.names.accountId):role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                + "AWSServiceRoleForApplicationAutoScaling_ECSService")
    }

    /// The role every target reports (the service-linked role AWS uses for ECS).
    var serviceLinkedRole: String { scalingContext.principalARN }

    /// `service/CLUSTER/SERVICE` split into its cluster and service, or a ValidationException.
    static func ecsService(_ resourceId: String) throws -> (cluster: String, service: String) {
        let parts = resourceId.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "service", !parts[1].isEmpty, !parts[2].isEmpty else {
            throw AdmiralError.scalingValidation(
                "Unsupported service resource ID format: \(resourceId). Expected format: service/<clusterName>/<serviceName>"
            )
        }
        return (String(parts[1]), String(parts[2]))
    }

    /// Checks the namespace, dimension and resource of a request.
    static func checkResource(
        _ namespace: ApplicationAutoScaling.ServiceNamespace, _ dimension: ApplicationAutoScaling.ScalableDimension?,
        _ resourceId: String?
    ) throws {
        guard namespace == .ecs else {
            throw AdmiralError.scalingValidation(
                "Admiral scales ECS services only: ServiceNamespace must be ecs, not \(namespace.rawValue).")
        }
        if let dimension, dimension != .ecsServiceDesiredCount {
            throw AdmiralError.scalingValidation(
                "Unsupported scalable dimension \(dimension.rawValue) for service namespace ecs: use "
                    + "ecs:service:DesiredCount.")
        }
        if let resourceId { _ = try ecsService(resourceId) }
    }

    /// The ECS service of a resource, or the ValidationException AWS answers.
    func ecsServiceRecord(_ resourceId: String) async throws -> ServiceRecord {
        let (cluster, service) = try Self.ecsService(resourceId)
        guard let record = try await ecsStore.services(cluster: cluster, names: [service])[service],
            record.status == .active
        else {
            throw AdmiralError.scalingValidation("ECS service doesn't exist: \(resourceId)")
        }
        return record
    }

    /// A random id of AWS's shape: 36 hexadecimal digits.
    static func hexId() -> String {
        (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
            .prefix(36).description
    }

    /// Sets a service's desired count through the service's own update path.
    func setDesiredCount(_ resourceId: String, to count: Int) async throws {
        let (cluster, service) = try Self.ecsService(resourceId)
        _ = try await services.updateService(
            ECS.UpdateServiceRequest(cluster: cluster, service: service, desiredCount: count), context: scalingContext)
    }

    /// Records an activity.
    func record(
        _ resourceId: String, description: String, cause: String,
        status: ApplicationAutoScaling.ScalingActivityStatusCode,
        message: String?, notScaled: [ApplicationAutoScaling.NotScaledReason]? = nil, now: Date
    ) async throws {
        try await store.appendActivity(
            ApplicationAutoScaling.ScalingActivity(
                activityId: UUID().uuidString.lowercased(), serviceNamespace: .ecs, resourceId: resourceId,
                scalableDimension: .ecsServiceDesiredCount, description: description, cause: cause, startTime: now,
                endTime: now, statusCode: status, statusMessage: message, notScaledReasons: notScaled))
    }

    /// Pulls a service's desired count into its target's range; records why.
    func pullIntoRange(_ target: ScalableTargetRecord, cause: String, now: Date) async throws {
        guard let service = try? await ecsServiceRecord(target.resourceId) else { return }
        let current = service.service.desiredCount ?? 0
        let wanted = min(max(current, target.target.minCapacity), target.target.maxCapacity)
        guard wanted != current else { return }
        try await setDesiredCount(target.resourceId, to: wanted)
        try await record(
            target.resourceId, description: "Setting desired count to \(wanted).", cause: cause, status: .successful,
            message: "Successfully set desired count to \(wanted). Change successfully fulfilled by ecs.", now: now)
    }
}

extension CapacityChange.AdjustmentType {
    /// The rules' adjustment type of the wire's (ChangeInCapacity when none is given).
    init(_ type: ApplicationAutoScaling.AdjustmentType?) {
        self = type.flatMap { Self(rawValue: $0.rawValue) } ?? .changeInCapacity
    }
}

extension StepTable.Step {
    /// The rules' step of the wire's step adjustment.
    init(_ step: ApplicationAutoScaling.StepAdjustment) {
        self.init(
            lower: step.metricIntervalLowerBound, upper: step.metricIntervalUpperBound,
            adjustment: step.scalingAdjustment)
    }
}
