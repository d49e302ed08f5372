import AdmiralModel
import AdmiralScheduler
import AdmiralStore
import Foundation

/// The ECS service operations: CreateService, UpdateService, DeleteService,
/// DescribeServices, ListServices. They change what the service should be; the
/// `ServiceController` makes it so.
public struct ServiceOperations: Sendable {
    let store: any Store
    let tasks: TaskService
    let feed: ChangeFeed
    let loadBalancing: LoadBalancingService?

    /// Creates the operations over a store; `loadBalancing` checks services' target groups.
    public init(store: any Store, tasks: TaskService, feed: ChangeFeed, loadBalancing: LoadBalancingService? = nil) {
        self.store = store
        self.tasks = tasks
        self.feed = feed
        self.loadBalancing = loadBalancing
    }

    /// Each target group a service names exists and is attached to a load balancer, as
    /// ECS requires.
    func validateTargetGroups(_ balancers: [ECS.LoadBalancer], context: RequestContext) async throws {
        guard let loadBalancing, !balancers.isEmpty else { return }
        let snapshot = try await loadBalancing.snapshot(
            region: context.names.region, accountId: context.names.accountId)
        let groups = Dictionary(uniqueKeysWithValues: snapshot.targetGroups.map { ($0.arn, $0) })
        for balancer in balancers {
            let arn = balancer.targetGroupArn ?? ""
            guard let group = groups[arn] else {
                throw AdmiralError.invalidParameter("The target group with targetGroupArn \(arn) does not exist.")
            }
            guard !group.loadBalancerArns.isEmpty else {
                throw AdmiralError.invalidParameter(
                    "The target group with targetGroupArn \(arn) does not have an associated load balancer.")
            }
        }
    }

    // MARK: CreateService

