import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// What ECS does to a capacity provider's Auto Scaling group besides scaling it:
///
/// - Managed termination protection: instances that run tasks are protected from
///   scale-in, and the protection is lifted once they run none, so the group only ever
///   removes empty instances.
/// - Managed draining: a termination lifecycle hook (`ecs-managed-draining-termination-hook`)
///   holds each leaving instance in `Terminating:Wait`; its container instance is set to
///   DRAINING (services move their tasks off, deregistering them from their load
///   balancers first), and the termination continues once it runs no tasks.
public struct CapacityProviderController: Service {
    /// The hook ECS puts on a managed-draining provider's group.
    public static let drainingHook = "ecs-managed-draining-termination-hook"

    let store: any Store
    let autoScaling: EC2AutoScalingService
    let containerInstances: ContainerInstanceService
    let names: ECSNames
    let interval: Duration
    let logger: Logger

    public init(
        store: any Store, autoScaling: EC2AutoScalingService, containerInstances: ContainerInstanceService,
        names: ECSNames, interval: Duration = .seconds(1), logger: Logger
    ) {
        self.store = store
        self.autoScaling = autoScaling
        self.containerInstances = containerInstances
        self.names = names
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try await runPeriodically(every: interval, logger: logger, failure: "capacity provider pass failed") {
            try await pass()
        }
    }

    var context: RequestContext {
        RequestContext(names: names, principalARN: "arn:aws:iam::\(names.accountId):root")
    }

    /// One look at every provider's group.
    func pass() async throws {
        let providers = try await store.capacityProviders().filter { $0.isActive }
        guard !providers.isEmpty else { return }
        let hosts = try await store.liveContainerInstances()
        for provider in providers {
            guard let arn = provider.autoScalingGroupArn, let group = try await autoScaling.group(arn: arn) else {
                continue
            }
            let settings = provider.provider.autoScalingGroupProvider
            let mine = Dictionary(
                hosts.filter { $0.capacityProviderName == provider.name }.map { ($0.ec2InstanceId, $0) },
                uniquingKeysWith: { first, _ in first })
            // Each provider on its own: one group's failure does not hold the others.
            do {
                let instances = try await autoScaling.store.read { try $0.instances(group: group.name) }
                if settings?.managedDraining != .disabled {
                    try await drain(instances, hosts: mine, group: group.name)
                }
                if settings?.managedTerminationProtection == .enabled {
                    try await protect(instances, hosts: mine, group: group.name)
                }
            } catch {
                logger.warning(
                    "capacity provider pass failed",
                    metadata: ["capacity.provider": .string(provider.name), "error": "\(error)"])
            }
        }
    }

    /// Protects the InService instances that run tasks and unprotects the others.
    func protect(_ instances: [AutoScalingInstanceRecord], hosts: [String: ContainerInstanceRecord], group: String)
        async throws
    {
        var changes: [Bool: [String]] = [:]
        for instance in instances where instance.lifecycleState == .inService {
            let busy = hosts[instance.instanceId].map { $0.usage.runningTasks + $0.usage.pendingTasks > 0 } ?? false
            if busy != instance.protectedFromScaleIn { changes[busy, default: []].append(instance.instanceId) }
        }
        for (protected, ids) in changes {
            _ = try await autoScaling.setInstanceProtection(
                EC2AutoScaling.SetInstanceProtectionQuery(
                    instanceIds: ids, autoScalingGroupName: group, protectedFromScaleIn: protected),
                context: context)
        }
    }

    /// Puts the draining hook on the group when missing, drains the instances it holds and
    /// lets each go once it runs no tasks.
    func drain(_ instances: [AutoScalingInstanceRecord], hosts: [String: ContainerInstanceRecord], group: String)
        async throws
    {
        let hooks = try await autoScaling.describeLifecycleHooks(
            EC2AutoScaling.DescribeLifecycleHooksType(autoScalingGroupName: group), context: context)
        if !(hooks.lifecycleHooks ?? []).contains(where: { $0.lifecycleHookName == Self.drainingHook }) {
            var hook = EC2AutoScaling.PutLifecycleHookType(lifecycleHookName: Self.drainingHook, autoScalingGroupName: group)
            hook.lifecycleTransition = "autoscaling:EC2_INSTANCE_TERMINATING"
            hook.heartbeatTimeout = 3600
            hook.defaultResult = "CONTINUE"
            _ = try await autoScaling.putLifecycleHook(hook, context: context)
        }
        for instance in instances where instance.lifecycleState == .terminatingWait && instance.hookName == Self.drainingHook {
            if let host = hosts[instance.instanceId], host.status == .active {
                _ = try await containerInstances.updateState(
                    ECS.UpdateContainerInstancesStateRequest(
                        cluster: host.cluster, containerInstances: [host.id], status: .draining),
                    context: context)
                logger.info(
                    "draining a container instance before its group terminates it",
                    metadata: ["instance.id": .string(instance.instanceId), "container.instance": .string(host.id)])
                continue
            }
            let idle = hosts[instance.instanceId].map { $0.usage.runningTasks + $0.usage.pendingTasks == 0 } ?? true
            guard idle else { continue }
            _ = try await autoScaling.completeLifecycleAction(
                EC2AutoScaling.CompleteLifecycleActionType(
                    lifecycleHookName: Self.drainingHook, autoScalingGroupName: group,
                    lifecycleActionResult: "CONTINUE", instanceId: instance.instanceId),
                context: context)
        }
    }
}
