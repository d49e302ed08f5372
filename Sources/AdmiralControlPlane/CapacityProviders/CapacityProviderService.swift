import AdmiralModel
import AdmiralStore
import Foundation
import Synchronization

/// What ECS capacity providers need to know of an Auto Scaling group.
public struct CapacityProviderGroup: Sendable, Equatable {
    public var name: String
    public var arn: String
    /// NewInstancesProtectedFromScaleIn: required for managed termination protection.
    public var newInstancesProtectedFromScaleIn: Bool

    public init(name: String, arn: String, newInstancesProtectedFromScaleIn: Bool) {
        self.name = name
        self.arn = arn
        self.newInstancesProtectedFromScaleIn = newInstancesProtectedFromScaleIn
    }
}

/// Looks Auto Scaling groups up by ARN for capacity providers (EC2 Auto Scaling answers).
public protocol CapacityProviderGroups: Sendable {
    func group(arn: String) async throws -> CapacityProviderGroup?
    /// Makes (or updates) the target tracking policy that keeps the provider's
    /// CapacityProviderReservation in the cluster at its target capacity.
    func putManagedScalingPolicy(
        group: String, provider: String, cluster: String, targetCapacity: Int, context: RequestContext
    ) async throws
    /// The group's instances that are launching or in service.
    func liveInstanceCount(group: String) async throws -> Int
    /// Removes that policy (nothing when there is none).
    func deleteManagedScalingPolicy(group: String, provider: String, context: RequestContext) async
}

/// ECS capacity providers: Auto Scaling groups joined to clusters
/// (CreateCapacityProvider, UpdateCapacityProvider, DeleteCapacityProvider,
/// DescribeCapacityProviders, PutClusterCapacityProviders).
public struct CapacityProviderService: Sendable {
    let store: any Store
    let groups: (any CapacityProviderGroups)?

    /// ECS's defaults for managed scaling.
    static let defaultTargetCapacity = 100
    static let defaultMinimumStep = 1
    static let defaultMaximumStep = 10_000
    static let defaultWarmup = 300
    /// Capacity providers a cluster may have (ECS: 20).
    static let maximumPerCluster = 20

    public init(store: any Store, groups: (any CapacityProviderGroups)?) {
        self.store = store
        self.groups = groups
    }

    /// CreateCapacityProvider: ACTIVE at once, its Auto Scaling group checked.
    public func create(_ request: ECS.CreateCapacityProviderRequest, context: RequestContext) async throws
        -> ECS.CreateCapacityProviderResponse
    {
        let name = request.name
        try Self.checkName(name)
        if request.cluster != nil || request.managedInstancesProvider != nil {
            throw AdmiralError(
                .invalidParameter,
                "Admiral's capacity providers are Auto Scaling group providers; give autoScalingGroupProvider only.")
        }
        guard var provider = request.autoScalingGroupProvider else {
            throw AdmiralError(.invalidParameter, "autoScalingGroupProvider is required.")
        }
        provider.managedScaling = try Self.managedScaling(provider.managedScaling)
        if provider.managedTerminationProtection == nil { provider.managedTerminationProtection = .disabled }
        if provider.managedDraining == nil { provider.managedDraining = .enabled }
        let group = try await group(arn: provider.autoScalingGroupArn)
        try Self.checkTerminationProtection(provider, group: group)
        provider.autoScalingGroupArn = group.arn
        let tags = request.tags ?? []
        try TagRules.validate(tags)
        let record = CapacityProviderRecord(
            name: name,
            provider: ECS.CapacityProvider(
                name: name, status: .active, autoScalingGroupProvider: provider, updateStatus: nil,
                type: .ec2Autoscaling),
            createdAt: context.now)
        let stored = try await store.createCapacityProvider(record, tags: tags) { existing in
            for other in existing where other.isActive {
                if other.name == name {
                    throw AdmiralError(
                        .client,
                        "The specified capacity provider already exists. To change the configuration of an existing "
                            + "capacity provider, update the capacity provider.")
                }
                if other.autoScalingGroupArn == group.arn {
                    throw AdmiralError(
                        .client,
                        "The specified Auto Scaling group ARN is already being used by another capacity provider "
                            + "('\(other.name)').")
                }
            }
        }
        return ECS.CreateCapacityProviderResponse(capacityProvider: render(stored, tags: tags, context: context))
    }

