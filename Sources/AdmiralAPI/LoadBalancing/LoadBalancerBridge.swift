import AdmiralControlPlane
import AdmiralLoadBalancer
import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// Keeps the data plane configured as the ELBv2 records say, and tells the service
/// scheduler when a target's health changes.
///
/// Level-triggered: every committed change to the load balancing records (a version)
/// re-reads the whole snapshot and applies it; the data plane's `apply` is incremental.
/// A listener whose port cannot be bound is left out (and logged) so that the rest of
/// the configuration still applies.
public struct LoadBalancerBridge: Service {
    let controlPlane: ControlPlane
    let dataPlane: LoadBalancerDataPlane
    let region: String
    let accountId: String
    let logger: Logger

    /// Creates the bridge.
    public init(
        controlPlane: ControlPlane, dataPlane: LoadBalancerDataPlane, region: String, accountId: String,
        logger: Logger
    ) {
        self.controlPlane = controlPlane
        self.dataPlane = dataPlane
        self.region = region
        self.accountId = accountId
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.followHealth() }
                let changes = controlPlane.loadBalancing.changes
                for await version in changes.versions() {
                    await apply(version: version)
                    changes.applied(version)
                }
            }
        }
    }

    /// Applies the records as they stand.
    func apply(version: Int64) async {
        do {
            let snapshot = try await controlPlane.loadBalancing.snapshot(region: region, accountId: accountId)
            var addresses: [String: String] = [:]
            for instance in try await controlPlane.store.liveContainerInstances() {
                addresses[instance.ec2InstanceId] = instance.privateIpAddress ?? "127.0.0.1"
            }
            var configuration = DataPlaneMapping.configuration(snapshot) { addresses[$0] ?? "127.0.0.1" }
            for _ in 0...configuration.listeners.count {
                do {
                    try await dataPlane.apply(configuration)
                    return
                } catch let error as LoadBalancerError where error.code == .listenerBindFailed {
                    logger.error(
                        "listener not served", metadata: ["listener": "\(error.listenerID ?? "")", "error": "\(error)"])
                    guard let failed = error.listenerID else { return }
                    configuration.listeners.removeAll { $0.id == failed }
                }
            }
        } catch where Task.isCancelled {
            // Shutting down: nothing to apply to any more.
            return
        } catch {
            logger.error(
                "load balancer configuration not applied",
                metadata: ["version": "\(version)", "error": .string("\(error)")])
        }
    }

    /// Wakes the service scheduler on every health change.
    func followHealth() async {
        for await _ in dataPlane.healthChanges() {
            controlPlane.feed.targetHealthChanged()
        }
    }
}

/// Target health from the data plane's health checks, for DescribeTargetHealth and the
/// service scheduler.
public struct DataPlaneTargetHealth: TargetHealthSource {
    let dataPlane: LoadBalancerDataPlane

    /// Creates the source.
    public init(dataPlane: LoadBalancerDataPlane) {
        self.dataPlane = dataPlane
    }

    public func health(
        targetGroupArn: String, targetGroupId: String, inUse: Bool, targets: [HealthTarget]
    ) async -> [HealthTarget: ELBv2.TargetHealth] {
        let known = descriptions(targetGroupArn)
        var result: [HealthTarget: ELBv2.TargetHealth] = [:]
        for target in targets {
            if let health = known[target] { result[target] = health }
        }
        return result
    }

    public func drainingTargets(targetGroupArn: String) async -> [HealthTarget: ELBv2.TargetHealth] {
        descriptions(targetGroupArn).filter { $0.value.state == .draining }
    }

    func descriptions(_ targetGroupArn: String) -> [HealthTarget: ELBv2.TargetHealth] {
        var result: [HealthTarget: ELBv2.TargetHealth] = [:]
        for description in dataPlane.targetHealth(targetGroupID: targetGroupArn) ?? [] {
            let health = description.health
            result[HealthTarget(id: description.target.id, port: description.target.port)] = ELBv2.TargetHealth(
                state: ELBv2.TargetHealthStateEnum(rawValue: health.state.rawValue),
                reason: health.reason.flatMap { ELBv2.TargetHealthReasonEnum(rawValue: $0.rawValue) },
                description: health.description)
        }
        return result
    }
}
