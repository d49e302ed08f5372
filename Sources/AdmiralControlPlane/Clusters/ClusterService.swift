import AdmiralModel
import AdmiralStore
import Foundation

/// The ECS cluster operations.
public struct ClusterService: Sendable {
    let store: any Store

    /// Creates the service over a store.
    public init(store: any Store) {
        self.store = store
    }

    /// CreateCluster: idempotent; without a name it creates `default`.
    public func createCluster(
        _ request: ECS.CreateClusterRequest, context: RequestContext
    ) async throws -> ECS.CreateClusterResponse {
        let name = request.clusterName.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        guard NameRules.isValidResourceName(name) else {
            throw AdmiralError.invalidParameter(
                "Cluster name '\(name)' is invalid: use 1 to 255 letters, numbers, underscores and hyphens.")
        }
        let tags = request.tags ?? []
        try TagRules.validate(tags)
        let settings = try Self.mergedSettings(Self.defaultSettings, request.settings ?? [])
        let stored = ECS.Cluster(
            clusterName: name,
            configuration: request.configuration,
            settings: settings,
            capacityProviders: request.capacityProviders ?? [],
            defaultCapacityProviderStrategy: request.defaultCapacityProviderStrategy ?? [],
            serviceConnectDefaults: request.serviceConnectDefaults.map {
                ECS.ClusterServiceConnectDefaults(namespace: $0.namespace)
            }
        )
        let record = ClusterRecord(name: name, status: .active, cluster: stored, createdAt: context.now)
        let result = try await store.createCluster(record, tags: tags)
        let counts = try await store.clusterCounts(named: [name])[name] ?? ClusterCounts()
        let currentTags = try await store.tags(of: .cluster(name: name))
        return ECS.CreateClusterResponse(
            cluster: render(
                result.record, counts: counts, tags: currentTags, include: [.settings, .configurations],
                context: context))
    }

    /// DescribeClusters: found clusters (ACTIVE or INACTIVE) and MISSING failures.
    public func describeClusters(
        _ request: ECS.DescribeClustersRequest, context: RequestContext
    ) async throws -> ECS.DescribeClustersResponse {
        let identifiers = request.clusters ?? []
        guard identifiers.count <= 100 else {
            throw AdmiralError.invalidParameter(
                "DescribeClusters takes at most 100 clusters; got \(identifiers.count).")
        }
        let requested = identifiers.isEmpty ? ["default"] : identifiers
        var names: [String] = []
        var failures: [ECS.Failure] = []
        for identifier in requested {
            if let name = ECSNames.clusterName(fromIdentifier: identifier) {
                names.append(name)
            } else {
                failures.append(ECS.Failure(arn: identifier, reason: "MISSING"))
            }
        }
        let records = try await store.clusters(named: names)
        let counts = try await store.clusterCounts(named: Array(records.keys))
        let include = Set(request.include ?? [])
        var clusters: [ECS.Cluster] = []
        for name in names {
            guard let record = records[name] else {
                failures.append(ECS.Failure(arn: context.names.clusterARN(name), reason: "MISSING"))
                continue
            }
            let tags = include.contains(.tags) ? try await store.tags(of: .cluster(name: name)) : []
            clusters.append(
                render(record, counts: counts[name] ?? ClusterCounts(), tags: tags, include: include, context: context))
        }
        return ECS.DescribeClustersResponse(clusters: clusters, failures: failures)
    }

    /// ListClusters: ARNs of ACTIVE clusters, by name, paginated.
    public func listClusters(
        _ request: ECS.ListClustersRequest, context: RequestContext
    ) async throws -> ECS.ListClustersResponse {
        let limit = try Pagination.pageSize(request.maxResults)
        let after = try Pagination.position(request.nextToken, list: "clusters", as: String.self)
        let records = try await store.listActiveClusters(after: after, limit: limit + 1)
        let page = records.prefix(limit)
        let next = records.count > limit ? page.last.map { Pagination.token(list: "clusters", after: $0.name) } : nil
        return ECS.ListClustersResponse(clusterArns: page.map { context.names.clusterARN($0.name) }, nextToken: next)
    }

    /// DeleteCluster: refused while the cluster has services, instances or tasks.
    public func deleteCluster(
        _ request: ECS.DeleteClusterRequest, context: RequestContext
    ) async throws -> ECS.DeleteClusterResponse {
        let name = try NameRules.clusterName(request.cluster)
        let deleted = try await store.updateCluster(named: name) { record, counts in
            if counts.activeServices + counts.drainingServices > 0 {
                throw AdmiralError(
                    .clusterContainsServices,
                    "The Cluster cannot be deleted while Services are active. Delete the services of cluster '\(name)' first."
                )
            }
            if counts.registeredContainerInstances > 0 {
                throw AdmiralError(
                    .clusterContainsContainerInstances,
                    "The Cluster cannot be deleted while Container Instances are active or draining. Deregister the \(counts.registeredContainerInstances) container instance(s) of cluster '\(name)' first."
                )
            }
            if counts.runningTasks + counts.pendingTasks > 0 {
                throw AdmiralError(
                    .clusterContainsTasks,
                    "The Cluster cannot be deleted while Tasks are active. Stop the tasks of cluster '\(name)' first.")
            }
            record.status = .inactive
        }
        guard let deleted else { throw Self.notFound(name) }
        let tags = try await store.tags(of: .cluster(name: name))
        return ECS.DeleteClusterResponse(
            cluster: render(
                deleted, counts: ClusterCounts(), tags: tags, include: [.settings, .configurations],
                context: context))
    }

