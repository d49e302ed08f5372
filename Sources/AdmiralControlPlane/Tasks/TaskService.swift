import AdmiralModel
import AdmiralScheduler
import AdmiralStore
import Foundation

/// The ECS task operations: RunTask, StartTask, StopTask, DescribeTasks, ListTasks, and
/// the state changes agents report.
public struct TaskService: Sendable {
    let store: any Store
    let feed: ChangeFeed
    let presence: AgentPresence
    /// What the scheduler saw of each instance, by the instance's record version.
    let snapshots = InstanceSnapshotCache()

    /// The most tasks one RunTask call may start.
    static let maximumRunCount = 10
    /// The most tasks DescribeTasks and StopTask-like batch calls take.
    static let maximumDescribeCount = 100

    /// Creates the service over a store.
    public init(store: any Store, feed: ChangeFeed, presence: AgentPresence) {
        self.store = store
        self.feed = feed
        self.presence = presence
    }

    // MARK: RunTask and StartTask

    /// RunTask: places `count` tasks with the request's strategies and constraints.
    public func runTask(_ request: ECS.RunTaskRequest, context: RequestContext) async throws -> ECS.RunTaskResponse {
        let cluster = try NameRules.clusterName(request.cluster)
        let count = request.count ?? 1
        guard (1...Self.maximumRunCount).contains(count) else {
            throw AdmiralError.invalidParameter(
                "count must be between 1 and \(Self.maximumRunCount); \(count) was given.")
        }
        let providers = try await capacityProviderStrategy(
            cluster: cluster, launchType: request.launchType, given: request.capacityProviderStrategy)
        let definition = try await resolveDefinition(request.taskDefinition)
        let tags = try await launchTags(request.tags, propagate: request.propagateTags, definition: definition)
        let launch = try TaskLaunch(
            cluster: cluster, definition: definition, overrides: request.overrides, group: request.group,
            startedBy: request.startedBy, tags: tags,
            strategies: try PlacementStrategy.parse(request.placementStrategy),
            constraints: request.placementConstraints)
        var strategyLaunch = launch
        strategyLaunch.capacityProviderStrategy = providers
        strategyLaunch.waiting.placementStrategy = request.placementStrategy
        let (tasks, failures) = try await launchTasks(strategyLaunch, count: count, at: context.now)
        return ECS.RunTaskResponse(
            tasks: try await render(tasks, tags: tags, context: context),
            failures: failures.map { render($0, cluster: cluster, context: context) })
    }

    /// Places tasks of a checked launch in one store transaction; the failures name
    /// container instance ids. With `instance`, the tasks may only go on that instance (a
    /// DAEMON service's). Used by RunTask and by the service scheduler.
    ///
    /// With a capacity provider strategy, as in ECS, a task its provider has no room for
    /// is not a failure: it is created PROVISIONING, without an instance, and waits until
    /// the provider's instances have room (`placeWaitingTasks`); managed scaling counts it.
    public func launchTasks(_ launch: TaskLaunch, count: Int, at date: Date, onInstance instance: String? = nil)
        async throws -> (tasks: [TaskRecord], failures: [ECS.Failure])
    {
        let waits = !launch.capacityProviderStrategy.isEmpty && instance == nil
        let outcome = try await store.createTasks(cluster: launch.cluster, tags: launch.tags) { all in
            let instances = instance.map { id in all.filter { $0.id == id } } ?? all
            guard !instances.isEmpty || waits else {
                throw AdmiralError.invalidParameter("No Container Instances were found in your cluster.")
            }
            // Without a capacity provider strategy, one placement over every instance; with
            // one, the tasks are shared out by base and weight, each share placed on its
            // provider's instances only.
            let shares: [(String?, Int)] =
                launch.capacityProviderStrategy.isEmpty
                ? [(nil, count)]
                : Dictionary(
                    grouping: CapacityProviderStrategy.assign(count, strategy: launch.capacityProviderStrategy),
                    by: { $0 }
                ).map { ($0.key, $0.value.count) }.sorted { ($0.0 ?? "") < ($1.0 ?? "") }
            var tasks: [TaskRecord] = []
            var failures: [ECS.Failure] = []
            for (provider, share) in shares {
                let candidates = provider.map { name in instances.filter { $0.capacityProviderName == name } } ?? instances
                if waits, candidates.isEmpty {
                    tasks += (0..<share).map { _ in launch.makeTask(on: nil, at: date, capacityProvider: provider) }
                    continue
                }
                guard !candidates.isEmpty else {
                    failures.append(
                        ECS.Failure(
                            arn: nil,
                            reason: "No Container Instances were found in capacity provider \(provider ?? "")."))
                    continue
                }
                let plan = PlacementEngine.plan(
                    launch.placementRequest(count: share),
                    in: ClusterSnapshot(instances: snapshots.snapshots(of: candidates)))
                tasks += plan.placements.compactMap { id in
                    candidates.first { $0.id == id }.map { launch.makeTask(on: $0, at: date, capacityProvider: provider) }
                }
                if waits {
                    tasks += (0..<plan.unplacedCount).map { _ in
                        launch.makeTask(on: nil, at: date, capacityProvider: provider)
                    }
                } else if plan.unplacedCount > 0 {
                    failures += plan.ecsFailures
                }
            }
            return PlacementOutcome(tasks: tasks, failures: failures)
        }
        feed.tasksChanged(outcome.tasks)
        return (outcome.tasks, outcome.failures)
    }