    /// UpdateCapacityProvider: managed scaling, termination protection and draining.
    public func update(_ request: ECS.UpdateCapacityProviderRequest, context: RequestContext) async throws
        -> ECS.UpdateCapacityProviderResponse
    {
        guard let changes = request.autoScalingGroupProvider else {
            throw AdmiralError(.invalidParameter, "autoScalingGroupProvider is required.")
        }
        let name = try Self.name(request.name)
        let current = try await provider(named: name)
        var provider = current.provider.autoScalingGroupProvider
        if let scaling = changes.managedScaling {
            provider?.managedScaling = try Self.managedScaling(scaling)
        }
        if let protection = changes.managedTerminationProtection { provider?.managedTerminationProtection = protection }
        if let draining = changes.managedDraining { provider?.managedDraining = draining }
        if let provider {
            try Self.checkTerminationProtection(provider, group: try await group(arn: provider.autoScalingGroupArn))
        }
        let changed = provider
        let associated = Mutex<String?>(nil)
        let updated = try await store.updateCapacityProvider(named: name) { record, clusters in
            guard record.isActive else { throw Self.notFound(name) }
            record.provider.autoScalingGroupProvider = changed
            record.provider.updateStatus = .updateComplete
            associated.withLock { $0 = clusters.first { ($0.cluster.capacityProviders ?? []).contains(name) }?.name }
        }
        guard let updated else { throw Self.notFound(name) }
        if let cluster = associated.withLock({ $0 }) {
            try await applyManagedScaling(updated, cluster: cluster, context: context)
        }
        return ECS.UpdateCapacityProviderResponse(
            capacityProvider: render(updated, tags: try await store.tags(of: .capacityProvider(name: name)),
            context: context))
    }

    /// DeleteCapacityProvider: refused while a cluster uses it; then INACTIVE
    /// (DELETE_COMPLETE), describable until its name is used again.
    public func delete(_ request: ECS.DeleteCapacityProviderRequest, context: RequestContext) async throws
        -> ECS.DeleteCapacityProviderResponse
    {
        let name = try Self.name(request.capacityProvider)
        let deleted = try await store.updateCapacityProvider(named: name) { record, clusters in
            guard record.isActive else { throw Self.notFound(name) }
            if let cluster = clusters.first(where: { ($0.cluster.capacityProviders ?? []).contains(name) }) {
                throw AdmiralError(
                    .client,
                    "The capacity provider cannot be deleted because it is associated with cluster: \(cluster.name). "
                        + "Remove the capacity provider from the cluster and try again.")
            }
            record.provider.status = .inactive
            record.provider.updateStatus = .deleteComplete
        }
        guard let deleted else { throw Self.notFound(name) }
        return ECS.DeleteCapacityProviderResponse(capacityProvider: render(deleted, tags: [], context: context))
    }

    /// DescribeCapacityProviders: those named (unknown ones as failures), or all in pages.
    public func describe(_ request: ECS.DescribeCapacityProvidersRequest, context: RequestContext) async throws
        -> ECS.DescribeCapacityProvidersResponse
    {
        let all = try await store.capacityProviders()
        let includeTags = request.include?.contains(.tags) ?? false
        var providers: [ECS.CapacityProvider] = []
        var failures: [ECS.Failure] = []
        var nextToken: String?
        if let identifiers = request.capacityProviders, !identifiers.isEmpty {
            guard identifiers.count <= 100 else {
                throw AdmiralError.invalidParameter("DescribeCapacityProviders takes at most 100 capacity providers.")
            }
            for identifier in identifiers {
                let name = (try? Self.name(identifier)) ?? identifier
                if let record = all.first(where: { $0.name == name }) {
                    let tags = includeTags ? try await store.tags(of: .capacityProvider(name: name)) : nil
                    providers.append(render(record, tags: tags, context: context))
                } else {
                    failures.append(ECS.Failure(arn: context.names.capacityProviderARN(name), reason: "MISSING"))
                }
            }
        } else {
            let limit = try Pagination.pageSize(request.maxResults, maximum: 10)
            let after = try Pagination.position(request.nextToken, list: "capacity-providers", as: String.self)
            let listed = all.filter { record in after.map { record.name > $0 } ?? true }
            for record in listed.prefix(limit) {
                let tags = includeTags ? try await store.tags(of: .capacityProvider(name: record.name)) : nil
                providers.append(render(record, tags: tags, context: context))
            }
            if listed.count > limit, let last = listed.prefix(limit).last {
                nextToken = Pagination.token(list: "capacity-providers", after: last.name)
            }
        }
        return ECS.DescribeCapacityProvidersResponse(
            capacityProviders: providers, failures: failures, nextToken: nextToken)
    }