    /// UpdateCluster: settings, configuration and service connect defaults.
    public func updateCluster(
        _ request: ECS.UpdateClusterRequest, context: RequestContext
    ) async throws -> ECS.UpdateClusterResponse {
        let name = try NameRules.clusterName(request.cluster)
        let settings = request.settings
        if let settings { _ = try Self.mergedSettings([], settings) }
        let updated = try await store.updateCluster(named: name) { record, _ in
            if let settings {
                record.cluster.settings = try Self.mergedSettings(record.cluster.settings ?? [], settings)
            }
            if let configuration = request.configuration {
                record.cluster.configuration = configuration
            }
            if let defaults = request.serviceConnectDefaults {
                record.cluster.serviceConnectDefaults = ECS.ClusterServiceConnectDefaults(namespace: defaults.namespace)
            }
        }
        guard let updated else { throw Self.notFound(name) }
        return ECS.UpdateClusterResponse(cluster: try await renderCurrent(updated, context: context))
    }

    /// UpdateClusterSettings: merges settings by name.
    public func updateClusterSettings(
        _ request: ECS.UpdateClusterSettingsRequest, context: RequestContext
    ) async throws -> ECS.UpdateClusterSettingsResponse {
        let name = try NameRules.clusterName(request.cluster)
        let settings = request.settings
        _ = try Self.mergedSettings([], settings)
        let updated = try await store.updateCluster(named: name) { record, _ in
            record.cluster.settings = try Self.mergedSettings(record.cluster.settings ?? [], settings)
        }
        guard let updated else { throw Self.notFound(name) }
        return ECS.UpdateClusterSettingsResponse(cluster: try await renderCurrent(updated, context: context))
    }

    // MARK: Rendering

    static let defaultSettings = [ECS.ClusterSetting(name: .containerInsights, value: "disabled")]
    static let containerInsightsValues: Set<String> = ["enabled", "disabled", "enhanced"]

    static func notFound(_ name: String) -> AdmiralError {
        AdmiralError(.clusterNotFound, "Cluster not found.")
    }

    static func mergedSettings(_ current: [ECS.ClusterSetting], _ changes: [ECS.ClusterSetting]) throws
        -> [ECS.ClusterSetting]
    {
        var result = current
        for setting in changes {
            guard let settingName = setting.name else {
                throw AdmiralError.invalidParameter("A cluster setting needs a name (containerInsights).")
            }
            guard let value = setting.value, Self.containerInsightsValues.contains(value) else {
                throw AdmiralError.invalidParameter(
                    "Invalid value '\(setting.value ?? "")' for cluster setting \(settingName.rawValue). Valid values: enabled, disabled, enhanced."
                )
            }
            if let index = result.firstIndex(where: { $0.name == settingName }) {
                result[index].value = value
            } else {
                result.append(ECS.ClusterSetting(name: settingName, value: value))
            }
        }
        return result
    }

    func renderCurrent(_ record: ClusterRecord, context: RequestContext) async throws -> ECS.Cluster {
        let counts = try await store.clusterCounts(named: [record.name])[record.name] ?? ClusterCounts()
        let tags = try await store.tags(of: .cluster(name: record.name))
        return render(record, counts: counts, tags: tags, include: [.settings, .configurations], context: context)
    }

    func render(
        _ record: ClusterRecord, counts: ClusterCounts, tags: [ECS.Tag], include: Set<ECS.ClusterField>,
        context: RequestContext
    ) -> ECS.Cluster {
        var cluster = record.cluster
        cluster.clusterArn = context.names.clusterARN(record.name)
        cluster.clusterName = record.name
        cluster.status = record.status.rawValue
        cluster.registeredContainerInstancesCount = counts.registeredContainerInstances
        cluster.runningTasksCount = counts.runningTasks
        cluster.pendingTasksCount = counts.pendingTasks
        cluster.activeServicesCount = counts.activeServices
        cluster.tags = tags
        cluster.statistics = include.contains(.statistics) ? Self.statistics(counts) : []
        if !include.contains(.settings) { cluster.settings = nil }
        if !include.contains(.configurations) { cluster.configuration = nil }
        if cluster.capacityProviders == nil { cluster.capacityProviders = [] }
        if cluster.defaultCapacityProviderStrategy == nil { cluster.defaultCapacityProviderStrategy = [] }
        return cluster
    }

    static func statistics(_ counts: ClusterCounts) -> [ECS.KeyValuePair] {
        [
            ("runningEC2TasksCount", counts.runningTasks),
            ("runningFargateTasksCount", 0),
            ("pendingEC2TasksCount", counts.pendingTasks),
            ("pendingFargateTasksCount", 0),
            ("runningExternalTasksCount", 0),
            ("pendingExternalTasksCount", 0),
            ("activeEC2ServiceCount", counts.activeServices),
            ("activeFargateServiceCount", 0),
            ("drainingEC2ServiceCount", counts.drainingServices),
            ("drainingFargateServiceCount", 0),
            ("activeExternalServiceCount", 0),
            ("drainingExternalServiceCount", 0),
        ].map { ECS.KeyValuePair(name: $0.0, value: String($0.1)) }
    }
}
