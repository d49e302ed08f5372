import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation

/// The list pages of a big cluster read its services and tasks in two store queries and
/// render each service with `ServiceOperations.render`, the function DescribeServices
/// renders with: the same counts and deployments as the API, without a query per service.
extension Console {
    /// At most this many tasks of a cluster are read for a list page.
    static let clusterTaskLimit = 50_000

    /// The cluster's ACTIVE services by name, rendered as DescribeServices renders them.
    func serviceSummaries(_ cluster: String, tasks: [TaskRecord], _ context: AdmiralControlPlane.RequestContext)
        async throws -> [ECS.Service]
    {
        let records = try await controlPlane.store.liveServices(cluster: cluster)
            .filter { $0.status == .active }
            .sorted { $0.name < $1.name }
            .prefix(Self.listLimit)
        let byService = Dictionary(grouping: tasks) { $0.serviceName ?? "" }
        return records.map { ServiceOperations.render($0, tasks: byService[$0.name] ?? [], names: context.names) }
    }

    /// The cluster's tasks that are not STOPPED (desired RUNNING, or stopping).
    func liveTasks(_ cluster: String) async throws -> [TaskRecord] {
        try await controlPlane.store.listTasks(TaskFilter(cluster: cluster), after: nil, limit: Self.clusterTaskLimit)
            .filter { $0.desiredStatus == .running || $0.lastStatus < .stopped }
    }
}
