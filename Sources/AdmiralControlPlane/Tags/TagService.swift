import AdmiralModel
import AdmiralStore

/// TagResource, UntagResource and ListTagsForResource over every taggable ECS resource.
public struct TagService: Sendable {
    let store: any Store

    /// Creates the service over a store.
    public init(store: any Store) {
        self.store = store
    }

    /// TagResource: adds or overwrites tags.
    public func tagResource(_ request: ECS.TagResourceRequest, context: RequestContext) async throws
        -> ECS.TagResourceResponse
    {
        try TagRules.validate(request.tags)
        let resource = try Self.resource(request.resourceArn)
        let found = try await store.updateTags(of: resource, add: request.tags, removeKeys: []) { tags in
            try TagRules.validateCount(tags)
        }
        guard found else { throw Self.notFound(resource) }
        return ECS.TagResourceResponse()
    }

    /// UntagResource: removes tags by key; unknown keys are ignored.
    public func untagResource(_ request: ECS.UntagResourceRequest, context: RequestContext) async throws
        -> ECS.UntagResourceResponse
    {
        for key in request.tagKeys { try TagRules.validateKey(key) }
        let resource = try Self.resource(request.resourceArn)
        let found = try await store.updateTags(of: resource, add: [], removeKeys: request.tagKeys) { _ in }
        guard found else { throw Self.notFound(resource) }
        return ECS.UntagResourceResponse()
    }

    /// ListTagsForResource.
    public func listTags(_ request: ECS.ListTagsForResourceRequest, context: RequestContext) async throws
        -> ECS.ListTagsForResourceResponse
    {
        let resource = try Self.resource(request.resourceArn)
        switch resource {
        case .cluster(let name):
            guard let cluster = try await store.cluster(named: name), cluster.status == .active else {
                throw Self.notFound(resource)
            }
        case .taskDefinition(let family, let revision):
            guard try await store.taskDefinition(family: family, revision: revision) != nil else {
                throw Self.notFound(resource)
            }
        case .task(let cluster, let id):
            guard try await store.tasks(cluster: cluster, ids: [id])[id] != nil else { throw Self.notFound(resource) }
        case .containerInstance(let cluster, let id):
            guard try await store.containerInstances(cluster: cluster, ids: [id])[id] != nil else {
                throw Self.notFound(resource)
            }
        case .service(let cluster, let name):
            guard let service = try await store.services(cluster: cluster, names: [name])[name],
                service.status != .inactive
            else { throw Self.notFound(resource) }
        case .capacityProvider(let name):
            guard try await store.capacityProviders().contains(where: { $0.name == name && $0.isActive }) else {
                throw Self.notFound(resource)
            }
        }
        return ECS.ListTagsForResourceResponse(tags: try await store.tags(of: resource))
    }

    static func resource(_ arnText: String) throws -> TaggableResource {
        guard let arn = ARN(arnText), arn.service == "ecs", let (type, id) = arn.resourceTypeAndId else {
            throw AdmiralError.invalidParameter(
                "'\(arnText)' is not an ECS resource ARN (arn:aws:ecs:<region>:<account>:<type>/<id>).")
        }
        switch type {
        case "cluster":
            guard !id.isEmpty else { break }
            return .cluster(name: id)
        case "task-definition":
            guard let reference = TaskDefinitionReference(parsing: arnText), let revision = reference.revision else {
                break
            }
            return .taskDefinition(family: reference.family, revision: revision)
        case "service":
            let parts = id.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { break }
            return .service(cluster: String(parts[0]), name: String(parts[1]))
        case "capacity-provider":
            guard !id.isEmpty, !id.contains("/") else { break }
            return .capacityProvider(name: id)
        case "task", "container-instance":
            let parts = id.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { break }
            let (cluster, resourceId) = (String(parts[0]), String(parts[1]))
            return type == "task"
                ? .task(cluster: cluster, id: resourceId) : .containerInstance(cluster: cluster, id: resourceId)
        default:
            throw AdmiralError.invalidParameter(
                "Tagging '\(type)' resources is not supported yet; clusters, task definitions, services, tasks and "
                    + "container instances can be tagged.")
        }
        throw AdmiralError.invalidParameter("'\(arnText)' is not a valid \(type) ARN.")
    }

    static func notFound(_ resource: TaggableResource) -> AdmiralError {
        switch resource {
        case .cluster: AdmiralError(.clusterNotFound, "Cluster not found.")
        case .taskDefinition: AdmiralError(.resourceNotFound, "The specified task definition does not exist.")
        case .task: AdmiralError(.invalidParameter, "The specified task does not exist.")
        case .containerInstance: AdmiralError(.invalidParameter, "The specified container instance does not exist.")
        case .service: AdmiralError(.serviceNotFound, "Service not found.")
        case .capacityProvider: AdmiralError(.invalidParameter, "The specified capacity provider does not exist.")
        }
    }
}