    /// PutClusterCapacityProviders: the cluster's providers and default strategy, replaced
    /// whole.
    public func putClusterCapacityProviders(
        _ request: ECS.PutClusterCapacityProvidersRequest, context: RequestContext
    ) async throws -> ECS.PutClusterCapacityProvidersResponse {
        let cluster = try NameRules.clusterName(request.cluster)
        let names = try request.capacityProviders.map(Self.name)
        let all = try await checkAssociation(names, cluster: cluster)
        let strategy = try CapacityProviderStrategy.validate(request.defaultCapacityProviderStrategy, among: names)
        let previous = try await store.cluster(named: cluster)?.cluster.capacityProviders ?? []
        let updated = try await store.updateCluster(named: cluster) { record, _ in
            record.cluster.capacityProviders = names
            record.cluster.defaultCapacityProviderStrategy = strategy
        }
        guard let updated else { throw AdmiralError(.clusterNotFound, "Cluster not found.") }
        // ECS makes the managed scaling policy when a provider joins a cluster (its metric
        // names the cluster) and removes it when the provider leaves.
        for record in all where record.isActive {
            if names.contains(record.name) {
                try await applyManagedScaling(record, cluster: cluster, context: context)
            } else if previous.contains(record.name), let group = try? await group(of: record) {
                await groups?.deleteManagedScalingPolicy(group: group.name, provider: record.name, context: context)
            }
        }
        let counts = try await store.clusterCounts(named: [cluster])[cluster] ?? ClusterCounts()
        return ECS.PutClusterCapacityProvidersResponse(
            cluster: ClusterService(store: store).render(
                updated, counts: counts, tags: [], include: [], context: context))
    }

    /// CreateCluster with capacity providers and a default strategy: checked as
    /// PutClusterCapacityProviders checks them before anything is stored, and the
    /// providers' managed scaling put on their groups once the cluster exists.
    public func createCluster(_ request: ECS.CreateClusterRequest, context: RequestContext) async throws
        -> ECS.CreateClusterResponse
    {
        let clusters = ClusterService(store: store)
        let names = try (request.capacityProviders ?? []).map(Self.name)
        let given = request.defaultCapacityProviderStrategy ?? []
        guard !names.isEmpty || !given.isEmpty else { return try await clusters.createCluster(request, context: context) }
        let cluster = request.clusterName.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        let all = try await checkAssociation(names, cluster: cluster)
        var checked = request
        checked.capacityProviders = names
        checked.defaultCapacityProviderStrategy = try CapacityProviderStrategy.validate(given, among: names)
        let response = try await clusters.createCluster(checked, context: context)
        for record in all where record.isActive && names.contains(record.name) {
            try await applyManagedScaling(record, cluster: cluster, context: context)
        }
        return response
    }

    /// Checks the capacity providers a cluster is to have: distinct, at most
    /// `maximumPerCluster`, existing, and (as Auto Scaling group providers) associated with
    /// no other cluster. Returns every provider.
    func checkAssociation(_ names: [String], cluster: String) async throws -> [CapacityProviderRecord] {
        guard Set(names).count == names.count else {
            throw AdmiralError.invalidParameter("The capacity providers of a cluster must be distinct.")
        }
        guard names.count <= Self.maximumPerCluster else {
            throw AdmiralError(
                .limitExceeded, "A cluster can have at most \(Self.maximumPerCluster) capacity providers.")
        }
        let all = try await store.capacityProviders()
        for name in names where !all.contains(where: { $0.name == name && $0.isActive }) {
            throw AdmiralError.invalidParameter("The specified capacity provider '\(name)' does not exist.")
        }
        guard !names.isEmpty else { return all }
        var after: String?
        while true {
            let page = try await store.listActiveClusters(after: after, limit: 1000)
            for other in page where other.name != cluster {
                if let shared = names.first(where: { (other.cluster.capacityProviders ?? []).contains($0) }) {
                    throw AdmiralError.invalidParameter(
                        "The capacity provider '\(shared)' is already associated with cluster '\(other.name)'. An "
                            + "Auto Scaling group capacity provider can be associated with one cluster only; remove it "
                            + "from '\(other.name)' with PutClusterCapacityProviders first.")
                }
            }
            guard page.count == 1000 else { return all }
            after = page.last?.name
        }
    }

