import AdmiralModel
import AdmiralStore
import Foundation

/// PutAttributes, DeleteAttributes and ListAttributes on container instances.
public struct AttributeService: Sendable {
    let store: any Store
    let feed: ChangeFeed

    /// Container instances read from the store at a time while listing.
    static let scanBatch = 200
    /// The only target type ECS has.
    static let targetType = "container-instance"

    /// Creates the service over a store.
    public init(store: any Store, feed: ChangeFeed) {
        self.store = store
        self.feed = feed
    }

    /// PutAttributes: adds or overwrites custom attributes.
    public func put(_ request: ECS.PutAttributesRequest, context: RequestContext) async throws
        -> ECS.PutAttributesResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let byTarget = try grouped(request.attributes, cluster: cluster)
        try await requireTargets(byTarget.keys, cluster: cluster)
        for (id, attributes) in byTarget {
            let updated = try await store.updateContainerInstance(cluster: cluster, id: id) { record in
                for attribute in attributes {
                    if let index = record.attributes.firstIndex(where: { $0.name == attribute.name }) {
                        record.attributes[index].value = attribute.value
                    } else {
                        record.attributes.append(ECS.Attribute(name: attribute.name, value: attribute.value))
                    }
                }
                let custom = record.attributes.filter { !AttributeRules.isBuiltIn($0.name) }.count
                guard custom <= AttributeRules.maximumCustomAttributes else {
                    throw AdmiralError(
                        .attributeLimitExceeded,
                        "You can apply up to \(AttributeRules.maximumCustomAttributes) custom attributes for each resource.")
                }
            }
            if updated != nil { feed.instanceChanged(cluster: cluster, id: id) }
        }
        return ECS.PutAttributesResponse(attributes: rendered(request.attributes, cluster: cluster, context: context))
    }

    /// DeleteAttributes: removes custom attributes by name.
    public func delete(_ request: ECS.DeleteAttributesRequest, context: RequestContext) async throws
        -> ECS.DeleteAttributesResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        let byTarget = try grouped(request.attributes, cluster: cluster)
        try await requireTargets(byTarget.keys, cluster: cluster)
        for (id, attributes) in byTarget {
            let names = Set(attributes.map(\.name))
            _ = try await store.updateContainerInstance(cluster: cluster, id: id) { record in
                record.attributes.removeAll { names.contains($0.name) }
            }
            feed.instanceChanged(cluster: cluster, id: id)
        }
        return ECS.DeleteAttributesResponse(
            attributes: rendered(request.attributes, cluster: cluster, context: context))
    }

    /// ListAttributes: the attributes of the cluster's container instances, filtered by
    /// name and value, paginated.
    public func list(_ request: ECS.ListAttributesRequest, context: RequestContext) async throws
        -> ECS.ListAttributesResponse
    {
        let cluster = try NameRules.clusterName(request.cluster)
        guard request.targetType.rawValue == Self.targetType else {
            throw AdmiralError.invalidParameter("targetType must be container-instance.")
        }
        if request.attributeValue != nil, request.attributeName == nil {
            throw AdmiralError.invalidParameter("attributeValue can only be given together with attributeName.")
        }
        let limit = try Pagination.pageSize(request.maxResults)
        try await store.requireActiveCluster(cluster)
        struct Position: Codable {
            var instance: String
            var name: String
        }
        let listName = "attributes"
        let after = try Pagination.position(request.nextToken, list: listName, as: Position.self)
        var page: [(String, ECS.Attribute)] = []
        var more = false
        var instanceCursor: String? = nil
        // Instances in id order, each one's attributes in name order.
        scan: while true {
            let batch = try await store.listContainerInstances(
                cluster: cluster, statuses: [.active, .draining], after: instanceCursor, limit: Self.scanBatch)
            for instance in batch {
                if let after, instance.id < after.instance { continue }
                let attributes = instance.attributes.sorted { $0.name < $1.name }.filter { attribute in
                    if let after, instance.id == after.instance, attribute.name <= after.name { return false }
                    if let name = request.attributeName, attribute.name != name { return false }
                    if let value = request.attributeValue, attribute.value != value { return false }
                    return true
                }
                for attribute in attributes {
                    if page.count == limit {
                        more = true
                        break scan
                    }
                    page.append((instance.id, attribute))
                }
            }
            if batch.count < Self.scanBatch { break }
            instanceCursor = batch.last?.id
        }
        let next =
            more
            ? page.last.map { Pagination.token(list: listName, after: Position(instance: $0.0, name: $0.1.name)) }
            : nil
        return ECS.ListAttributesResponse(
            attributes: page.map { id, attribute in
                ECS.Attribute(
                    name: attribute.name, value: attribute.value, targetType: .containerInstance,
                    targetId: context.names.containerInstanceARN(cluster: cluster, id: id))
            }, nextToken: next)
    }

    // MARK: Helpers

    /// The request's attributes by target instance id, checked.
    func grouped(_ attributes: [ECS.Attribute], cluster: String) throws -> [String: [ECS.Attribute]] {
        guard (1...AttributeRules.maximumPerCall).contains(attributes.count) else {
            throw AdmiralError.invalidParameter(
                "attributes must hold 1 to \(AttributeRules.maximumPerCall) attributes; \(attributes.count) given.")
        }
        var result: [String: [ECS.Attribute]] = [:]
        for attribute in try AttributeRules.validate(attributes, custom: true) {
            if let type = attribute.targetType, type.rawValue != Self.targetType {
                throw AdmiralError.invalidParameter("targetType must be container-instance.")
            }
            guard let target = attribute.targetId, !target.isEmpty else {
                throw AdmiralError.invalidParameter(
                    "Attribute '\(attribute.name)' needs a targetId: the container instance's id or ARN.")
            }
            guard let reference = ClusterScopedReference(parsing: target, type: Self.targetType) else {
                throw AdmiralError(.targetNotFound, "Could not find the target '\(target)'.")
            }
            if let other = reference.cluster, other != cluster {
                throw AdmiralError(.targetNotFound, "Could not find the target '\(target)' in cluster '\(cluster)'.")
            }
            result[reference.id, default: []].append(attribute)
        }
        return result
    }

    func requireTargets(_ ids: some Collection<String>, cluster: String) async throws {
        try await store.requireActiveCluster(cluster)
        let found = try await store.containerInstances(cluster: cluster, ids: Array(ids))
        for id in ids where found[id] == nil || found[id]?.status == .inactive {
            throw AdmiralError(.targetNotFound, "Could not find the target '\(id)' in cluster '\(cluster)'.")
        }
    }

    func rendered(_ attributes: [ECS.Attribute], cluster: String, context: RequestContext) -> [ECS.Attribute] {
        attributes.map { attribute in
            var attribute = attribute
            attribute.targetType = .containerInstance
            if let target = attribute.targetId,
                let reference = ClusterScopedReference(parsing: target, type: Self.targetType)
            {
                attribute.targetId = context.names.containerInstanceARN(cluster: cluster, id: reference.id)
            }
            return attribute
        }
    }
}