    /// StartTask: one task on each named container instance, checking the task
    /// definition's constraints and the instance's resources.
    public func startTask(_ request: ECS.StartTaskRequest, context: RequestContext) async throws
        -> ECS.StartTaskResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        guard (1...10).contains(request.containerInstances.count) else {
            throw AdmiralError.invalidParameter(
                "containerInstances must name 1 to 10 container instances; \(request.containerInstances.count) given.")
        }
        let ids = try request.containerInstances.map { try Self.instanceId($0, cluster: cluster) }
        let definition = try await resolveDefinition(request.taskDefinition)
        let tags = try await launchTags(request.tags, propagate: request.propagateTags, definition: definition)
        let launch = try TaskLaunch(
            cluster: cluster, definition: definition, overrides: request.overrides, group: request.group,
            startedBy: request.startedBy, tags: tags, strategies: [.random], constraints: nil)
        let date = context.now
        let outcome = try await store.createTasks(cluster: cluster, tags: tags) { instances in
            let byId = Dictionary(instances.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var snapshots = Dictionary(
                instances.map { ($0.id, InstanceSnapshot($0)) }, uniquingKeysWith: { first, _ in first })
            var tasks: [TaskRecord] = []
            var failures: [ECS.Failure] = []
            for id in ids {
                guard let instance = byId[id], let snapshot = snapshots[id] else {
                    failures.append(ECS.Failure(arn: id, reason: "MISSING"))
                    continue
                }
                var engine = PlacementEngine(snapshot: ClusterSnapshot(instances: [snapshot]))
                let plan = engine.place(launch.placementRequest(count: 1))
                guard !plan.placements.isEmpty else {
                    failures.append(contentsOf: plan.ecsFailures)
                    continue
                }
                tasks.append(launch.makeTask(on: instance, at: date))
                snapshots[id] = engine.snapshot.instances.first
            }
            return PlacementOutcome(tasks: tasks, failures: failures)
        }
        feed.tasksChanged(outcome.tasks)
        return ECS.StartTaskResponse(
            tasks: try await render(outcome.tasks, tags: tags, context: context),
            failures: outcome.failures.map { render($0, cluster: cluster, context: context) })
    }

    // MARK: StopTask

