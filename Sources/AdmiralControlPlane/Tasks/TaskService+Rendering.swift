import AdmiralModel
import AdmiralStore
import Foundation

extension TaskService {
    /// Tasks as ECS returns them, with ARNs in the request's region. `tags` is the tags
    /// of every task when the caller knows them (RunTask); `readTags` reads each task's.
    func render(_ tasks: [TaskRecord], tags: [ECS.Tag]?, context: RequestContext, readTags: Bool = false)
        async throws -> [ECS.Task]
    {
        var rendered: [ECS.Task] = []
        rendered.reserveCapacity(tasks.count)
        for record in tasks {
            var taskTags = tags
            if readTags { taskTags = try await store.tags(of: .task(cluster: record.cluster, id: record.id)) }
            rendered.append(Self.render(record, tags: taskTags, names: context.names))
        }
        return rendered
    }

    /// One task as ECS returns it.
    public static func render(_ record: TaskRecord, tags: [ECS.Tag]?, names: ECSNames) -> ECS.Task {
        var task = record.task
        let taskArn = names.taskARN(cluster: record.cluster, id: record.id)
        task.taskArn = taskArn
        task.clusterArn = names.clusterARN(record.cluster)
        task.containerInstanceArn =
            record.isPlaced ? names.containerInstanceARN(cluster: record.cluster, id: record.containerInstanceId) : nil
        task.taskDefinitionArn = names.taskDefinitionARN(family: record.family, revision: record.revision)
        task.lastStatus = record.lastStatus.rawValue
        task.desiredStatus = record.desiredStatus.rawValue
        task.version = record.version
        task.tags = tags ?? []
        task.containers = task.containers?.map { container in
            var container = container
            if let id = container.containerArn, !id.hasPrefix("arn:") {
                container.containerArn = names.containerARN(cluster: record.cluster, taskId: record.id, containerId: id)
            }
            container.taskArn = taskArn
            return container
        }
        return task
    }
}
