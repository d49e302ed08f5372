import AdmiralModel
import AdmiralScheduler
import AdmiralStore
import Foundation

/// A service's tasks as targets of its load balancers: registered when RUNNING,
/// deregistered when they stop, and drained before the scheduler stops them.
struct ServiceTargets {
    /// One target of one task in one target group.
    struct Binding: Hashable {
        var targetGroupArn: String
        var target: HealthTarget
    }

    /// The targets of each task, by task id.
    var byTask: [String: [Binding]] = [:]
    /// The health the load balancer reports, by binding.
    var health: [Binding: ELBv2.TargetHealth] = [:]
    /// What each target group has registered.
    var registered: [String: Set<HealthTarget>] = [:]

    /// The task's health as the service scheduler counts it: healthy only when every
    /// target is.
    func targetHealth(ofTask id: String) -> ServiceTask.TargetHealth {
        let bindings = byTask[id] ?? []
        guard !bindings.isEmpty else { return .none }
        let states = bindings.map { binding -> ServiceTask.TargetHealth in
            guard registered[binding.targetGroupArn]?.contains(binding.target) == true else {
                return health[binding]?.state == .draining ? .draining : .none
            }
            switch health[binding]?.state {
            case .healthy: return .healthy
            case .unhealthy, .unhealthyDraining: return .unhealthy
            case .draining: return .draining
            case .initial, .unavailable, .unused, nil: return .initial
            }
        }
        if states.contains(.unhealthy) { return .unhealthy }
        if states.allSatisfy({ $0 == .healthy }) { return .healthy }
        if states.contains(.draining) { return .draining }
        if states.contains(.none) { return .none }
        return .initial
    }

    /// Whether none of the task's targets is registered, and the load balancer has let
    /// go of them: it reports nothing for them (or `unused`), not draining, nor still
    /// serving them because it has not applied the deregistration yet.
    func isDrained(task id: String) -> Bool {
        (byTask[id] ?? []).allSatisfy { binding in
            guard registered[binding.targetGroupArn]?.contains(binding.target) != true else { return false }
            guard let state = health[binding]?.state else { return true }
            return state == .unused
        }
    }
}

extension ServiceController {
    /// The load balancing state of one round of passes.
    struct LoadBalancingView {
        var groups: [String: LoadBalancingSnapshot.TargetGroup] = [:]
    }

    func loadBalancingView() async throws -> LoadBalancingView {
        guard let loadBalancing else { return LoadBalancingView() }
        let snapshot = try await loadBalancing.snapshot(
            region: settings.names.region, accountId: settings.names.accountId)
        return LoadBalancingView(groups: Dictionary(uniqueKeysWithValues: snapshot.targetGroups.map { ($0.arn, $0) }))
    }

