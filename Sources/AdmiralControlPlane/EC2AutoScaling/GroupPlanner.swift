import AdmiralModel
import AdmiralStore
import Foundation

/// What one pass of the group controller does to one group: pure, from the group, its
/// instance records and what EC2 says of them.
struct GroupPlan: Sendable, Equatable {
    /// An instance's change of state.
    enum Transition: Sendable, Equatable {
        /// EC2 says running: Pending → InService (its launch activity succeeds).
        case inService
        /// Its health check failed: Unhealthy, for the reason given.
        case unhealthy(reason: String)
        /// Gone from EC2 (terminated) or detached: its record is removed, its activity succeeds.
        case removed
        /// EC2 says running and a launching hook holds it: Pending → Pending:Wait.
        case launchWait(hook: String, deadline: Date)
        /// A terminating hook's wait is over: Terminating:Wait → Terminating:Proceed.
        case proceedTermination
    }

    /// A termination to start: the instance goes to Terminating with a new activity.
    struct Termination: Sendable, Equatable {
        var instanceId: String
        var cause: String
        /// The terminating hook it waits on first, and until when.
        var waitHook: String? = nil
        var waitDeadline: Date? = nil
    }

    var transitions: [String: Transition] = [:]
    var terminations: [Termination] = []
    /// Zones of the launches to make, one entry per instance.
    var launchZones: [String] = []
    /// The cause of those launches.
    var launchCause = ""
    /// Instances whose host should be terminated now (leaving, still running in EC2), and
    /// deregistered from their target groups first.
    var stopHosts: [String] = []
    /// Target groups to register (instance id → target group ARNs) and deregister.
    var register: [String: [String]] = [:]
    var deregister: [String: [String]] = [:]
    /// The group is being deleted and has no instance left.
    var deleteGroup = false

    var isEmpty: Bool {
        transitions.isEmpty && terminations.isEmpty && launchZones.isEmpty && stopHosts.isEmpty && register.isEmpty
            && deregister.isEmpty && !deleteGroup
    }
}