    // MARK: Rules

    func render(_ record: CapacityProviderRecord, tags: [ECS.Tag]?, context: RequestContext) -> ECS.CapacityProvider {
        var provider = record.provider
        provider.capacityProviderArn = context.names.capacityProviderARN(record.name)
        provider.name = record.name
        provider.tags = tags
        return provider
    }

    func provider(named name: String) async throws -> CapacityProviderRecord {
        guard let record = try await store.capacityProviders().first(where: { $0.name == name }), record.isActive
        else { throw Self.notFound(name) }
        return record
    }

    /// Puts or removes the provider's managed scaling policy for `cluster`, as its
    /// managed scaling says.
    func applyManagedScaling(_ record: CapacityProviderRecord, cluster: String, context: RequestContext) async throws {
        guard let groups, let scaling = record.provider.autoScalingGroupProvider?.managedScaling else { return }
        let group = try await group(of: record)
        if scaling.status == .enabled {
            try await groups.putManagedScalingPolicy(
                group: group.name, provider: record.name, cluster: cluster,
                targetCapacity: scaling.targetCapacity ?? Self.defaultTargetCapacity, context: context)
        } else {
            await groups.deleteManagedScalingPolicy(group: group.name, provider: record.name, context: context)
        }
    }

    func group(of record: CapacityProviderRecord) async throws -> CapacityProviderGroup {
        try await group(arn: record.autoScalingGroupArn ?? "")
    }

    func group(arn: String) async throws -> CapacityProviderGroup {
        guard let groups, let group = try await groups.group(arn: arn) else {
            throw AdmiralError(
                .client, "The specified Auto Scaling group ARN '\(arn)' does not name an Auto Scaling group.")
        }
        return group
    }

    static func notFound(_ name: String) -> AdmiralError {
        AdmiralError(.invalidParameter, "The specified capacity provider '\(name)' does not exist.")
    }

    /// A capacity provider's name from a name or ARN.
    static func name(_ identifier: String) throws -> String {
        guard identifier.hasPrefix("arn:") else { return identifier }
        guard let arn = ARN(identifier), arn.service == "ecs", let (type, id) = arn.resourceTypeAndId,
            type == "capacity-provider", !id.isEmpty
        else {
            throw AdmiralError.invalidParameter("'\(identifier)' is not a capacity provider name or ARN.")
        }
        return id
    }

    static func checkName(_ name: String) throws {
        guard (1...255).contains(name.count),
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw AdmiralError.invalidParameter(
                "The capacity provider name must be 1 to 255 letters, numbers, underscores and hyphens.")
        }
        let lowered = name.lowercased()
        if ["aws", "ecs", "fargate"].contains(where: { lowered.hasPrefix($0) }) {
            throw AdmiralError(
                .client,
                "The specified capacity provider name is invalid. Capacity provider names cannot be prefixed with "
                    + "\"aws\", \"ecs\", or \"fargate\".")
        }
    }

    /// Managed scaling with ECS's defaults filled in and its ranges checked.
    static func managedScaling(_ given: ECS.ManagedScaling?) throws -> ECS.ManagedScaling {
        var scaling = given ?? ECS.ManagedScaling()
        if scaling.status == nil { scaling.status = .disabled }
        scaling.targetCapacity = scaling.targetCapacity ?? defaultTargetCapacity
        scaling.minimumScalingStepSize = scaling.minimumScalingStepSize ?? defaultMinimumStep
        scaling.maximumScalingStepSize = scaling.maximumScalingStepSize ?? defaultMaximumStep
        scaling.instanceWarmupPeriod = scaling.instanceWarmupPeriod ?? defaultWarmup
        let (target, minimum, maximum, warmup) = (
            scaling.targetCapacity ?? 0, scaling.minimumScalingStepSize ?? 0, scaling.maximumScalingStepSize ?? 0,
            scaling.instanceWarmupPeriod ?? 0
        )
        guard (1...100).contains(target) else {
            throw AdmiralError.invalidParameter("managedScaling.targetCapacity must be between 1 and 100.")
        }
        guard (1...10_000).contains(minimum), (1...10_000).contains(maximum) else {
            throw AdmiralError.invalidParameter(
                "managedScaling.minimumScalingStepSize and maximumScalingStepSize must be between 1 and 10000.")
        }
        guard minimum <= maximum else {
            throw AdmiralError.invalidParameter(
                "managedScaling.minimumScalingStepSize must not be greater than maximumScalingStepSize.")
        }
        guard (0...10_000).contains(warmup) else {
            throw AdmiralError.invalidParameter("managedScaling.instanceWarmupPeriod must be between 0 and 10000.")
        }
        return scaling
    }

    static func checkTerminationProtection(_ provider: ECS.AutoScalingGroupProvider, group: CapacityProviderGroup) throws {
        if provider.managedTerminationProtection == .enabled {
            guard provider.managedScaling?.status == .enabled else {
                throw AdmiralError(
                    .client,
                    "The managed termination protection setting for the capacity provider is invalid. To enable "
                        + "managed termination protection for a capacity provider, managed scaling must be enabled.")
            }
            guard group.newInstancesProtectedFromScaleIn else {
                throw AdmiralError(
                    .client,
                    "The managed termination protection setting for the capacity provider is invalid. To enable "
                        + "managed termination protection for a capacity provider, the Auto Scaling group must have "
                        + "instance protection from scale in enabled.")
            }
        }
    }
}