    public func createService(_ request: ECS.CreateServiceRequest, context: RequestContext) async throws
        -> ECS.CreateServiceResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        try ServiceRules.validateName(request.serviceName)
        try ServiceRules.validateClientToken(request.clientToken)
        try Self.requireRollingUpdates(request.deploymentController)
        let providers = try await tasks.capacityProviderStrategy(
            cluster: cluster, launchType: request.launchType, given: request.capacityProviderStrategy)
        if request.networkConfiguration != nil {
            throw AdmiralError.invalidParameter(
                "networkConfiguration is for the awsvpc network mode, which Admiral does not run; leave it out.")
        }
        let strategy = request.schedulingStrategy ?? .replica
        var desiredCount = request.desiredCount
        switch strategy {
        case .replica:
            guard let count = desiredCount else {
                throw AdmiralError.invalidParameter(
                    "desiredCount is required for services with the REPLICA scheduling strategy.")
            }
            try ServiceRules.validateDesiredCount(count)
        case .daemon:
            if desiredCount != nil {
                throw AdmiralError.invalidParameter(
                    "The daemon scheduling strategy does not support a desired count for services.")
            }
            desiredCount = 0
        }
        guard let identifier = request.taskDefinition else {
            throw AdmiralError.invalidParameter("CreateService needs a taskDefinition.")
        }
        let definition = try await tasks.resolveDefinition(identifier)
        try ServiceRules.validatePlacement(
            strategies: request.placementStrategy, constraints: request.placementConstraints,
            definition: definition.definition, schedulingStrategy: strategy)
        try ServiceRules.validateLoadBalancers(request.loadBalancers ?? [], definition: definition.definition)
        try await validateTargetGroups(request.loadBalancers ?? [], context: context)
        if let grace = request.healthCheckGracePeriodSeconds, !(0...ServiceRules.maximumGracePeriod).contains(grace) {
            throw AdmiralError.invalidParameter("healthCheckGracePeriodSeconds must be 0 or more.")
        }
        let tags = request.tags ?? []
        try TagRules.validate(tags)
        let configuration = try ServiceRules.deploymentConfiguration(
            request.deploymentConfiguration, strategy: strategy)
        let definitionArn = context.names.taskDefinitionARN(family: definition.family, revision: definition.revision)
        let deployment = Self.newDeployment(
            taskDefinition: definitionArn, desiredCount: desiredCount ?? 0, at: context.now)
        let service = ECS.Service(
            serviceName: request.serviceName, loadBalancers: request.loadBalancers ?? [], serviceRegistries: [],
            status: ServiceRecord.Status.active.rawValue, desiredCount: desiredCount ?? 0,
            launchType: providers.isEmpty ? .ec2 : nil,
            capacityProviderStrategy: providers.isEmpty ? nil : providers,
            taskDefinition: definitionArn, deploymentConfiguration: configuration, deployments: [deployment],
            events: [], createdAt: context.now, placementConstraints: request.placementConstraints ?? [],
            placementStrategy: request.placementStrategy ?? [],
            healthCheckGracePeriodSeconds: request.healthCheckGracePeriodSeconds, schedulingStrategy: strategy,
            deploymentController: ECS.DeploymentController(type: .ecs), createdBy: context.principalARN,
            enableECSManagedTags: request.enableECSManagedTags ?? false, propagateTags: request.propagateTags ?? ECS.PropagateTags.none,
            enableExecuteCommand: request.enableExecuteCommand ?? false)
        let record = ServiceRecord(
            cluster: cluster, name: request.serviceName, status: .active, service: service,
            clientToken: request.clientToken)
        let result = try await store.createService(record, tags: tags) { existing in
            Self.isRetry(of: existing, request: request, definitionArn: definitionArn)
        }
        feed.serviceChanged(cluster: cluster, name: request.serviceName)
        return ECS.CreateServiceResponse(service: try await render(result.record, context: context, withTags: true))
    }

    /// Whether a CreateService with the name of an existing service is an idempotent
    /// retry: the same clientToken, or the same request when neither has one.
    static func isRetry(of existing: ServiceRecord, request: ECS.CreateServiceRequest, definitionArn: String) -> Bool {
        if let token = request.clientToken { return existing.clientToken == token }
        guard existing.clientToken == nil, existing.status == .active else { return false }
        let service = existing.service
        return service.taskDefinition == definitionArn
            && service.desiredCount == (request.desiredCount ?? service.desiredCount)
            && (service.schedulingStrategy ?? .replica) == (request.schedulingStrategy ?? .replica)
            && (service.loadBalancers ?? []) == (request.loadBalancers ?? [])
    }

    static func requireRollingUpdates(_ controller: ECS.DeploymentController?) throws {
        if let controller, controller.type != .ecs {
            throw AdmiralError.invalidParameter(
                "Admiral deploys services with the ECS deployment controller (rolling updates); "
                    + "\(controller.type.rawValue) is not available.")
        }
    }

    /// A new PRIMARY deployment, IN_PROGRESS.
    static func newDeployment(taskDefinition: String, desiredCount: Int, at date: Date) -> ECS.Deployment {
        var generator = SystemRandomNumberGenerator()
        let id = ServiceDeployment.makeIdentifier(using: &generator)
        return ServiceDeployment(
            id: id, status: .primary, taskDefinition: taskDefinition, createdAt: date, desiredCount: desiredCount
        ).ecsDeployment
    }

    // MARK: UpdateService

    public func updateService(_ request: ECS.UpdateServiceRequest, context: RequestContext) async throws
        -> ECS.UpdateServiceResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let name = try Self.serviceName(request.service, cluster: cluster)
        try Self.requireRollingUpdates(request.deploymentController)
        let providers: [ECS.CapacityProviderStrategyItem]? =
            if let given = request.capacityProviderStrategy {
                given.isEmpty
                    ? [] : try await tasks.capacityProviderStrategy(cluster: cluster, launchType: nil, given: given)
            } else {
                nil
            }
        if request.networkConfiguration != nil {
            throw AdmiralError.invalidParameter(
                "networkConfiguration is for the awsvpc network mode, which Admiral does not run; leave it out.")
        }
        guard let current = try await store.services(cluster: cluster, names: [name])[name] else {
            try await tasks.requireCluster(cluster)
            throw AdmiralError(.serviceNotFound, "Service not found.")
        }
        guard current.status == .active else {
            throw AdmiralError(.serviceNotActive, "Service was not ACTIVE.")
        }
        let strategy = current.schedulingStrategy
        if let count = request.desiredCount {
            if strategy == .daemon {
                throw AdmiralError.invalidParameter(
                    "The daemon scheduling strategy does not support a desired count for services.")
            }
            try ServiceRules.validateDesiredCount(count)
        }
        var definitionArn: String?
        var definition = try await definitionOf(current)
        if let identifier = request.taskDefinition {
            let resolved = try await tasks.resolveDefinition(identifier)
            definition = resolved
            definitionArn = context.names.taskDefinitionARN(family: resolved.family, revision: resolved.revision)
        }
        if let definition {
            try ServiceRules.validatePlacement(
                strategies: request.placementStrategy ?? current.service.placementStrategy,
                constraints: request.placementConstraints ?? current.service.placementConstraints,
                definition: definition.definition, schedulingStrategy: strategy)
            try ServiceRules.validateLoadBalancers(
                request.loadBalancers ?? current.service.loadBalancers ?? [], definition: definition.definition)
        }
        try await validateTargetGroups(request.loadBalancers ?? [], context: context)
        let configuration = try ServiceRules.deploymentConfiguration(
            request.deploymentConfiguration, strategy: strategy, current: current.service.deploymentConfiguration)
        if let grace = request.healthCheckGracePeriodSeconds, grace < 0 {
            throw AdmiralError.invalidParameter("healthCheckGracePeriodSeconds must be 0 or more.")
        }
        let now = context.now
        let requestedDefinition = definitionArn
        let updated = try await store.updateService(cluster: cluster, name: name) { record in
            guard record.status == .active else { throw AdmiralError(.serviceNotActive, "Service was not ACTIVE.") }
            var service = record.service
            let primary = service.deployments?.first { $0.status == ServiceDeployment.Status.primary.rawValue }
            if let count = request.desiredCount { service.desiredCount = count }
            service.deploymentConfiguration = configuration
            if let grace = request.healthCheckGracePeriodSeconds { service.healthCheckGracePeriodSeconds = grace }
            if let balancers = request.loadBalancers { service.loadBalancers = balancers }
            if let propagate = request.propagateTags { service.propagateTags = propagate }
            if let managed = request.enableECSManagedTags { service.enableECSManagedTags = managed }
            if let execute = request.enableExecuteCommand { service.enableExecuteCommand = execute }
            var placementChanged = false
            if let strategies = request.placementStrategy, strategies != (service.placementStrategy ?? []) {
                service.placementStrategy = strategies
                placementChanged = true
            }
            if let constraints = request.placementConstraints, constraints != (service.placementConstraints ?? []) {
                service.placementConstraints = constraints
                placementChanged = true
            }
            if let providers, providers != (service.capacityProviderStrategy ?? []) {
                // A new strategy applies to the tasks of a new deployment.
                service.capacityProviderStrategy = providers.isEmpty ? nil : providers
                service.launchType = providers.isEmpty ? .ec2 : nil
                placementChanged = true
            }
            let newDefinition = requestedDefinition ?? service.taskDefinition ?? ""
            let needsDeployment =
                request.forceNewDeployment == true || placementChanged || newDefinition != primary?.taskDefinition
                || (request.loadBalancers != nil && request.loadBalancers != record.service.loadBalancers)
            if needsDeployment {
                var deployments = (service.deployments ?? []).map { deployment -> ECS.Deployment in
                    var deployment = deployment
                    if deployment.status == ServiceDeployment.Status.primary.rawValue {
                        deployment.status = ServiceDeployment.Status.active.rawValue
                        deployment.updatedAt = now
                    }
                    return deployment
                }
                deployments.insert(
                    Self.newDeployment(
                        taskDefinition: newDefinition, desiredCount: service.desiredCount ?? 0, at: now), at: 0)
                service.deployments = deployments
                service.taskDefinition = newDefinition
            } else if request.desiredCount != nil {
                service.deployments = service.deployments?.map { deployment in
                    var deployment = deployment
                    if deployment.status == ServiceDeployment.Status.primary.rawValue {
                        deployment.desiredCount = service.desiredCount
                        deployment.updatedAt = now
                    }
                    return deployment
                }
            }
            record.service = service
        }
        guard let updated else { throw AdmiralError(.serviceNotFound, "Service not found.") }
        feed.serviceChanged(cluster: cluster, name: name)
        return ECS.UpdateServiceResponse(service: try await render(updated, context: context, withTags: false))
    }

    func definitionOf(_ record: ServiceRecord) async throws -> TaskDefinitionRecord? {
        guard let arn = record.service.taskDefinition, let reference = TaskDefinitionReference(parsing: arn) else {
            return nil
        }
        return try await store.taskDefinition(family: reference.family, revision: reference.revision)
    }

    // MARK: DeleteService

    public func deleteService(_ request: ECS.DeleteServiceRequest, context: RequestContext) async throws
        -> ECS.DeleteServiceResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let name = try Self.serviceName(request.service, cluster: cluster)
        let force = request.force ?? false
        let now = context.now
        let updated = try await store.updateService(cluster: cluster, name: name) { record in
            switch record.status {
            case .inactive:
                throw AdmiralError(.serviceNotActive, "Service was not ACTIVE.")
            case .draining:
                return
            case .active:
                if record.schedulingStrategy == .replica, (record.service.desiredCount ?? 0) > 0, !force {
                    throw AdmiralError.invalidParameter("The service cannot be stopped while it is scaled above 0.")
                }
            }
            record.status = .draining
            record.service.status = ServiceRecord.Status.draining.rawValue
            record.service.desiredCount = 0
            record.service.deployments = record.service.deployments?.map { deployment in
                var deployment = deployment
                deployment.desiredCount = 0
                deployment.updatedAt = now
                return deployment
            }
        }
        guard let updated else {
            try await tasks.requireCluster(cluster)
            throw AdmiralError(.serviceNotFound, "Service not found.")
        }
        feed.serviceChanged(cluster: cluster, name: name)
        return ECS.DeleteServiceResponse(service: try await render(updated, context: context, withTags: false))
    }

    // MARK: DescribeServices and ListServices

    public func describeServices(_ request: ECS.DescribeServicesRequest, context: RequestContext) async throws
        -> ECS.DescribeServicesResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        guard (1...ServiceRules.maximumDescribeCount).contains(request.services.count) else {
            throw AdmiralError.invalidParameter(
                "services must name 1 to \(ServiceRules.maximumDescribeCount) services; \(request.services.count) given.")
        }
        try await tasks.requireCluster(cluster)
        var names: [String] = []
        var failures: [ECS.Failure] = []
        for identifier in request.services {
            if let name = try? Self.serviceName(identifier, cluster: cluster) {
                names.append(name)
            } else {
                failures.append(ECS.Failure(arn: identifier, reason: "MISSING"))
            }
        }
        let found = try await store.services(cluster: cluster, names: names)
        let withTags = request.include?.contains(.tags) == true
        var services: [ECS.Service] = []
        for name in names {
            guard let record = found[name] else {
                failures.append(ECS.Failure(arn: context.names.serviceARN(cluster: cluster, name: name), reason: "MISSING"))
                continue
            }
            services.append(try await render(record, context: context, withTags: withTags))
        }
        return ECS.DescribeServicesResponse(services: services, failures: failures)
    }

    public func listServices(_ request: ECS.ListServicesRequest, context: RequestContext) async throws
        -> ECS.ListServicesResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let limit = try Pagination.pageSize(
            request.maxResults ?? ServiceRules.defaultPageSize, maximum: ServiceRules.maximumPageSize)
        try await tasks.requireCluster(cluster)
        if let launchType = request.launchType, launchType != .ec2 { return ECS.ListServicesResponse(serviceArns: []) }
        let listName = "services"
        let after = try Pagination.position(request.nextToken, list: listName, as: String.self)
        let records = try await store.listServices(
            cluster: cluster, schedulingStrategy: request.schedulingStrategy, after: after, limit: limit + 1)
        let page = records.prefix(limit)
        let next = records.count > limit ? page.last.map { Pagination.token(list: listName, after: $0.name) } : nil
        return ECS.ListServicesResponse(
            serviceArns: page.map { context.names.serviceARN(cluster: cluster, name: $0.name) }, nextToken: next)
    }

    // MARK: Rendering

    /// The name of a service named by name or ARN within `cluster`.
    static func serviceName(_ identifier: String, cluster: String) throws -> String {
        guard let reference = ClusterScopedReference(parsing: identifier, type: "service") else {
            throw AdmiralError.invalidParameter(
                "'\(identifier)' is not a service name or ARN (arn:aws:ecs:<region>:<account>:service/<cluster>/<name>).")
        }
        if let other = reference.cluster, other != cluster {
            throw AdmiralError.invalidParameter("Service '\(identifier)' belongs to cluster '\(other)', not '\(cluster)'.")
        }
        return reference.id
    }

    /// A service as ECS returns it: ARNs in the request's region, running and pending
    /// counts (of the service and of each deployment) from its tasks as they stand.
    func render(_ record: ServiceRecord, context: RequestContext, withTags: Bool) async throws -> ECS.Service {
        let tasks = try await store.serviceTasks(cluster: record.cluster, service: record.name, stoppedSince: nil)
        var service = Self.render(record, tasks: tasks, names: context.names)
        service.tags = withTags ? try await store.tags(of: .service(cluster: record.cluster, name: record.name)) : nil
        return service
    }

    /// A service with its counts from `tasks` (its tasks that are not STOPPED).
    public static func render(_ record: ServiceRecord, tasks: [TaskRecord], names: ECSNames) -> ECS.Service {
        var service = record.service
        service.serviceArn = names.serviceARN(cluster: record.cluster, name: record.name)
        service.serviceName = record.name
        service.clusterArn = names.clusterARN(record.cluster)
        service.status = record.status.rawValue
        var running: [String: Int] = [:]
        var pending: [String: Int] = [:]
        for task in tasks where task.desiredStatus == .running || task.lastStatus < .stopped {
            let deployment = task.startedBy ?? ""
            if task.lastStatus == .running {
                running[deployment, default: 0] += 1
            } else if task.lastStatus < .running {
                pending[deployment, default: 0] += 1
            }
        }
        service.runningCount = running.values.reduce(0, +)
        service.pendingCount = pending.values.reduce(0, +)
        service.deployments = (service.deployments ?? []).filter {
            $0.status != ServiceDeployment.Status.inactive.rawValue
        }.map { deployment in
            var deployment = deployment
            deployment.runningCount = running[deployment.id ?? ""] ?? 0
            deployment.pendingCount = pending[deployment.id ?? ""] ?? 0
            return deployment
        }
        service.events = service.events ?? []
        return service
    }
}