/// The group controller's decisions (EC2 Auto Scaling's documented behaviour):
/// - Pending instances go InService when EC2 says running.
/// - With the HealthCheck process, an instance terminated or stopped outside the group is
///   unhealthy at once; one whose status checks fail, once the grace period since its
///   launch has passed. With ReplaceUnhealthy, unhealthy instances are terminated (and
///   so replaced).
/// - Fewer instances than desired: launches (Launch process), each in the zone with the
///   fewest; more: terminations chosen by ``TerminationSelector`` (Terminate process),
///   never of protected instances. At capacity with zones more than one apart, one launch
///   in the smallest zone (AZRebalance), which the next pass's scale-in evens out.
/// - InService instances are registered with the group's target groups
///   (AddToLoadBalancer) and deregistered before they are terminated or detached.
enum GroupPlanner {
    static func plan(
        group: AutoScalingGroupRecord, instances: [AutoScalingInstanceRecord], ec2: [String: EC2InstanceInfo],
        now: Date, launchAllowed: Bool = true, hooks: [EC2AutoScaling.LifecycleHook] = [],
        elbUnhealthy: Set<String> = []
    ) -> GroupPlan {
        let launchHook = hooks.first { $0.lifecycleTransition == LifecycleHookRules.launching }
        let terminateHook = hooks.first { $0.lifecycleTransition == LifecycleHookRules.terminating }
        var plan = GroupPlan()
        var live: [AutoScalingInstanceRecord] = []
        let grace = TimeInterval(group.group.healthCheckGracePeriod ?? 0)
        let targetGroups = Set(group.group.targetGroupARNs ?? [])
        for var instance in instances {
            let info = ec2[instance.instanceId]
            let gone = info == nil || info?.state == .terminated
            switch instance.lifecycleState {
            case .terminatingWait:
                // A force-deleted group drops its pending lifecycle actions, as AWS does.
                if (instance.hookDeadline ?? .distantPast) <= now || gone || group.deleting {
                    plan.transitions[instance.instanceId] = .proceedTermination
                }
                continue
            case .terminating, .terminatingProceed, .terminated:
                if gone {
                    plan.transitions[instance.instanceId] = .removed
                } else if info?.state == .pending || info?.state == .running || info?.state == .stopped
                    || info?.state == .stopping
                {
                    plan.stopHosts.append(instance.instanceId)
                    if !instance.registeredTargetGroups.isEmpty {
                        plan.deregister[instance.instanceId] = instance.registeredTargetGroups
                    }
                }
                continue
            case .detaching, .detached:
                if !instance.registeredTargetGroups.isEmpty {
                    plan.deregister[instance.instanceId] = instance.registeredTargetGroups
                }
                plan.transitions[instance.instanceId] = .removed
                continue
            case .standby, .enteringStandby:
                // Out of service: not counted, not health checked, out of the load balancer.
                if !instance.registeredTargetGroups.isEmpty {
                    plan.deregister[instance.instanceId] = instance.registeredTargetGroups
                }
                if group.deleting {
                    // A force-deleted group takes its standby instances with it.
                    plan.terminations.append(
                        .init(
                            instanceId: instance.instanceId,
                            cause: "At \(ActivityText.time(now)) a user request deleted the AutoScalingGroup."))
                    if !gone { plan.stopHosts.append(instance.instanceId) }
                }
                continue
            case .pending:
                if info?.state == .running {
                    if let launchHook, let name = launchHook.lifecycleHookName {
                        let timeout = TimeInterval(
                            launchHook.heartbeatTimeout ?? LifecycleHookRules.defaultHeartbeatTimeout)
                        instance.lifecycleState = .pendingWait
                        plan.transitions[instance.instanceId] = .launchWait(hook: name, deadline: now + timeout)
                    } else {
                        instance.lifecycleState = .inService
                        plan.transitions[instance.instanceId] = .inService
                    }
                }
            case .pendingWait:
                if (instance.hookDeadline ?? .distantPast) <= now {
                    if launchHook?.defaultResult == "CONTINUE" {
                        instance.lifecycleState = .inService
                        plan.transitions[instance.instanceId] = .inService
                    } else {
                        plan.terminations.append(
                            .init(
                                instanceId: instance.instanceId,
                                cause: "At \(ActivityText.time(now)) instance \(instance.instanceId) was abandoned by "
                                    + "lifecycle hook \(instance.hookName ?? "") when its heartbeat timeout passed."))
                        plan.stopHosts.append(instance.instanceId)
                        continue
                    }
                }
            case .pendingProceed:
                instance.lifecycleState = .inService
                plan.transitions[instance.instanceId] = .inService
            default:
                break
            }
            if group.runs(.healthCheck), instance.healthStatus == "Healthy" {
                if gone || info?.state == .stopped || info?.state == .stopping || info?.state == .shuttingDown {
                    let reason = "an EC2 health check indicating it has been terminated or stopped"
                    instance.healthStatus = "Unhealthy"
                    instance.unhealthyReason = reason
                    plan.transitions[instance.instanceId] = .unhealthy(reason: reason)
                } else if info?.statusOK == false, instance.lifecycleState == .inService,
                    now >= instance.launchTime.addingTimeInterval(grace)
                {
                    let reason = "an EC2 instance status check failure"
                    instance.healthStatus = "Unhealthy"
                    instance.unhealthyReason = reason
                    plan.transitions[instance.instanceId] = .unhealthy(reason: reason)
                } else if group.group.healthCheckType == "ELB", elbUnhealthy.contains(instance.instanceId),
                    instance.lifecycleState == .inService, now >= instance.launchTime.addingTimeInterval(grace)
                {
                    let reason = "an ELB system health check failure"
                    instance.healthStatus = "Unhealthy"
                    instance.unhealthyReason = reason
                    plan.transitions[instance.instanceId] = .unhealthy(reason: reason)
                }
            }
            if instance.healthStatus == "Unhealthy", group.runs(.replaceUnhealthy) {
                plan.terminations.append(
                    .init(
                        instanceId: instance.instanceId,
                        cause: ActivityText.unhealthyCause(
                            at: now, reason: instance.unhealthyReason ?? "a health check failure")))
                if !gone, info?.state != .shuttingDown { plan.stopHosts.append(instance.instanceId) }
                if !instance.registeredTargetGroups.isEmpty {
                    plan.deregister[instance.instanceId] = instance.registeredTargetGroups
                }
                continue
            }
            live.append(instance)
        }

        // Load balancer registrations of the instances that stay.
        for instance in live {
            let registered = Set(instance.registeredTargetGroups)
            let extra = registered.subtracting(targetGroups).sorted()
            if !extra.isEmpty { plan.deregister[instance.instanceId] = extra }
            if instance.lifecycleState == .inService, group.runs(.addToLoadBalancer) {
                let missing = targetGroups.subtracting(registered).sorted()
                if !missing.isEmpty { plan.register[instance.instanceId] = missing }
            }
        }

        let capacity = live.filter(\.countsTowardCapacity)
        let desired = group.group.desiredCapacity
        var counts: [String: Int] = [:]
        for instance in capacity { counts[instance.availabilityZone, default: 0] += 1 }
        if capacity.count < desired {
            if group.runs(.launch), launchAllowed, !group.deleting {
                plan.launchZones = ZoneBalance.zonesForLaunches(
                    desired - capacity.count, zones: group.zones, counts: counts)
                plan.launchCause = ActivityText.launchCause(
                    group.desiredCause, at: now, from: capacity.count, to: capacity.count + plan.launchZones.count)
            }
        } else if capacity.count > desired {
            if group.runs(.terminate) {
                // A force-deleted group takes every instance, protected from scale-in or not.
                let victims =
                    group.deleting
                    ? capacity.map(\.instanceId)
                    : TerminationSelector.select(
                        capacity.count - desired, from: capacity, policies: group.group.terminationPolicies ?? [],
                        currentSource: group.currentSource)
                var size = capacity.count
                for id in victims {
                    plan.terminations.append(
                        .init(
                            instanceId: id,
                            cause: ActivityText.scaleInCause(
                                group.desiredCause, at: now, from: size, to: size - 1, instanceId: id)))
                    size -= 1
                    plan.stopHosts.append(id)
                    if let instance = capacity.first(where: { $0.instanceId == id }),
                        !instance.registeredTargetGroups.isEmpty
                    {
                        plan.deregister[id] = instance.registeredTargetGroups
                        plan.register[id] = nil
                    }
                }
            }
        } else if group.runs(.azRebalance), group.runs(.launch), group.runs(.terminate), launchAllowed,
            !group.deleting, capacity.allSatisfy({ $0.lifecycleState == .inService }),
            ZoneBalance.isImbalanced(zones: group.zones, counts: counts),
            let zone = ZoneBalance.zoneForLaunch(zones: group.zones, counts: counts)
        {
            plan.launchZones = [zone]
            plan.launchCause = ActivityText.rebalanceCause(at: now)
        }
        if let terminateHook, let name = terminateHook.lifecycleHookName {
            // Hosts still there wait on the hook before they are stopped.
            let timeout = TimeInterval(terminateHook.heartbeatTimeout ?? LifecycleHookRules.defaultHeartbeatTimeout)
            for index in plan.terminations.indices where plan.stopHosts.contains(plan.terminations[index].instanceId) {
                plan.terminations[index].waitHook = name
                plan.terminations[index].waitDeadline = now + timeout
                plan.stopHosts.removeAll { $0 == plan.terminations[index].instanceId }
            }
        }
        plan.deleteGroup = group.deleting && instances.allSatisfy { plan.transitions[$0.instanceId] == .removed }
        return plan
    }
}