/// A capacity provider strategy's rules: base 0–100000 on at most one item, weight
/// 0–1000, at least one weight above zero, each provider once.
public enum CapacityProviderStrategy {
    public static func validate(_ items: [ECS.CapacityProviderStrategyItem], among names: [String]? = nil) throws
        -> [ECS.CapacityProviderStrategyItem]
    {
        guard items.count <= 20 else {
            throw AdmiralError.invalidParameter("A capacity provider strategy can have at most 20 items.")
        }
        var seen = Set<String>()
        var result: [ECS.CapacityProviderStrategyItem] = []
        for var item in items {
            let name = try CapacityProviderService.name(item.capacityProvider)
            guard seen.insert(name).inserted else {
                throw AdmiralError.invalidParameter(
                    "The capacity provider strategy cannot contain a capacity provider more than once ('\(name)').")
            }
            if let names, !names.contains(name) {
                throw AdmiralError.invalidParameter(
                    "The capacity provider '\(name)' is not associated with the cluster. Associate it with "
                        + "PutClusterCapacityProviders first.")
            }
            guard (0...100_000).contains(item.base ?? 0) else {
                throw AdmiralError.invalidParameter("A capacity provider strategy's base must be between 0 and 100000.")
            }
            guard (0...1_000).contains(item.weight ?? 0) else {
                throw AdmiralError.invalidParameter(
                    "A capacity provider strategy's weight must be between 0 and 1000.")
            }
            item.capacityProvider = name
            if item.base == nil { item.base = 0 }
            if item.weight == nil { item.weight = 0 }
            result.append(item)
        }
        if result.filter({ ($0.base ?? 0) > 0 }).count > 1 {
            throw AdmiralError.invalidParameter("Only one capacity provider in a strategy can have a base defined.")
        }
        if !result.isEmpty, !result.contains(where: { ($0.weight ?? 0) > 0 }) {
            throw AdmiralError.invalidParameter(
                "At least one capacity provider in a strategy must have a weight greater than zero.")
        }
        return result
    }

    /// Which provider each of `count` tasks goes to: the base first, then by weight, as
    /// ECS spreads a strategy (given the tasks each provider already runs).
    public static func assign(
        _ count: Int, strategy: [ECS.CapacityProviderStrategyItem], running: [String: Int] = [:]
    ) -> [String] {
        guard !strategy.isEmpty, count > 0 else { return [] }
        var counts = running
        var result: [String] = []
        for _ in 0..<count {
            // The base of the provider that has one comes first.
            if let based = strategy.first(where: { ($0.base ?? 0) > counts[$0.capacityProvider, default: 0] }) {
                result.append(based.capacityProvider)
                counts[based.capacityProvider, default: 0] += 1
                continue
            }
            let weighted = strategy.filter { ($0.weight ?? 0) > 0 }
            // Then the provider furthest below its share of the weight; the base's tasks
            // are not part of the share.
            func share(_ item: ECS.CapacityProviderStrategyItem) -> Double {
                let beyondBase = max(0, counts[item.capacityProvider, default: 0] - (item.base ?? 0))
                return Double(beyondBase + 1) / Double(item.weight ?? 1)
            }
            let pick = weighted.min { share($0) < share($1) }
            guard let pick else { break }
            result.append(pick.capacityProvider)
            counts[pick.capacityProvider, default: 0] += 1
        }
        return result
    }
}
