import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Keeps every EC2 Auto Scaling group at its desired capacity: a thin async layer that
/// reads the groups, asks EC2 about their instances, runs ``GroupPlanner`` and performs
/// its plan through the ``EC2Fleet`` and ``LoadBalancingService``, writing instance
/// states and activities to the store. A pass runs at once after any API change (the
/// service wakes it), every second while instances are on their way in or out, and every
/// five seconds otherwise, to see EC2's health.
public struct AutoScalingGroupController: Service {
    /// How the controller paces itself.
    public struct Settings: Sendable {
        /// The pause between passes while some instance is pending or leaving.
        public var busyInterval: Duration
        /// The pause between passes otherwise (how soon an instance whose host died is seen).
        public var idleInterval: Duration
        /// How long a group waits after a failed launch before it tries again (AWS backs off too).
        public var launchRetryDelay: TimeInterval

        /// Creates settings.
        public init(
            busyInterval: Duration = .seconds(1), idleInterval: Duration = .seconds(5),
            launchRetryDelay: TimeInterval = 10
        ) {
            self.busyInterval = busyInterval
            self.idleInterval = idleInterval
            self.launchRetryDelay = launchRetryDelay
        }
    }

    let service: EC2AutoScalingService
    let fleet: any EC2Fleet
    let settings: Settings
    let logger: Logger
    /// Groups whose last launch failed, and until when they wait.
    let launchBackoff = LaunchBackoff()

    /// Groups whose last launch failed, and until when they wait.
    final class LaunchBackoff: Sendable {
        private let until = Mutex<[String: Date]>([:])

        func allows(_ group: String, at now: Date) -> Bool { until.withLock { ($0[group] ?? .distantPast) <= now } }
        func pause(_ group: String, until date: Date) { until.withLock { $0[group] = date } }
        func clear(_ group: String) { until.withLock { _ = $0.removeValue(forKey: group) } }

        private let lastMetrics = Mutex<Date?>(nil)

        /// Whether the group metrics are due (once per interval), noting that they are published now.
        func dueForMetrics(at now: Date, every interval: TimeInterval) -> Bool {
            lastMetrics.withLock { last in
                if let previous = last, now < previous.addingTimeInterval(interval) { return false }
                last = now
                return true
            }
        }
    }

    /// How often the group metrics of EnableMetricsCollection are published (AWS: every minute).
    static let metricsInterval: TimeInterval = 60