    /// Where each task of a load-balanced service is a target, and how healthy.
    func targets(
        of record: ServiceRecord, tasks: [TaskRecord], instances: [ContainerInstanceRecord], view: LoadBalancingView
    ) async -> ServiceTargets {
        var result = ServiceTargets()
        let balancers = record.service.loadBalancers ?? []
        guard !balancers.isEmpty else { return result }
        let byInstance = Dictionary(instances.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for balancer in balancers {
            guard let arn = balancer.targetGroupArn, let group = view.groups[arn] else { continue }
            result.registered[arn] = Set(group.targets.map { HealthTarget(id: $0.id, port: $0.port) })
            for task in tasks {
                guard let target = Self.target(of: task, balancer: balancer, group: group, instances: byInstance)
                else { continue }
                result.byTask[task.id, default: []].append(ServiceTargets.Binding(targetGroupArn: arn, target: target))
            }
            let asked = result.byTask.values.flatMap { $0 }.filter { $0.targetGroupArn == arn }.map(\.target)
            guard !asked.isEmpty else { continue }
            let reported = await targetHealth.health(
                targetGroupArn: arn, targetGroupId: group.id, inUse: !group.loadBalancerArns.isEmpty, targets: asked)
            for (target, health) in reported {
                result.health[ServiceTargets.Binding(targetGroupArn: arn, target: target)] = health
            }
        }
        return result
    }

    /// The target a task is in a target group: the instance (or its address) and the host
    /// port its container's port is published on.
    static func target(
        of task: TaskRecord, balancer: ECS.LoadBalancer, group: LoadBalancingSnapshot.TargetGroup,
        instances: [String: ContainerInstanceRecord]
    ) -> HealthTarget? {
        guard let container = task.task.containers?.first(where: { $0.name == balancer.containerName }),
            let binding = container.networkBindings?.first(where: { $0.containerPort == balancer.containerPort }),
            let port = binding.hostPort, let instance = instances[task.containerInstanceId]
        else { return nil }
        switch group.targetType {
        case .ip:
            return HealthTarget(id: instance.privateIpAddress ?? "127.0.0.1", port: port)
        default:
            return HealthTarget(id: instance.ec2InstanceId, port: port)
        }
    }

    /// The targets a pass took out of each target group, for the "deregistered" events.
    struct Deregistrations {
        var counts: [String: Int] = [:]
        /// The tasks the pass deactivated: its view of them is out of date.
        var tasks: Set<String> = []

        mutating func add(_ count: Int, in targetGroupArn: String) {
            guard count > 0 else { return }
            counts[targetGroupArn, default: 0] += count
        }
    }

    /// Registers the RUNNING tasks' targets, deregisters those of tasks that stop and
    /// those a task no longer listens on (its container was recreated on another host
    /// port), and moves DEACTIVATING tasks whose targets have drained on to STOPPING.
    /// Returns the events of what it did, in ECS's words: "registered N targets",
    /// "deregistered N targets" (with `deactivated`, the targets the pass's stops took
    /// out), and "has stopped N running tasks" for the tasks that finished draining.
    func reconcileTargets(
        _ targets: ServiceTargets, tasks: [TaskRecord], service: String, cluster: String,
        deactivated: Deregistrations, now: Date
    ) async throws -> [ServiceEvent] {
        guard let loadBalancing,
            !targets.byTask.isEmpty || tasks.contains(where: { $0.loadBalancerTargets != nil })
        else { return [] }
        var register: [String: [TargetRegistration]] = [:]
        var deregister: [String: [TargetRegistration]] = [:]
        var drained: [String] = []
        var remembered: [String: [TaskTarget]] = [:]
        // A port a task left may already be another task's (Docker reuses freed ports).
        let inUse = Set(targets.byTask.values.joined().map(Self.taskTarget))
        for task in tasks where !deactivated.tasks.contains(task.id) {
            let bindings = targets.byTask[task.id] ?? []
            let wanted = task.desiredStatus == .running && task.lastStatus == .running
            let before = Set(task.loadBalancerTargets ?? [])
            var after = before
            let current = Set(bindings.map(Self.taskTarget))
            for old in before where !current.contains(old) {
                let target = HealthTarget(id: old.id, port: old.port)
                if targets.registered[old.targetGroupArn]?.contains(target) == true, !inUse.contains(old) {
                    deregister[old.targetGroupArn, default: []].append(TargetRegistration(id: old.id, port: old.port))
                }
                after.remove(old)
            }
            for binding in bindings {
                let isRegistered = targets.registered[binding.targetGroupArn]?.contains(binding.target) == true
                let registration = TargetRegistration(id: binding.target.id, port: binding.target.port)
                if wanted, !isRegistered {
                    register[binding.targetGroupArn, default: []].append(registration)
                    after.insert(Self.taskTarget(binding))
                } else if !wanted, isRegistered {
                    deregister[binding.targetGroupArn, default: []].append(registration)
                    after.remove(Self.taskTarget(binding))
                } else if wanted {
                    after.insert(Self.taskTarget(binding))
                }
            }
            if after != before { remembered[task.id] = after.sorted(by: Self.targetOrder) }
            if task.lastStatus == .deactivating, targets.isDrained(task: task.id) { drained.append(task.id) }
        }
        var deregistered = deactivated
        for (arn, registrations) in deregister {
            try await loadBalancing.deregisterTargets(targetGroupArn: arn, targets: registrations)
            deregistered.add(registrations.count, in: arn)
        }
        for (arn, registrations) in register {
            try await loadBalancing.registerTargets(targetGroupArn: arn, targets: registrations)
        }
        let drainedIds = Set(drained)
        var stopped: [String] = []
        if !remembered.isEmpty || !drained.isEmpty {
            let targetsOfTask = remembered
            let ids = Array(Set(remembered.keys).union(drained))
            let changed = try await store.updateTasks(cluster: cluster, ids: ids) { task in
                if let targets = targetsOfTask[task.id] { task.loadBalancerTargets = targets.isEmpty ? nil : targets }
                guard drainedIds.contains(task.id), task.lastStatus == .deactivating else { return }
                task.lastStatus = .stopping
                task.task.lastStatus = TaskStatus.stopping.rawValue
            }
            stopped = changed.filter { drainedIds.contains($0.id) && $0.lastStatus == .stopping }.map(\.id).sorted()
            feed.tasksChanged(changed)
        }
        var events: [ServiceEvent] = []
        for (arn, count) in deregistered.counts.sorted(by: { $0.key < $1.key }) {
            events.append(
                ServiceEvent(
                    message: ServiceMessages.deregisteredTargets(service: service, count: count, targetGroup: arn),
                    createdAt: now))
        }
        for (arn, registrations) in register.sorted(by: { $0.key < $1.key }) {
            events.append(
                ServiceEvent(
                    message: ServiceMessages.registeredTargets(
                        service: service, count: registrations.count, targetGroup: arn), createdAt: now))
        }
        if !stopped.isEmpty {
            events.append(
                ServiceEvent(message: ServiceMessages.stoppedTasks(service: service, taskIds: stopped), createdAt: now))
        }
        return events
    }

    static func taskTarget(_ binding: ServiceTargets.Binding) -> TaskTarget {
        TaskTarget(targetGroupArn: binding.targetGroupArn, id: binding.target.id, port: binding.target.port)
    }

    static func targetOrder(_ lhs: TaskTarget, _ rhs: TaskTarget) -> Bool {
        (lhs.targetGroupArn, lhs.id, lhs.port) < (rhs.targetGroupArn, rhs.id, rhs.port)
    }

    /// Stops a task behind a load balancer as ECS does: DEACTIVATING first, its targets
    /// deregistered and drained, and only then stopped. Adds what it deregistered to
    /// `deregistered`.
    func deactivate(
        _ task: String, cluster: String, stop: StopTask, targets: ServiceTargets, now: Date,
        deregistered: inout Deregistrations
    ) async throws {
        let leaving = (targets.byTask[task] ?? []).filter {
            targets.registered[$0.targetGroupArn]?.contains($0.target) == true
        }
        let left = Set(leaving.map(Self.taskTarget))
        let changed = try await store.updateTasks(cluster: cluster, ids: [task]) { record in
            guard record.desiredStatus != .stopped else { return }
            record.serviceStopCause = stop.cause.rawValue
            record.desiredStatus = .stopped
            record.task.desiredStatus = TaskStatus.stopped.rawValue
            record.task.stoppedReason = stop.reason
            record.task.stopCode = stop.stopCode
            record.task.stoppingAt = now
            if record.lastStatus == .running {
                record.lastStatus = .deactivating
                record.task.lastStatus = TaskStatus.deactivating.rawValue
            }
            if let remaining = record.loadBalancerTargets?.filter({ !left.contains($0) }) {
                record.loadBalancerTargets = remaining.isEmpty ? nil : remaining
            }
        }
        feed.tasksChanged(changed)
        deregistered.tasks.insert(task)
        guard let loadBalancing else { return }
        for binding in leaving {
            try await loadBalancing.deregisterTargets(
                targetGroupArn: binding.targetGroupArn,
                targets: [TargetRegistration(id: binding.target.id, port: binding.target.port)])
            deregistered.add(1, in: binding.targetGroupArn)
        }
    }
}
