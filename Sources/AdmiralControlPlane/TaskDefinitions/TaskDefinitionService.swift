import AdmiralModel
import AdmiralStore
import Foundation

/// The ECS task definition operations.
public struct TaskDefinitionService: Sendable {
    let store: any Store

    /// Creates the service over a store.
    public init(store: any Store) {
        self.store = store
    }

    /// RegisterTaskDefinition: validates, computes ECS's members, stores the next revision.
    /// The definition is encoded once, for the store and for the answer.
    public func register(
        _ request: ECS.RegisterTaskDefinitionRequest, context: RequestContext
    ) async throws -> TaskDefinitionRegistration {
        try TaskDefinitionRules.validate(request)
        let tags = request.tags ?? []
        try TagRules.validate(tags)
        // The definition is built before the store assigns its revision; the revision
        // and the ARN (in the request's region) are filled in by the store and `render`.
        let definition = TaskDefinitionRules.makeDefinition(
            request, arn: "", revision: 0, registeredAt: context.now, registeredBy: context.principalARN)
        let encoded = try ECS.EncodedTaskDefinition(definition)
        let record = try await store.registerTaskDefinition(family: request.family, definition: encoded, tags: tags)
        return TaskDefinitionRegistration(
            encoded: encoded, revision: record.revision,
            taskDefinitionArn: context.names.taskDefinitionARN(family: record.family, revision: record.revision),
            tags: tags)
    }

    /// DescribeTaskDefinition: by family (latest ACTIVE), family:revision or ARN.
    public func describe(
        _ request: ECS.DescribeTaskDefinitionRequest, context: RequestContext
    ) async throws -> ECS.DescribeTaskDefinitionResponse {
        guard let reference = TaskDefinitionReference(parsing: request.taskDefinition),
            let record = try await store.taskDefinition(family: reference.family, revision: reference.revision)
        else {
            throw AdmiralError.client("Unable to describe task definition.")
        }
        var tags: [ECS.Tag]? = nil
        if request.include?.contains(.tags) == true {
            tags = try await store.tags(of: .taskDefinition(family: record.family, revision: record.revision))
        }
        return ECS.DescribeTaskDefinitionResponse(taskDefinition: render(record, context: context), tags: tags)
    }

    /// DeregisterTaskDefinition: marks one revision INACTIVE; it stays describable.
    public func deregister(
        _ request: ECS.DeregisterTaskDefinitionRequest, context: RequestContext
    ) async throws -> ECS.DeregisterTaskDefinitionResponse {
        let reference = try Self.revisionReference(request.taskDefinition)
        let now = context.now
        let record = try await store.updateTaskDefinition(family: reference.family, revision: reference.revision) {
            record in
            guard record.status == .active else { return }
            record.status = .inactive
            record.definition.status = .inactive
            record.definition.deregisteredAt = now
        }
        guard let record else {
            throw AdmiralError.client("The specified task definition does not exist: \(request.taskDefinition).")
        }
        return ECS.DeregisterTaskDefinitionResponse(taskDefinition: render(record, context: context))
    }

