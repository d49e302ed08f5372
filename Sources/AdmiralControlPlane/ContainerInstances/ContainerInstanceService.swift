import AdmiralModel
import AdmiralScheduler
import AdmiralStore
import Foundation
import Logging

/// The ECS container instance operations: registration by agents, description,
/// listing (with the cluster query language), draining and deregistration.
public struct ContainerInstanceService: Sendable {
    let store: any Store
    let feed: ChangeFeed
    let presence: AgentPresence

    /// Creates the service over a store.
    public init(store: any Store, feed: ChangeFeed, presence: AgentPresence) {
        self.store = store
        self.feed = feed
        self.presence = presence
    }

    /// The fields of an EC2 instance identity document that Admiral reads.
    struct IdentityDocument: Decodable {
        var instanceId: String?
        var availabilityZone: String?
        var instanceType: String?
        var imageId: String?
        var region: String?
        var privateIp: String?
    }

    // MARK: Registration

    /// RegisterContainerInstance: an agent registers its host (or re-registers with the
    /// ARN it kept, which keeps the instance's id, tasks and registration time).
    public func register(_ request: ECS.RegisterContainerInstanceRequest, context: RequestContext) async throws
        -> ECS.RegisterContainerInstanceResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        var document = IdentityDocument()
        if let text = request.instanceIdentityDocument, !text.isEmpty {
            guard let decoded = try? JSONDecoder().decode(IdentityDocument.self, from: Data(text.utf8)) else {
                throw AdmiralError.invalidParameter(
                    "instanceIdentityDocument must be the instance identity document as JSON.")
            }
            document = decoded
        }
        let resources = try InstanceResources(registering: request.totalResources ?? [])
        var attributes = try AttributeRules.validate(request.attributes ?? [], custom: false)
        func set(_ name: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            attributes.removeAll { $0.name == name }
            attributes.append(ECS.Attribute(name: name, value: value))
        }
        var reuse = try request.containerInstanceArn.map { try TaskService.instanceId($0, cluster: cluster) }
        if let grant = context.instance {
            // An instance registers as itself: its EC2 record says who it is, in its own
            // cluster, and it re-attaches to its own container instance only.
            try InstanceScope.checkCluster(cluster, action: "ecs:RegisterContainerInstance", context: context)
            document.instanceId = grant.instanceId
            document.availabilityZone = grant.availabilityZone ?? document.availabilityZone
            document.instanceType = grant.instanceType ?? document.instanceType
            document.imageId = grant.imageId ?? document.imageId
            reuse = try await store.containerInstance(cluster: cluster, ec2InstanceId: grant.instanceId)?.id
            if cluster == "default", try await store.cluster(named: cluster)?.status != .active {
                // What ECS's agent does with its role when the default cluster is missing.
                _ = try await ClusterService(store: store).createCluster(
                    ECS.CreateClusterRequest(clusterName: cluster), context: context)
            }
        }
        set("ecs.availability-zone", document.availabilityZone)
        set("ecs.instance-type", document.instanceType)
        set("ecs.ami-id", document.imageId)
        if !attributes.contains(where: { $0.name == "ecs.os-type" }) { set("ecs.os-type", "linux") }
        let ec2InstanceId = document.instanceId ?? "i-" + String(ResourceID.hex32().prefix(17))
        var record = ContainerInstanceRecord(
            cluster: cluster, id: ResourceID.hex32(), ec2InstanceId: ec2InstanceId, registeredAt: context.now,
            registered: resources, attributes: attributes, versionInfo: request.versionInfo)
        record.privateIpAddress = document.privateIp
        if let group = context.instance?.autoScalingGroupName {
            record.capacityProviderName = try await store.capacityProviders().first { provider in
                guard provider.isActive, let arn = provider.autoScalingGroupArn else { return false }
                return arn == group || arn.hasSuffix(":autoScalingGroupName/\(group)")
            }?.name
        }
        let stored = try await store.registerContainerInstance(record, reusing: reuse)
        if let tags = request.tags, !tags.isEmpty {
            try TagRules.validate(tags)
            _ = try await store.updateTags(
                of: .containerInstance(cluster: cluster, id: stored.id), add: tags, removeKeys: []
            ) { try TagRules.validateCount($0) }
        }
        presence.seen(cluster: cluster, instance: stored.id, at: context.now)
        feed.instanceChanged(cluster: cluster, id: stored.id)
        return ECS.RegisterContainerInstanceResponse(
            containerInstance: try await render(stored, tags: request.tags, context: context))
    }

    /// What ECS does when the EC2 instance behind a container instance is terminated:
    /// the container instance is deregistered and its tasks are stopped (services replace
    /// them elsewhere).
    public func deregisterTerminated(ec2InstanceId: String, cluster: String, names: ECSNames, logger: Logger) async {
        do {
            guard let record = try await store.containerInstance(cluster: cluster, ec2InstanceId: ec2InstanceId),
                record.status != .inactive
            else { return }
            _ = try await deregister(
                ECS.DeregisterContainerInstanceRequest(cluster: cluster, containerInstance: record.id, force: true),
                context: RequestContext(names: names, principalARN: "arn:aws:iam::\(names.accountId):root"))
            logger.info(
                "container instance deregistered: its EC2 instance was terminated",
                metadata: ["container.instance": .string(record.id), "instance.id": .string(ec2InstanceId)])
        } catch {
            logger.warning(
                "the container instance of a terminated EC2 instance was not deregistered",
                metadata: ["instance.id": .string(ec2InstanceId), "error": .string("\(error)")])
        }
    }

    /// DeregisterContainerInstance: the instance becomes INACTIVE. Refused while it has
    /// tasks, unless `force`, which stops them.
    public func deregister(_ request: ECS.DeregisterContainerInstanceRequest, context: RequestContext) async throws
        -> ECS.DeregisterContainerInstanceResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let id = try TaskService.instanceId(request.containerInstance, cluster: cluster)
        let force = request.force ?? false
        let now = context.now
        let result = try await store.deregisterContainerInstance(
            cluster: cluster, id: id, at: now,
            check: { tasks in
                if !force, !tasks.isEmpty {
                    throw AdmiralError.invalidParameter(
                        "The container instance has \(tasks.count) task(s) that are not stopped. Stop them first, "
                            + "or deregister with force, which stops them.")
                }
            },
            stop: { task in
                guard task.desiredStatus != .stopped else { return }
                task.desiredStatus = .stopped
                task.task.desiredStatus = TaskStatus.stopped.rawValue
                task.task.stoppedReason = "Container instance deregistration forced by user"
                task.task.stoppingAt = now
            })
        guard let result else {
            try await requireCluster(cluster)
            throw AdmiralError.invalidParameter("The referenced container instance was not found in cluster '\(cluster)'.")
        }
        presence.forget(cluster: cluster, instance: id)
        feed.tasksChanged(result.stoppedTasks)
        feed.instanceChanged(cluster: cluster, id: id)
        return ECS.DeregisterContainerInstanceResponse(
            containerInstance: try await render(result.instance, tags: nil, context: context))
    }

    // MARK: Reading

    /// DescribeContainerInstances: found instances and MISSING failures.
    public func describe(_ request: ECS.DescribeContainerInstancesRequest, context: RequestContext) async throws
        -> ECS.DescribeContainerInstancesResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        guard (1...100).contains(request.containerInstances.count) else {
            throw AdmiralError.invalidParameter(
                "containerInstances must name 1 to 100 container instances; \(request.containerInstances.count) given.")
        }
        try await requireCluster(cluster)
        var ids: [String] = []
        var failures: [ECS.Failure] = []
        for identifier in request.containerInstances {
            if let reference = ClusterScopedReference(parsing: identifier, type: "container-instance"),
                reference.cluster == nil || reference.cluster == cluster
            {
                ids.append(reference.id)
            } else {
                failures.append(ECS.Failure(arn: identifier, reason: "MISSING"))
            }
        }
        let found = try await store.containerInstances(cluster: cluster, ids: ids)
        let withTags = request.include?.contains(.tags) == true
        var instances: [ECS.ContainerInstance] = []
        for id in ids {
            guard let record = found[id] else {
                failures.append(
                    ECS.Failure(arn: context.names.containerInstanceARN(cluster: cluster, id: id), reason: "MISSING"))
                continue
            }
            let tags = withTags ? try await store.tags(of: .containerInstance(cluster: cluster, id: id)) : nil
            instances.append(try await render(record, tags: tags, context: context))
        }
        return ECS.DescribeContainerInstancesResponse(containerInstances: instances, failures: failures)
    }

    /// ListContainerInstances: ARNs by id, filtered by status and by a cluster query
    /// language expression, paginated.
    public func list(_ request: ECS.ListContainerInstancesRequest, context: RequestContext) async throws
        -> ECS.ListContainerInstancesResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let limit = try Pagination.pageSize(request.maxResults)
        let query = try request.filter.flatMap { $0.isEmpty ? nil : try ClusterQuery($0) }
        try await requireCluster(cluster)
        let statuses: [ContainerInstanceStatus]? =
            request.status.map { [ContainerInstanceStatus(rawValue: $0.rawValue) ?? .active] } ?? [.active, .draining]
        let listName = "container-instances"
        var after = try Pagination.position(request.nextToken, list: listName, as: String.self)
        var page: [ContainerInstanceRecord] = []
        var more = false
        // With a filter, pages are read until enough instances match.
        while true {
            let batch = try await store.listContainerInstances(
                cluster: cluster, statuses: statuses, after: after, limit: query == nil ? limit + 1 : 500)
            for record in batch where query?.matches(InstanceSnapshot(record)) ?? true {
                if page.count == limit {
                    more = true
                    break
                }
                page.append(record)
            }
            if more || batch.count < (query == nil ? limit + 1 : 500) { break }
            after = batch.last?.id
        }
        let next = more ? page.last.map { Pagination.token(list: listName, after: $0.id) } : nil
        return ECS.ListContainerInstancesResponse(
            containerInstanceArns: page.map { context.names.containerInstanceARN(cluster: cluster, id: $0.id) },
            nextToken: next)
    }

    // MARK: State

    /// UpdateContainerInstancesState: ACTIVE or DRAINING.
    public func updateState(_ request: ECS.UpdateContainerInstancesStateRequest, context: RequestContext) async throws
        -> ECS.UpdateContainerInstancesStateResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        guard (1...10).contains(request.containerInstances.count) else {
            throw AdmiralError.invalidParameter(
                "containerInstances must name 1 to 10 container instances; \(request.containerInstances.count) given.")
        }
        let target: ContainerInstanceStatus =
            switch request.status {
            case .active: .active
            case .draining: .draining
            default:
                throw AdmiralError.invalidParameter(
                    "Container instances can only be set to ACTIVE or DRAINING; \(request.status.rawValue) is not allowed.")
            }
        try await requireCluster(cluster)
        var updated: [ECS.ContainerInstance] = []
        var failures: [ECS.Failure] = []
        for identifier in request.containerInstances {
            guard let reference = ClusterScopedReference(parsing: identifier, type: "container-instance"),
                reference.cluster == nil || reference.cluster == cluster
            else {
                failures.append(ECS.Failure(arn: identifier, reason: "MISSING"))
                continue
            }
            let arn = context.names.containerInstanceARN(cluster: cluster, id: reference.id)
            let record: ContainerInstanceRecord?
            do {
                record = try await store.updateContainerInstance(cluster: cluster, id: reference.id) { record in
                    guard record.status == .active || record.status == .draining else { throw InactiveInstance() }
                    record.status = target
                }
            } catch is InactiveInstance {
                failures.append(
                    ECS.Failure(arn: arn, reason: "INACTIVE", detail: "An INACTIVE container instance cannot change state."))
                continue
            }
            guard let record else {
                failures.append(ECS.Failure(arn: arn, reason: "MISSING"))
                continue
            }
            feed.instanceChanged(cluster: cluster, id: record.id)
            updated.append(try await render(record, tags: nil, context: context))
        }
        return ECS.UpdateContainerInstancesStateResponse(containerInstances: updated, failures: failures)
    }

    // MARK: Helpers

    /// Refuses a state change of an instance that is no longer ACTIVE or DRAINING.
    struct InactiveInstance: Error {}

    func requireCluster(_ name: String) async throws {
        try await store.requireActiveCluster(name)
    }

    func render(_ record: ContainerInstanceRecord, tags: [ECS.Tag]?, context: RequestContext) async throws
        -> ECS.ContainerInstance
    {
        Self.render(record, tags: tags, names: context.names)
    }

    /// One container instance as ECS returns it.
    public static func render(_ record: ContainerInstanceRecord, tags: [ECS.Tag]?, names: ECSNames)
        -> ECS.ContainerInstance
    {
        ECS.ContainerInstance(
            containerInstanceArn: names.containerInstanceARN(cluster: record.cluster, id: record.id),
            ec2InstanceId: record.ec2InstanceId, capacityProviderName: record.capacityProviderName,
            version: record.version, versionInfo: record.versionInfo,
            remainingResources: record.remaining.ecsResources, registeredResources: record.registered.ecsResources,
            status: record.status.rawValue, statusReason: record.statusReason, agentConnected: record.agentConnected,
            runningTasksCount: record.usage.runningTasks, pendingTasksCount: record.usage.pendingTasks,
            attributes: record.attributes, registeredAt: record.registeredAt, attachments: [], tags: tags ?? [])
    }
}
