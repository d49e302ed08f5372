import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation

/// The list pages of a big cluster read only the rows they show, through the store's
/// indexed queries (services by name, a service's or an instance's tasks that are not
/// STOPPED), and render them with the functions the API renders with
/// (`ServiceOperations.render`, `ContainerInstanceService.render`): the same counts and
/// deployments as DescribeServices, without reading the whole cluster for one screen.
extension Console {
    /// One screen of a cluster's ACTIVE services, by name after `cursor`, with their
    /// counts; `more` tells whether services follow.
    func serviceSummaries(
        _ cluster: String, after cursor: String?, limit: Int, _ context: AdmiralControlPlane.RequestContext
    ) async throws -> (services: [ECS.Service], more: Bool) {
        let records = try await controlPlane.store.listServices(
            cluster: cluster, schedulingStrategy: nil, after: cursor, limit: limit + 1)
        var services: [ECS.Service] = []
        services.reserveCapacity(min(records.count, limit))
        for record in records.prefix(limit) {
            let tasks = try await controlPlane.store.serviceTasks(
                cluster: cluster, service: record.name, stoppedSince: nil)
            services.append(ServiceOperations.render(record, tasks: tasks, names: context.names))
        }
        return (services, records.count > limit)
    }

    /// One screen of a cluster's container instances that are not INACTIVE, by id after
    /// `cursor` (every one when `limit` is nil), each with its tasks that are not STOPPED.
    func instanceSummaries(
        _ cluster: String, after cursor: String?, limit: Int?, _ context: AdmiralControlPlane.RequestContext
    ) async throws -> (instances: [(instance: ECS.ContainerInstance, tasks: [TaskRecord])], more: Bool) {
        var records: [ContainerInstanceRecord] = []
        var position = cursor
        let pageSize = limit.map { $0 + 1 } ?? 500
        while true {
            let page = try await controlPlane.store.listContainerInstances(
                cluster: cluster, statuses: [.active, .draining], after: position, limit: pageSize)
            records += page
            if limit != nil || page.count < pageSize { break }
            position = page.last?.id
        }
        let more = limit.map { records.count > $0 } ?? false
        var instances: [(instance: ECS.ContainerInstance, tasks: [TaskRecord])] = []
        for record in records.prefix(limit ?? records.count) {
            let tasks = try await controlPlane.store.instanceTasks(cluster: cluster, containerInstanceId: record.id)
            instances.append(
                (ContainerInstanceService.render(record, tags: nil, names: context.names), tasks))
        }
        return (instances, more)
    }

    /// A service's tasks desired RUNNING, newest first, and the `stoppedLimit` that were
    /// told to stop last: one read of the service's tasks through the store's index of
    /// tasks by service, rendered as DescribeTasks renders them.
    func serviceTaskLists(
        _ cluster: String, service: String, stoppedLimit: Int, _ context: AdmiralControlPlane.RequestContext
    ) async throws -> (running: [ECS.Task], stopped: [ECS.Task]) {
        let tasks = try await controlPlane.store.serviceTasks(
            cluster: cluster, service: service, stoppedSince: .distantPast)
        let running = tasks.filter { $0.desiredStatus != .stopped }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }.prefix(Self.taskLimit)
        let stopped = tasks.filter { $0.desiredStatus == .stopped }
            .sorted { Self.stopTime($0) > Self.stopTime($1) }.prefix(stoppedLimit)
        func render(_ records: some Sequence<TaskRecord>) -> [ECS.Task] {
            records.map { TaskService.render($0, tags: nil, names: context.names) }
        }
        return (render(running), render(stopped))
    }

    /// When a task was told to stop, or stopped (the order of the recently stopped list).
    static func stopTime(_ task: TaskRecord) -> Date {
        task.task.stoppingAt ?? task.task.stoppedAt ?? task.task.executionStoppedAt ?? task.createdAt
    }
}