    /// DeleteTaskDefinitions: INACTIVE revisions move to DELETE_IN_PROGRESS; the rest
    /// come back as failures.
    public func delete(
        _ request: ECS.DeleteTaskDefinitionsRequest, context: RequestContext
    ) async throws -> ECS.DeleteTaskDefinitionsResponse {
        guard (1...10).contains(request.taskDefinitions.count) else {
            throw AdmiralError.invalidParameter(
                "DeleteTaskDefinitions takes 1 to 10 task definitions; got \(request.taskDefinitions.count).")
        }
        var deleted: [ECS.TaskDefinition] = []
        var failures: [ECS.Failure] = []
        let now = context.now
        for identifier in request.taskDefinitions {
            let reference = try Self.revisionReference(identifier)
            let arn = context.names.taskDefinitionARN(family: reference.family, revision: reference.revision)
            let record = try await store.updateTaskDefinition(
                family: reference.family, revision: reference.revision
            ) { record in
                guard record.status == .inactive else { return }
                record.status = .deleteInProgress
                record.definition.status = .deleteInProgress
                record.definition.deleteRequestedAt = now
            }
            guard let record else {
                failures.append(ECS.Failure(arn: arn, reason: "The specified task definition does not exist."))
                continue
            }
            switch record.status {
            case .active:
                failures.append(
                    ECS.Failure(
                        arn: arn,
                        reason: "The specified task definition is ACTIVE. Deregister it before deleting it.",
                        detail: "TASK_DEFINITION_NOT_INACTIVE"))
            case .inactive, .deleteInProgress:
                deleted.append(render(record, context: context))
            }
        }
        return ECS.DeleteTaskDefinitionsResponse(taskDefinitions: deleted, failures: failures)
    }

    /// ListTaskDefinitions: ARNs by family and revision, filtered and paginated.
    public func list(
        _ request: ECS.ListTaskDefinitionsRequest, context: RequestContext
    ) async throws -> ECS.ListTaskDefinitionsResponse {
        let limit = try Pagination.pageSize(request.maxResults)
        let descending = request.sort == .desc
        let listName = "task-definitions"
        let cursor = try Pagination.position(request.nextToken, list: listName, as: TaskDefinitionCursor.self)
        let records = try await store.listTaskDefinitions(
            // Despite its name, ECS matches `familyPrefix` against the whole family name.
            family: request.familyPrefix, statuses: [request.status ?? .active], descending: descending,
            after: cursor, limit: limit + 1)
        let page = records.prefix(limit)
        let next =
            records.count > limit
            ? page.last.map {
                Pagination.token(list: listName, after: TaskDefinitionCursor(family: $0.family, revision: $0.revision))
            } : nil
        return ECS.ListTaskDefinitionsResponse(
            taskDefinitionArns: page.map { context.names.taskDefinitionARN(family: $0.family, revision: $0.revision) },
            nextToken: next)
    }

    /// ListTaskDefinitionFamilies: family names, filtered and paginated.
    public func listFamilies(
        _ request: ECS.ListTaskDefinitionFamiliesRequest, context: RequestContext
    ) async throws -> ECS.ListTaskDefinitionFamiliesResponse {
        let limit = try Pagination.pageSize(request.maxResults)
        let listName = "task-definition-families"
        let after = try Pagination.position(request.nextToken, list: listName, as: String.self)
        let status: FamilyStatusFilter =
            switch request.status {
            case .active: .active
            case .inactive: .inactive
            case .all, nil: .all
            }
        let families = try await store.listTaskDefinitionFamilies(
            prefix: request.familyPrefix, status: status, after: after, limit: limit + 1)
        let page = families.prefix(limit)
        let next = families.count > limit ? page.last.map { Pagination.token(list: listName, after: $0) } : nil
        return ECS.ListTaskDefinitionFamiliesResponse(families: Array(page), nextToken: next)
    }

    // MARK: Helpers

    /// A reference that must name one revision: `family:revision` or the full ARN.
    static func revisionReference(_ identifier: String) throws -> (family: String, revision: Int) {
        guard let reference = TaskDefinitionReference(parsing: identifier), let revision = reference.revision else {
            throw AdmiralError.invalidParameter(
                "'\(identifier)' does not name a task definition revision: use family:revision or the full task definition ARN."
            )
        }
        return (reference.family, revision)
    }

    /// The stored definition with its ARN in the request's region.
    func render(_ record: TaskDefinitionRecord, context: RequestContext) -> ECS.TaskDefinition {
        var definition = record.definition
        definition.taskDefinitionArn = context.names.taskDefinitionARN(family: record.family, revision: record.revision)
        definition.revision = record.revision
        definition.status = record.status
        return definition
    }
}