    /// StopTask: the task is desired STOPPED with the caller's reason; its agent stops it.
    public func stopTask(_ request: ECS.StopTaskRequest, context: RequestContext) async throws -> ECS.StopTaskResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let id = try Self.taskId(request.task, cluster: cluster)
        if let reason = request.reason, reason.count > 255 {
            throw AdmiralError.invalidParameter("reason can be at most 255 characters; it has \(reason.count).")
        }
        try await requireCluster(cluster)
        let stopped = try await stopTasks(
            cluster: cluster, ids: [id], reason: request.reason ?? "Task stopped by the user.", code: .userInitiated,
            at: context.now)
        var current = stopped.first
        if current == nil { current = try await store.tasks(cluster: cluster, ids: [id])[id] }
        guard let task = current else {
            throw AdmiralError.invalidParameter("The referenced task was not found.")
        }
        return ECS.StopTaskResponse(task: try await render([task], tags: nil, context: context).first)
    }

    /// Asks tasks to stop: desired STOPPED, with a reason and code, unless already so.
    /// Returns the tasks that changed.
    public func stopTasks(
        cluster: String, ids: [String], reason: String, code: ECS.TaskStopCode, at date: Date,
        serviceStopCause: String? = nil
    ) async throws -> [TaskRecord] {
        let changed = try await store.updateTasks(cluster: cluster, ids: ids) { task in
            guard task.desiredStatus != .stopped else { return }
            task.serviceStopCause = serviceStopCause
            task.desiredStatus = .stopped
            task.task.desiredStatus = TaskStatus.stopped.rawValue
            task.task.stoppedReason = reason
            task.task.stopCode = code
            task.task.stoppingAt = date
            if !task.isPlaced {
                // Waiting for capacity, it has no agent to stop it: it is STOPPED now.
                task.lastStatus = .stopped
                task.task.lastStatus = TaskStatus.stopped.rawValue
                task.task.stoppedAt = date
                task.task.executionStoppedAt = date
                task.waitingPlacement = nil
                task.task.containers = task.task.containers?.map { container in
                    var container = container
                    container.lastStatus = ContainerStatus.stopped.rawValue
                    return container
                }
            }
        }
        feed.tasksChanged(changed)
        return changed
    }

    // MARK: DescribeTasks and ListTasks

    /// DescribeTasks: found tasks and MISSING failures.
    public func describeTasks(_ request: ECS.DescribeTasksRequest, context: RequestContext) async throws
        -> ECS.DescribeTasksResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        guard (1...Self.maximumDescribeCount).contains(request.tasks.count) else {
            throw AdmiralError.invalidParameter(
                "tasks must name 1 to \(Self.maximumDescribeCount) tasks; \(request.tasks.count) given.")
        }
        try await requireCluster(cluster)
        var ids: [String] = []
        var failures: [ECS.Failure] = []
        for identifier in request.tasks {
            if let reference = ClusterScopedReference(parsing: identifier, type: "task"),
                reference.cluster == nil || reference.cluster == cluster
            {
                ids.append(reference.id)
            } else {
                failures.append(ECS.Failure(arn: identifier, reason: "MISSING"))
            }
        }
        let found = try await store.tasks(cluster: cluster, ids: ids)
        var tasks: [TaskRecord] = []
        for id in ids {
            if let task = found[id] {
                tasks.append(task)
            } else {
                failures.append(ECS.Failure(arn: context.names.taskARN(cluster: cluster, id: id), reason: "MISSING"))
            }
        }
        let withTags = request.include?.contains(.tags) == true
        return ECS.DescribeTasksResponse(
            tasks: try await render(tasks, tags: withTags ? [] : nil, context: context, readTags: withTags),
            failures: failures)
    }

    /// ListTasks: task ARNs filtered by instance, family, startedBy, service and desired
    /// status (RUNNING unless asked otherwise), paginated.
    public func listTasks(_ request: ECS.ListTasksRequest, context: RequestContext) async throws
        -> ECS.ListTasksResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let limit = try Pagination.pageSize(request.maxResults)
        if let launchType = request.launchType, launchType != .ec2 {
            return ECS.ListTasksResponse(taskArns: [])
        }
        try await requireCluster(cluster)
        let desired: TaskStatus =
            switch request.desiredStatus {
            case .stopped: .stopped
            case .pending: .pending
            case .running, nil: .running
            }
        let filter = TaskFilter(
            cluster: cluster,
            containerInstanceId: try request.containerInstance.map { try Self.instanceId($0, cluster: cluster) },
            family: request.family, startedBy: request.startedBy, serviceName: request.serviceName,
            desiredStatus: desired)
        let listName = "tasks"
        let after = try Pagination.position(request.nextToken, list: listName, as: String.self)
        let records = try await store.listTasks(filter, after: after, limit: limit + 1)
        let page = records.prefix(limit)
        let next = records.count > limit ? page.last.map { Pagination.token(list: listName, after: $0.id) } : nil
        return ECS.ListTasksResponse(
            taskArns: page.map { context.names.taskARN(cluster: cluster, id: $0.id) }, nextToken: next)
    }

    // MARK: Helpers

    /// The task definition a RunTask, StartTask or service names, refusing ones that
    /// cannot start tasks.
    public func resolveDefinition(_ identifier: String) async throws -> TaskDefinitionRecord {
        guard let reference = TaskDefinitionReference(parsing: identifier),
            let record = try await store.taskDefinition(family: reference.family, revision: reference.revision)
        else {
            throw AdmiralError.client("Unable to find task definition '\(identifier)'.")
        }
        switch record.status {
        case .active: return record
        case .inactive:
            throw AdmiralError.client(
                "TaskDefinition is inactive: \(record.family):\(record.revision). Register a new revision or use an ACTIVE one."
            )
        case .deleteInProgress:
            throw AdmiralError.client("TaskDefinition is being deleted: \(record.family):\(record.revision).")
        }
    }

    func launchTags(_ tags: [ECS.Tag]?, propagate: ECS.PropagateTags?, definition: TaskDefinitionRecord)
        async throws -> [ECS.Tag]
    {
        var result = tags ?? []
        if propagate == .taskDefinition {
            let inherited = try await store.tags(
                of: .taskDefinition(family: definition.family, revision: definition.revision))
            for tag in inherited where !result.contains(where: { $0.key == tag.key }) { result.append(tag) }
        }
        try TagRules.validate(result)
        return result
    }

    static func requireEC2(_ launchType: ECS.LaunchType?, capacityProviders: [ECS.CapacityProviderStrategyItem]?)
        throws
    {
        if let launchType, launchType != .ec2 {
            throw AdmiralError.invalidParameter(
                "Admiral runs tasks on the EC2 launch type only (container instances with an agent); "
                    + "launchType \(launchType.rawValue) is not available.")
        }
        if let capacityProviders, !capacityProviders.isEmpty {
            throw AdmiralError.invalidParameter(
                "Capacity provider strategies are not supported; leave capacityProviderStrategy out.")
        }
    }

    /// The capacity provider strategy of a RunTask or CreateService: the one given (its
    /// providers associated with the cluster), or with neither it nor a launch type the
    /// cluster's default; empty for the EC2 launch type.
    func capacityProviderStrategy(
        cluster: String, launchType: ECS.LaunchType?, given: [ECS.CapacityProviderStrategyItem]?
    ) async throws -> [ECS.CapacityProviderStrategyItem] {
        try Self.requireEC2(launchType, capacityProviders: nil)
        let given = given ?? []
        if launchType != nil {
            guard given.isEmpty else {
                throw AdmiralError.invalidParameter(
                    "Specifying both a launchType and capacityProviderStrategy is not supported. Remove one and try "
                        + "again.")
            }
            return []
        }
        guard let record = try await store.cluster(named: cluster), record.status == .active else {
            throw AdmiralError(.clusterNotFound, "Cluster not found.")
        }
        let associated = record.cluster.capacityProviders ?? []
        if given.isEmpty { return record.cluster.defaultCapacityProviderStrategy ?? [] }
        do {
            return try CapacityProviderStrategy.validate(given, among: associated)
        } catch let error as AdmiralError where error.message.contains("is not associated") {
            throw AdmiralError.invalidParameter(
                "The specified capacity provider strategy cannot contain a capacity provider that is not associated "
                    + "with the cluster. Associate the capacity provider with the cluster or specify a valid capacity "
                    + "provider and try again.")
        }
    }

    func requireCluster(_ name: String) async throws {
        try await store.requireActiveCluster(name)
    }

    /// The id of a task named by id or ARN within `cluster`.
    static func taskId(_ identifier: String, cluster: String) throws -> String {
        guard let reference = ClusterScopedReference(parsing: identifier, type: "task") else {
            throw AdmiralError.invalidParameter(
                "'\(identifier)' is not a task id or task ARN (arn:aws:ecs:<region>:<account>:task/<cluster>/<id>).")
        }
        if let other = reference.cluster, other != cluster {
            throw AdmiralError.invalidParameter(
                "Task '\(identifier)' belongs to cluster '\(other)', not '\(cluster)'.")
        }
        return reference.id
    }

    /// The id of a container instance named by id or ARN within `cluster`.
    static func instanceId(_ identifier: String, cluster: String) throws -> String {
        guard let reference = ClusterScopedReference(parsing: identifier, type: "container-instance") else {
            throw AdmiralError.invalidParameter(
                "'\(identifier)' is not a container instance id or ARN "
                    + "(arn:aws:ecs:<region>:<account>:container-instance/<cluster>/<id>).")
        }
        if let other = reference.cluster, other != cluster {
            throw AdmiralError.invalidParameter(
                "Container instance '\(identifier)' belongs to cluster '\(other)', not '\(cluster)'.")
        }
        return reference.id
    }

    /// A placement failure with the container instance's ARN in the request's region.
    func render(_ failure: ECS.Failure, cluster: String, context: RequestContext) -> ECS.Failure {
        var failure = failure
        if let id = failure.arn, !id.hasPrefix("arn:") {
            failure.arn = context.names.containerInstanceARN(cluster: cluster, id: id)
        }
        return failure
    }
}
