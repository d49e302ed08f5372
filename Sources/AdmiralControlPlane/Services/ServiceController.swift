import AdmiralModel
import AdmiralScheduler
import AdmiralStore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// The ECS service scheduler: keeps every service's tasks as its deployments want them.
///
/// A thin async layer around the pure `ServiceReconciler`: it reads a service's state
/// from the store, asks the reconciler for a plan, and performs it (places and stops
/// tasks, writes deployments and events). It runs a service's pass whenever one of its
/// tasks changes, its cluster's instances change, the service itself changes, or the
/// plan asks to be revisited; and every service once at start, so a restarted server
/// resumes where it stood. Level-triggered: a pass that fails half-way is corrected by
/// the next.
public actor ServiceController: Service {
    /// How the controller behaves.
    public struct Settings: Sendable {
        /// How long a RUNNING task without health checks waits before it counts as healthy
        /// (ECS: 40 seconds).
        public var settlingTime: TimeInterval
        /// After a placement attempt that could not place every task, how long to wait
        /// before the next attempt (unless the cluster changes), so that a cluster without
        /// room neither spins nor trips the circuit breaker at once.
        public var placementRetry: TimeInterval
        /// How often every service is reconciled even when nothing announced a change.
        public var fullSweepInterval: TimeInterval
        /// The region and account of the ARNs the controller writes.
        public var names: ECSNames

        /// Creates settings with ECS's defaults.
        public init(
            settlingTime: TimeInterval = TaskHealth.settlingTime, placementRetry: TimeInterval = 5,
            fullSweepInterval: TimeInterval = 30, names: ECSNames = ECSNames(region: "us-east-1", accountId: "000000000000")
        ) {
            self.settlingTime = settlingTime
            self.placementRetry = placementRetry
            self.fullSweepInterval = fullSweepInterval
            self.names = names
        }
    }

    let store: any Store
    let tasks: TaskService
    let feed: ChangeFeed
    let settings: Settings
    let logger: Logger
    let loadBalancing: LoadBalancingService?
    let targetHealth: any TargetHealthSource

    /// When each service asked to be looked at again.
    private var revisits: [String: Date] = [:]
    /// When each service last failed to place every task it wanted.
    private var lastUnplaced: [String: Date] = [:]
    private var lastSweep = Date.distantPast

    /// Creates the controller.
    public init(
        store: any Store, tasks: TaskService, feed: ChangeFeed, settings: Settings, logger: Logger,
        loadBalancing: LoadBalancingService? = nil, targetHealth: any TargetHealthSource = RegistrationTargetHealth()
    ) {
        self.loadBalancing = loadBalancing
        self.targetHealth = targetHealth
        self.store = store
        self.tasks = tasks
        self.feed = feed
        self.settings = settings
        self.logger = logger
    }

    public nonisolated func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    /// Runs passes until cancelled.
    func loop() async {
        while !Task.isCancelled {
            let waiter = feed.services.register(ChangeFeed.controllerKey)
            let now = Date()
            var work = feed.takeServiceWork()
            var sweep = false
            if now.timeIntervalSince(lastSweep) >= settings.fullSweepInterval {
                sweep = true
                lastSweep = now
            }
            for (key, date) in revisits where date <= now {
                work.services.insert(key)
                revisits[key] = nil
            }
            if work.isEmpty && !sweep {
                let next = (revisits.values + [lastSweep.addingTimeInterval(settings.fullSweepInterval)]).min() ?? now
                let wait = max(0.01, next.timeIntervalSince(now))
                _ = await waiter.wait(timeout: .milliseconds(Int(wait * 1000)))
                continue
            }
            await runPasses(work, everything: sweep)
        }
    }

    /// Reconciles the services named by `work` (and every live one with `everything`).
    public func runPasses(_ work: ChangeFeed.ServiceWork, everything: Bool = false) async {
        Counter(label: "admiral_controller_passes_total", dimensions: [("controller", "service")]).increment()
        var keys = work.services
        do {
            if work.loadBalanced && !everything {
                for record in try await store.liveServices(cluster: nil) where !(record.service.loadBalancers ?? []).isEmpty {
                    keys.insert(Self.key(record))
                }
            }
            if everything {
                for record in try await store.liveServices(cluster: nil) { keys.insert(Self.key(record)) }
            } else {
                for cluster in work.clusters {
                    for record in try await store.liveServices(cluster: cluster) { keys.insert(Self.key(record)) }
                }
            }
        } catch where Task.isCancelled {
            return
        } catch {
            logger.error("services not read", metadata: ["error": .string("\(error)")])
        }
        var instances = InstanceCache()
        for key in keys.sorted() {
            if instances.loadBalancing == nil, loadBalancing != nil {
                instances.loadBalancing = try? await loadBalancingView()
            }
            do {
                try await reconcile(key, instances: &instances, now: Date())
            } catch where Task.isCancelled {
                // Shutting down: the pass was cut short; the next start resumes it.
                return
            } catch {
                logger.error("service pass failed", metadata: ["service": .string(key), "error": .string("\(error)")])
                revisits[key] = Date().addingTimeInterval(settings.placementRetry)
            }
        }
    }

    static func key(_ record: ServiceRecord) -> String { "\(record.cluster)/\(record.name)" }

    /// The container instances of each cluster, read once per round of passes.
    struct InstanceCache {
        var byCluster: [String: [ContainerInstanceRecord]] = [:]
        var loadBalancing: LoadBalancingView?
    }

    // MARK: One pass

    func reconcile(_ key: String, instances cache: inout InstanceCache, now: Date) async throws {
        guard let slash = key.firstIndex(of: "/") else { return }
        let cluster = String(key[..<slash])
        let name = String(key[key.index(after: slash)...])
        guard let record = try await store.services(cluster: cluster, names: [name])[name], record.status != .inactive
        else {
            revisits[key] = nil
            return
        }
        if cache.byCluster[cluster] == nil {
            cache.byCluster[cluster] = try await allInstances(of: cluster)
        }
        let instances = cache.byCluster[cluster] ?? []
        let (liveTasks, watchedTasks, lingeringTasks) = try await serviceTasks(of: record)
        let targets = await targets(
            of: record, tasks: liveTasks, instances: instances, view: cache.loadBalancing ?? LoadBalancingView())
        var state = try await state(of: record, tasks: watchedTasks, instances: instances, now: now)
        for index in state.tasks.indices {
            state.tasks[index].targetHealth = targets.targetHealth(ofTask: state.tasks[index].taskArn)
        }
        let plan = ServiceReconciler.reconcile(state, now: now)
        var outcome = PassOutcome()
        var placed = false
        var deactivated = Deregistrations()
        for action in plan.actions {
            switch action {
            case .startTasks(let start):
                if let last = lastUnplaced[key], now.timeIntervalSince(last) < settings.placementRetry {
                    outcome.revisitAt = min(outcome.revisitAt ?? .distantFuture, last.addingTimeInterval(settings.placementRetry))
                    continue
                }
                let result = try await launch(start, of: record, state: state, now: now)
                outcome.absorb(result.plan)
                if result.unplaced > 0 {
                    lastUnplaced[key] = now
                    outcome.revisitAt = min(outcome.revisitAt ?? .distantFuture, now.addingTimeInterval(settings.placementRetry))
                } else {
                    lastUnplaced[key] = nil
                }
                placed = placed || !result.created.isEmpty
            case .stopTask(let stop):
                let id = ServiceTask.lastComponent(stop.taskArn)
                if targets.byTask[id] != nil {
                    try await deactivate(
                        id, cluster: cluster, stop: stop, targets: targets, now: now, deregistered: &deactivated)
                } else {
                    _ = try await tasks.stopTasks(
                        cluster: cluster, ids: [id], reason: stop.reason, code: stop.stopCode, at: now,
                        serviceStopCause: stop.cause.rawValue)
                }
            case .updateDeployment(let change):
                outcome.deployments.append(change.deployment)
                outcome.acknowledged.append(contentsOf: change.acknowledgedTaskArns.map(ServiceTask.lastComponent))
            case .setDesiredCount(let count):
                outcome.desiredCount = count
            case .recordEvent(let event):
                outcome.events.append(event)
            }
        }
        // STOPPED tasks that still hold targets are passed too: they are not wanted, so
        // their targets are deregistered and forgotten.
        outcome.events += try await reconcileTargets(
            targets, tasks: liveTasks + lingeringTasks, service: record.name, cluster: cluster,
            deactivated: deactivated, now: now)
        if !outcome.acknowledged.isEmpty {
            _ = try await store.updateTasks(cluster: cluster, ids: outcome.acknowledged) {
                $0.circuitBreakerAcknowledged = true
            }
        }
        let finished = record.status == .draining && !state.tasks.contains { $0.isOccupying }
        try await write(outcome, to: record, finished: finished)
        revisits[key] = [plan.revisitAt, outcome.revisitAt].compactMap { $0 }.min()
        if finished { revisits[key] = nil }
    }

    /// What a pass changes of the service record.
    struct PassOutcome {
        var deployments: [ServiceDeployment] = []
        var acknowledged: [String] = []
        var events: [ServiceEvent] = []
        var desiredCount: Int?
        var revisitAt: Date?

        mutating func absorb(_ plan: ServicePlan) {
            for action in plan.actions {
                switch action {
                case .updateDeployment(let change):
                    deployments.append(change.deployment)
                    acknowledged.append(contentsOf: change.acknowledgedTaskArns.map(ServiceTask.lastComponent))
                case .recordEvent(let event):
                    events.append(event)
                case .setDesiredCount(let count):
                    desiredCount = count
                case .startTasks, .stopTask:
                    continue
                }
            }
        }

        var isEmpty: Bool { deployments.isEmpty && events.isEmpty && desiredCount == nil }
    }

    /// Writes a pass's deployment changes, events and desired count. Events are always
    /// appended; deployment and count changes only if nobody changed the service since it
    /// was read (an UpdateService in between wins, and the next pass starts from it).
    func write(_ outcome: PassOutcome, to record: ServiceRecord, finished: Bool) async throws {
        guard !outcome.isEmpty || finished else { return }
        let readVersion = record.version
        let events = outcome.events
        let deployments = outcome.deployments
        let desiredCount = outcome.desiredCount
        let updated = try await store.updateService(cluster: record.cluster, name: record.name) { current in
            if !events.isEmpty {
                current.service.events = ServiceEventLog.appending(events, to: current.service.events ?? []) {
                    UUID().uuidString.lowercased()
                }
            }
            guard current.version == readVersion else { return }
            for deployment in deployments {
                let wire = deployment.ecsDeployment
                if let index = current.service.deployments?.firstIndex(where: { $0.id == deployment.id }) {
                    current.service.deployments?[index] = wire
                } else {
                    current.service.deployments?.append(wire)
                }
            }
            // A rollback makes an older deployment PRIMARY again: the service's task
            // definition follows the PRIMARY deployment.
            if let primary = current.service.deployments?.first(where: {
                $0.status == ServiceDeployment.Status.primary.rawValue
            }) {
                current.service.taskDefinition = primary.taskDefinition
            }
            current.service.deployments?.sort { ($0.createdAt ?? .distantPast) > ($1.createdAt ?? .distantPast) }
            if let desiredCount { current.service.desiredCount = desiredCount }
            if finished, current.status == .draining {
                current.status = .inactive
                current.service.status = ServiceRecord.Status.inactive.rawValue
            }
        }
        if updated != nil, finished {
            logger.info("service deleted", metadata: ["cluster": .string(record.cluster), "service": .string(record.name)])
        }
    }

    // MARK: Reading the state

    func allInstances(of cluster: String) async throws -> [ContainerInstanceRecord] {
        var result: [ContainerInstanceRecord] = []
        var cursor: String?
        while true {
            let page = try await store.listContainerInstances(
                cluster: cluster, statuses: [.active, .draining], after: cursor, limit: 1000)
            result.append(contentsOf: page)
            guard page.count == 1000 else { return result }
            cursor = page.last?.id
        }
    }

    /// A service's tasks that are not STOPPED; those the reconciler is to see (these and,
    /// while the circuit breaker watches a deployment, its stopped tasks not yet counted);
    /// and its STOPPED tasks that still hold load balancer targets.
    func serviceTasks(of record: ServiceRecord) async throws
        -> (all: [TaskRecord], watched: [TaskRecord], lingering: [TaskRecord])
    {
        let configuration = record.service.deploymentConfiguration
        let breaker = configuration?.deploymentCircuitBreaker?.enable ?? false
        let primary = (record.service.deployments ?? []).compactMap(Self.deployment).first { $0.status == .primary }
        let watching = breaker && primary?.rolloutState == .inProgress
        let watchedSince = watching ? primary?.createdAt : nil
        // A load-balanced service also reads its stored STOPPED tasks: one that stopped on
        // its own (a crashed container, a lost instance) may still hold targets.
        let balanced = !(record.service.loadBalancers ?? []).isEmpty
        let records = try await store.serviceTasks(
            cluster: record.cluster, service: record.name, stoppedSince: balanced ? .distantPast : watchedSince)
        let watched = records.filter { task in
            guard task.lastStatus == .stopped else { return true }
            guard let watchedSince, task.circuitBreakerAcknowledged != true else { return false }
            return (task.task.stoppedAt ?? .distantFuture) >= watchedSince
        }
        let lingering = records.filter { $0.lastStatus == .stopped && !($0.loadBalancerTargets ?? []).isEmpty }
        return (records.filter { $0.lastStatus != .stopped }, watched, lingering)
    }

    /// The reconciler's view of a service.
    func state(of record: ServiceRecord, tasks taskRecords: [TaskRecord], instances: [ContainerInstanceRecord], now: Date)
        async throws -> ServiceState
    {
        let service = record.service
        let configuration = service.deploymentConfiguration
        let draining = record.status == .draining
        let primaryDefinition = try await definition(service.taskDefinition)
        let essentialChecks = (primaryDefinition?.definition.containerDefinitions ?? []).contains {
            ($0.essential ?? true) && $0.healthCheck != nil
        }
        let spec = ServiceSpec(
            name: record.name, schedulingStrategy: record.schedulingStrategy,
            desiredCount: draining ? 0 : min(max(0, service.desiredCount ?? 0), ServiceRules.maximumDesiredCount),
            minimumHealthyPercent: draining ? 0 : configuration?.minimumHealthyPercent,
            maximumPercent: configuration?.maximumPercent, circuitBreaker: configuration?.deploymentCircuitBreaker,
            healthCheckGracePeriodSeconds: service.healthCheckGracePeriodSeconds ?? 0,
            targetGroupArns: (service.loadBalancers ?? []).compactMap(\.targetGroupArn),
            hasContainerHealthChecks: essentialChecks, settlingTime: settings.settlingTime)
        let deployments = (service.deployments ?? []).compactMap(Self.deployment)
        let serviceTasks = taskRecords.map(Self.task)
        var daemonConstraints: [PlacementConstraint] = []
        var required: [PlacementRequest.RequiredAttribute] = []
        if record.schedulingStrategy == .daemon, let primaryDefinition {
            daemonConstraints = try PlacementConstraint.parse(
                service.placementConstraints,
                taskDefinition: try PlacementConstraint.parseTaskDefinition(primaryDefinition.definition.placementConstraints))
            required = PlacementRequest.RequiredAttribute.from(primaryDefinition.definition.requiresAttributes)
        }
        let group = "service:\(record.name)"
        // Only a DAEMON service's constraints need the scheduler's view of each instance;
        // a pass of any other service must stay cheap on a cluster of thousands.
        let filtered = !daemonConstraints.isEmpty || !required.isEmpty
        let serviceInstances = instances.map { instance -> ServiceInstance in
            var eligible = true
            if filtered {
                let snapshot = InstanceSnapshot(instance)
                eligible =
                    daemonConstraints.allSatisfy { constraint in
                        if case .memberOf(let query) = constraint { return query.matches(snapshot) }
                        return true
                    }
                    && required.allSatisfy { requirement in
                        guard let value = snapshot.attributes[requirement.name] else { return false }
                        return requirement.value == nil || value == requirement.value
                    }
            }
            var others = 0
            for (name, count) in instance.usage.groups where name != group { others += count }
            return ServiceInstance(
                arn: instance.id, status: InstanceSnapshot.status(of: instance), agentConnected: instance.agentConnected,
                availabilityZone: instance.attribute("ecs.availability-zone"), satisfiesDaemonConstraints: eligible,
                replicaTasksRemaining: others)
        }
        let events = (service.events ?? []).compactMap { event in
            event.message.map { ServiceEvent(message: $0, createdAt: event.createdAt ?? now) }
        }
        return ServiceState(
            service: spec, deployments: deployments, tasks: serviceTasks, instances: serviceInstances, events: events)
    }

    func definition(_ arn: String?) async throws -> TaskDefinitionRecord? {
        guard let arn, let reference = TaskDefinitionReference(parsing: arn) else { return nil }
        return try await store.taskDefinition(family: reference.family, revision: reference.revision)
    }

    static func deployment(_ wire: ECS.Deployment) -> ServiceDeployment? {
        guard let id = wire.id, let statusText = wire.status,
            let status = ServiceDeployment.Status(rawValue: statusText), let createdAt = wire.createdAt
        else { return nil }
        return ServiceDeployment(
            id: id, status: status, taskDefinition: wire.taskDefinition ?? "", createdAt: createdAt,
            updatedAt: wire.updatedAt, rolloutState: wire.rolloutState ?? .inProgress,
            rolloutStateReason: wire.rolloutStateReason, failedTasks: wire.failedTasks ?? 0,
            desiredCount: wire.desiredCount ?? 0, pendingCount: wire.pendingCount ?? 0,
            runningCount: wire.runningCount ?? 0)
    }

    /// The reconciler's view of a task.
    static func task(_ record: TaskRecord) -> ServiceTask {
        let cause: ServiceTask.StopCause? =
            record.serviceStopCause.flatMap(ServiceTask.StopCause.init(rawValue:))
            ?? {
                guard record.desiredStatus == .stopped || record.lastStatus == .stopped else { return nil }
                switch record.task.stopCode {
                case .taskFailedToStart: return .failedToStart
                case .essentialContainerExited: return .essentialContainerExited
                case .userInitiated: return .user
                case .serviceSchedulerInitiated: return .scheduler
                case nil where record.lastStatus == .stopped: return .instanceLost
                default: return nil
                }
            }()
        let health: ServiceTask.ContainerHealth =
            switch record.task.healthStatus {
            case .healthy: .healthy
            case .unhealthy: .unhealthy
            default: .unknown
            }
        return ServiceTask(
            taskArn: record.id, deploymentId: record.startedBy ?? "", containerInstanceArn: record.containerInstanceId,
            lastStatus: ServiceTask.Status(name: record.lastStatus.rawValue) ?? .pending,
            desiredStatus: ServiceTask.Status(name: record.desiredStatus.rawValue) ?? .running,
            startedAt: record.task.startedAt, stopCause: cause, containerHealth: health, targetHealth: .none,
            circuitBreakerAcknowledged: record.circuitBreakerAcknowledged ?? false)
    }

    // MARK: Starting tasks

    /// Places the tasks a plan asks for and returns the placement's events and changes.
    func launch(_ start: StartTasks, of record: ServiceRecord, state: ServiceState, now: Date) async throws
        -> (created: [TaskRecord], unplaced: Int, plan: ServicePlan)
    {
        guard let definition = try await definition(start.taskDefinition) else {
            throw AdmiralError.client("The task definition \(start.taskDefinition) of the service no longer exists.")
        }
        let service = record.service
        var launch = try TaskLaunch(
            cluster: record.cluster, definition: definition, overrides: nil, group: "service:\(record.name)",
            startedBy: start.deploymentId, tags: try await tags(for: record, definition: definition),
            strategies: try PlacementStrategy.parse(service.placementStrategy, defaults: PlacementStrategy.serviceDefault),
            constraints: service.placementConstraints)
        launch.capacityProviderStrategy = service.capacityProviderStrategy ?? []
        launch.waiting = WaitingPlacement(
            placementStrategy: service.placementStrategy, placementConstraints: service.placementConstraints,
            serviceDefaults: true)
        var created: [TaskRecord] = []
        var failures: [ECS.Failure] = []
        do {
            (created, failures) = try await tasks.launchTasks(
                launch, count: start.count, at: now, onInstance: start.containerInstanceArn)
        } catch let error as AdmiralError where error.code == .invalidParameter {
            // No instance at all: nothing placed; the event says so.
        }
        let unplaced = start.count - created.count
        let placement = PlacementPlan(
            placements: created.map(\.containerInstanceId), unplacedCount: unplaced,
            failures: failures.compactMap { failure in
                guard let reason = failure.reason.flatMap(PlacementFailure.Reason.init(rawValue:)) else { return nil }
                return PlacementFailure(instanceId: failure.arn, reason: reason)
            })
        let plan = ServiceReconciler.placementOutcome(
            state, start: start, startedTaskArns: created.map(\.id), placement: placement, now: now)
        return (created, unplaced, plan)
    }

    /// The tags a service's tasks get: propagated from the service or the task definition,
    /// and ECS's managed tags when enabled.
    func tags(for record: ServiceRecord, definition: TaskDefinitionRecord) async throws -> [ECS.Tag] {
        var tags: [ECS.Tag] = []
        switch record.service.propagateTags {
        case .service:
            tags = try await store.tags(of: .service(cluster: record.cluster, name: record.name))
        case .taskDefinition:
            tags = try await store.tags(of: .taskDefinition(family: definition.family, revision: definition.revision))
        default:
            break
        }
        if record.service.enableECSManagedTags == true {
            tags.append(ECS.Tag(key: "aws:ecs:clusterName", value: record.cluster))
            tags.append(ECS.Tag(key: "aws:ecs:serviceName", value: record.name))
        }
        return tags
    }
}