    /// Creates the controller.
    public init(service: EC2AutoScalingService, fleet: any EC2Fleet, settings: Settings = .init(), logger: Logger) {
        self.service = service
        self.fleet = fleet
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let waiter = service.signals.register(EC2AutoScalingService.wakeKey)
                var pause = settings.idleInterval
                do {
                    pause = try await pass(now: Date())
                } catch  where Task.isCancelled {
                    return
                } catch {
                    logger.error("auto scaling pass failed", metadata: ["error": .string("\(error)")])
                }
                _ = await waiter.wait(timeout: pause)
            }
        }
    }

    /// One pass over every group; returns how soon the next should run.
    @discardableResult
    public func pass(now: Date) async throws -> Duration {
        _ = try await service.fireScheduledActions(now: now)
        let (groups, instances, hooks) = try await service.store.read { transaction in
            (
                try transaction.groups(), try transaction.instances(group: nil),
                try transaction.objects(.lifecycleHook, as: EC2AutoScaling.LifecycleHook.self)
            )
        }
        let hooksByGroup = Dictionary(grouping: hooks, by: { $0.autoScalingGroupName ?? "" })
        if launchBackoff.dueForMetrics(at: now, every: Self.metricsInterval) {
            do {
                try await service.publishGroupMetrics(groups: groups, instances: instances, now: now)
            } catch {
                logger.warning("group metrics not published", metadata: ["error": .string("\(error)")])
            }
        }
        guard !groups.isEmpty else { return settings.idleInterval * 6 }
        let ids = instances.map(\.instanceId)
        let infos = ids.isEmpty ? [] : try await fleet.instances(ids: ids)
        let ec2 = Dictionary(infos.map { ($0.instanceId, $0) }, uniquingKeysWith: { first, _ in first })
        let byGroup = Dictionary(grouping: instances, by: \.groupName)
        var busy = false
        for group in groups {
            let members = byGroup[group.name] ?? []
            let allowed = launchBackoff.allows(group.name, at: now)
            let elbUnhealthy = await unhealthyTargets(of: group, instances: members)
            let plan = GroupPlanner.plan(
                group: group, instances: members, ec2: ec2, now: now, launchAllowed: allowed,
                hooks: hooksByGroup[group.name] ?? [], elbUnhealthy: elbUnhealthy)
            if !plan.isEmpty {
                do {
                    try await perform(plan, group: group, instances: members, now: now)
                } catch {
                    logger.error(
                        "auto scaling group pass failed",
                        metadata: ["group": .string(group.name), "error": .string("\(error)")])
                }
            }
            if !plan.launchZones.isEmpty || !plan.terminations.isEmpty
                || members.contains(where: { $0.lifecycleState != .inService })
            {
                busy = true
            }
        }
        return busy ? settings.busyInterval : settings.idleInterval
    }

    func perform(_ plan: GroupPlan, group: AutoScalingGroupRecord, instances: [AutoScalingInstanceRecord], now: Date)
        async throws
    {
        // Deregister first: targets leave the load balancer before their host stops.
        for (instanceId, arns) in plan.deregister.sorted(by: { $0.key < $1.key }) {
            for arn in arns {
                do {
                    try await service.loadBalancing.deregisterTargets(
                        targetGroupArn: arn, targets: [TargetRegistration(id: instanceId, port: nil)])
                } catch {
                    logger.warning(
                        "deregistration failed",
                        metadata: [
                            "instance.id": .string(instanceId), "target.group": .string(arn),
                            "error": .string("\(error)"),
                        ])
                }
            }
        }
        var registered: [String: [String]] = [:]
        for (instanceId, arns) in plan.register.sorted(by: { $0.key < $1.key }) {
            for arn in arns {
                do {
                    try await service.loadBalancing.registerTargets(
                        targetGroupArn: arn, targets: [TargetRegistration(id: instanceId, port: nil)])
                    registered[instanceId, default: []].append(arn)
                } catch {
                    logger.warning(
                        "registration failed",
                        metadata: [
                            "instance.id": .string(instanceId), "target.group": .string(arn),
                            "error": .string("\(error)"),
                        ])
                }
            }
        }
        let launched = try await launch(plan, group: group, existing: instances, now: now)
        let deregistered = plan.deregister
        let newlyRegistered = registered
        let removedPolicies = try await service.store.write { transaction -> [EC2AutoScaling.ScalingPolicy] in
            for (id, transition) in plan.transitions {
                guard var instance = try transaction.instance(id) else { continue }
                switch transition {
                case .inService:
                    guard [.pending, .pendingWait, .pendingProceed].contains(instance.lifecycleState) else { continue }
                    instance.lifecycleState = .inService
                    instance.hookName = nil
                    instance.hookToken = nil
                    instance.hookDeadline = nil
                    try transaction.put(instance)
                    try Self.finish(instance.activityId, in: transaction, now: now)
                case .unhealthy(let reason):
                    guard instance.healthStatus == "Healthy" else { continue }
                    instance.healthStatus = "Unhealthy"
                    instance.unhealthyReason = reason
                    instance.unhealthySince = now
                    try transaction.put(instance)
                case .removed:
                    try transaction.deleteInstance(instance)
                    try Self.finish(instance.activityId, in: transaction, now: now)
                case .launchWait(let hook, let deadline):
                    guard instance.lifecycleState == .pending else { continue }
                    instance.lifecycleState = .pendingWait
                    instance.hookName = hook
                    instance.hookToken = UUID().uuidString.lowercased()
                    instance.hookDeadline = deadline
                    try transaction.put(instance)
                case .proceedTermination:
                    guard instance.lifecycleState == .terminatingWait else { continue }
                    instance.lifecycleState = .terminatingProceed
                    instance.hookName = nil
                    instance.hookToken = nil
                    instance.hookDeadline = nil
                    try transaction.put(instance)
                }
            }
            guard let current = try transaction.group(group.name) else { return [] }
            for termination in plan.terminations {
                guard var instance = try transaction.instance(termination.instanceId), !instance.isLeaving else {
                    continue
                }
                let activity = EC2AutoScalingService.activity(
                    group: current, description: ActivityText.terminating(instance.instanceId),
                    cause: termination.cause, now: now)
                if let hook = termination.waitHook {
                    instance.lifecycleState = .terminatingWait
                    instance.hookName = hook
                    instance.hookToken = UUID().uuidString.lowercased()
                    instance.hookDeadline = termination.waitDeadline
                } else {
                    instance.lifecycleState = .terminating
                }
                if instance.lifecycleState == .inService {
                    try Self.finish(instance.activityId, in: transaction, now: now)
                } else {
                    // It never went InService: its launch did not succeed.
                    try EC2AutoScalingService.finishFailed(
                        instance.activityId, in: transaction, now: now,
                        message: instance.unhealthyReason.map {
                            "The instance was lost before it went InService: \($0)."
                        }
                            ?? "The instance was terminated before it went InService.")
                }
                instance.activityId = activity.activityId
                try transaction.put(instance)
                try transaction.put(activity)
            }
            for (id, arns) in deregistered {
                guard var instance = try transaction.instance(id) else { continue }
                instance.registeredTargetGroups.removeAll { arns.contains($0) }
                try transaction.put(instance)
            }
            for (id, arns) in newlyRegistered {
                guard var instance = try transaction.instance(id) else { continue }
                for arn in arns where !instance.registeredTargetGroups.contains(arn) {
                    instance.registeredTargetGroups.append(arn)
                }
                try transaction.put(instance)
            }
            for (instance, activity) in launched {
                try transaction.put(instance)
                try transaction.put(activity)
            }
            if plan.deleteGroup, current.deleting {
                let policies = try transaction.objects(
                    .policy, group: group.name, as: EC2AutoScaling.ScalingPolicy.self)
                try transaction.deleteGroup(group.name)
                return policies
            } else if !launched.isEmpty || !plan.terminations.isEmpty, !current.desiredCause.isEmpty,
                current.desiredCause == group.desiredCause
            {
                // The change of desired capacity is told once, in the activities it led to;
                // later launches (replacements) give only their own reason, as AWS's do.
                var told = current
                told.desiredCause = ""
                try transaction.put(told)
            }
            return []
        }
        try await service.deleteAlarms(of: removedPolicies)
        let stop =
            plan.stopHosts
            + plan.terminations.filter { $0.waitHook == nil }.map(\.instanceId).filter { !plan.stopHosts.contains($0) }
        let stillThere = stop.filter { id in instances.contains { $0.instanceId == id } }
        if !stillThere.isEmpty {
            try await fleet.terminate(instanceIds: stillThere)
        }
    }

    /// The instances of a group with the ELB health check that one of its target groups
    /// reports `unhealthy` (read as DescribeTargetHealth reads the load balancer's checks).
    func unhealthyTargets(of group: AutoScalingGroupRecord, instances: [AutoScalingInstanceRecord]) async
        -> Set<String>
    {
        guard group.group.healthCheckType == "ELB", group.runs(.healthCheck) else { return [] }
        let parts = (group.group.autoScalingGroupARN ?? "").split(separator: ":", omittingEmptySubsequences: false)
        let context = RequestContext(
            names: ECSNames(
                region: parts.count > 3 ? String(parts[3]) : "us-east-1",
                accountId: parts.count > 4 ? String(parts[4]) : "000000000000"),
            principalARN: "arn:aws:iam::000000000000:role/aws-service-role/autoscaling.amazonaws.com")
        var unhealthy = Set<String>()
        for arn in group.group.targetGroupARNs ?? [] {
            let targets = instances.filter { $0.registeredTargetGroups.contains(arn) }.map {
                ELBv2.TargetDescription(id: $0.instanceId)
            }
            guard !targets.isEmpty else { continue }
            do {
                let health = try await service.loadBalancing.describeTargetHealth(
                    ELBv2.DescribeTargetHealthInput(targetGroupArn: arn, targets: targets), context: context)
                for description in health.targetHealthDescriptions ?? []
                where description.targetHealth?.state == .unhealthy {
                    if let id = description.target?.id { unhealthy.insert(id) }
                }
            } catch {
                logger.debug("target health unknown", metadata: ["target.group": .string(arn)])
            }
        }
        return unhealthy
    }

    /// Marks an activity successful.
    static func finish(_ activityId: String?, in transaction: AutoScalingTransaction, now: Date) throws {
        guard let activityId, var activity = try transaction.activity(activityId),
            activity.statusCode == .inProgress
        else { return }
        activity.statusCode = .successful
        activity.progress = 100
        activity.endTime = now
        try transaction.put(activity)
    }

    /// Launches what the plan asks, zone by zone; returns the new instances' records and
    /// activities. A failure is recorded as a failed activity and pauses the group's launches.
    func launch(_ plan: GroupPlan, group: AutoScalingGroupRecord, existing: [AutoScalingInstanceRecord], now: Date)
        async throws -> [(AutoScalingInstanceRecord, EC2AutoScaling.Activity)]
    {
        guard !plan.launchZones.isEmpty else { return [] }
        var results: [(AutoScalingInstanceRecord, EC2AutoScaling.Activity)] = []
        var tags = Dictionary(
            group.tags.filter(\.propagateAtLaunch).map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        tags[EC2AutoScaling.groupNameTag] = group.name
        var perZone: [String: Int] = [:]
        for zone in plan.launchZones { perZone[zone, default: 0] += 1 }
        var launchedSoFar = existing.count
        for zone in group.zones where perZone[zone] != nil {
            let count = perZone[zone] ?? 0
            let subnets = group.placements.filter { $0.availabilityZone == zone }.compactMap(\.subnetId)
            do {
                guard let subnet = subnets.isEmpty ? nil : subnets[launchedSoFar % subnets.count] else {
                    throw AdmiralError.validation("The group has no subnet in \(zone).")
                }
                // Runs of instances with the same spec are launched in one call (a mixed
                // instances policy alternates its types, a launch configuration never does).
                var specs: [EC2LaunchSpec] = []
                for index in 0..<count { specs.append(try await launchSpec(for: group, index: launchedSoFar + index)) }
                var infos: [EC2InstanceInfo] = []
                var start = 0
                while start < specs.count {
                    var end = start + 1
                    while end < specs.count, specs[end] == specs[start] { end += 1 }
                    infos += try await fleet.launch(specs[start], subnetId: subnet, count: end - start, tags: tags)
                    start = end
                }
                for (info, spec) in zip(infos, specs) {
                    let activity = EC2AutoScalingService.activity(
                        group: group, description: ActivityText.launching(info.instanceId), cause: plan.launchCause,
                        now: now, progress: 30,
                        details: "{\"Subnet ID\":\"\(subnet)\",\"Availability Zone\":\"\(zone)\"}")
                    let record = AutoScalingInstanceRecord(
                        instanceId: info.instanceId, groupName: group.name, availabilityZone: info.availabilityZone,
                        subnetId: info.subnetId, instanceType: info.instanceType, imageId: spec.imageId,
                        lifecycleState: .pending,
                        protectedFromScaleIn: group.group.newInstancesProtectedFromScaleIn ?? false,
                        launchConfigurationName: group.group.launchConfigurationName,
                        launchTemplate: group.group.launchTemplate
                            ?? group.group.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification,
                        source: group.currentSource, launchTime: info.launchTime, activityId: activity.activityId)
                    results.append((record, activity))
                }
                launchedSoFar += count
                launchBackoff.clear(group.name)
            } catch {
                let message = (error as? AdmiralError)?.message ?? "\(error)"
                logger.warning(
                    "launch failed", metadata: ["group": .string(group.name), "error": .string(message)])
                launchBackoff.pause(group.name, until: now.addingTimeInterval(settings.launchRetryDelay))
                let failed = EC2AutoScalingService.activity(
                    group: group,
                    description: "Launching a new EC2 instance.  Status Reason: \(message) Launching EC2 instance "
                        + "failed.",
                    cause: plan.launchCause, now: now, status: .failed)
                var activity = failed
                activity.statusMessage = "\(message) Launching EC2 instance failed."
                let record = activity
                try await service.store.write { transaction in try transaction.put(record) }
                break
            }
        }
        return results
    }

    /// What an instance of the group is launched from: its launch configuration, or its
    /// launch template version (with a mixed instances policy's instance types in turn).
    func launchSpec(for group: AutoScalingGroupRecord, index: Int) async throws -> EC2LaunchSpec {
        if let name = group.group.launchConfigurationName {
            guard let configuration = try await service.store.read({ try $0.launchConfiguration(name) }) else {
                throw GroupRules.launchConfigurationNotFound(name)
            }
            return EC2LaunchSpec(
                imageId: configuration.imageId, instanceType: configuration.instanceType,
                securityGroupIds: configuration.securityGroups ?? [],
                userData: (configuration.userData ?? "").isEmpty ? nil : configuration.userData,
                keyName: (configuration.keyName ?? "").isEmpty ? nil : configuration.keyName,
                iamInstanceProfile: configuration.iamInstanceProfile, source: group.currentSource)
        }
        let mixed = group.group.mixedInstancesPolicy?.launchTemplate
        guard let template = group.group.launchTemplate ?? mixed?.launchTemplateSpecification else {
            throw AdmiralError.validation("The group has neither a launch configuration nor a launch template.")
        }
        var spec = try await fleet.launchTemplate(
            id: template.launchTemplateId, name: template.launchTemplateName, version: template.version)
        spec.source = group.currentSource
        let types = (mixed?.overrides ?? []).compactMap(\.instanceType)
        if !types.isEmpty { spec.instanceType = types[index % types.count] }
        return spec
    }
}
