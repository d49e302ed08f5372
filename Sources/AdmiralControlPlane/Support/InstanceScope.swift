import AdmiralModel
import AdmiralStore
import Foundation

/// What a request signed with an EC2 instance's credentials may touch: its own cluster
/// (the instance's `ECS_CLUSTER`) and its own container instance, as the ECS instance
/// role's policy and ECS's checks allow an agent. Requests of the operator's principals
/// pass every check.
enum InstanceScope {
    /// AWS's words for a call the caller's role does not allow.
    static func denied(_ action: String, _ grant: InstanceCredentials.Grant, resource: String) -> AdmiralError {
        let accountId = resource.split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first ?? ""
        return AdmiralError(
            .accessDenied,
            "User: arn:aws:sts::\(accountId):assumed-role/\(InstanceCredentials.roleName)/\(grant.instanceId) "
                + "is not authorized to perform: \(action) on resource: \(resource)")
    }

    /// Refuses an instance's request for another cluster than its own.
    static func checkCluster(_ cluster: String, action: String, context: RequestContext) throws {
        guard let grant = context.instance, grant.cluster != cluster else { return }
        throw denied(action, grant, resource: context.names.clusterARN(cluster))
    }

    /// Refuses an instance's request about a container instance that is not its own.
    static func checkContainerInstance(
        _ record: ContainerInstanceRecord, action: String, context: RequestContext
    ) throws {
        guard let grant = context.instance, record.ec2InstanceId != grant.instanceId else { return }
        throw denied(
            action, grant, resource: context.names.containerInstanceARN(cluster: record.cluster, id: record.id))
    }

    /// The container instance id an instance's request may report tasks of (nil for the
    /// operator's requests, which may report any).
    static func ownContainerInstanceId(cluster: String, action: String, context: RequestContext, store: any Store)
        async throws -> String?
    {
        guard let grant = context.instance else { return nil }
        try checkCluster(cluster, action: action, context: context)
        guard let record = try await store.containerInstance(cluster: cluster, ec2InstanceId: grant.instanceId) else {
            throw denied(action, grant, resource: context.names.clusterARN(cluster))
        }
        return record.id
    }
}
