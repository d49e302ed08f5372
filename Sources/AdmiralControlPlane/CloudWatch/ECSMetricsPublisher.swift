import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// Publishes the metrics ECS publishes, every metrics interval, from the store and the
/// agents' usage reports (``TaskUsageTable``):
///
/// - `AWS/ECS` `CPUUtilization` and `MemoryUtilization` per {ClusterName, ServiceName}:
///   the CPU units the service's running tasks use × 100 / the units they reserve (memory
///   likewise, in MiB), so a service can exceed 100 %; per {ClusterName}: what all tasks
///   use × 100 / what the cluster's active instances registered. `CPUReservation` and
///   `MemoryReservation` per {ClusterName}: what tasks reserve × 100 / what is registered.
/// - `ECS/ContainerInsights` per {ClusterName, ServiceName}: `RunningTaskCount`,
///   `PendingTaskCount`, `DesiredTaskCount`, `DeploymentCount`, `CpuUtilized`,
///   `CpuReserved`, `MemoryUtilized`, `MemoryReserved`; per {ClusterName, TaskId}: the
///   task's `CpuUtilized`, `CpuReserved`, `MemoryUtilized`, `MemoryReserved`.
/// - `AWS/EC2` `CPUUtilization` per {InstanceId}: the CPU units the tasks on an active
///   container instance use × 100 / the units it registered (what its host's CPU does for
///   containers; 0 when it runs none); and per {AutoScalingGroupName}: the average over
///   the group's instances, which an Auto Scaling group's `ASGAverageCPUUtilization`
///   target tracking policy watches.
///
/// With an interval under a minute the data is high-resolution, so alarms and graphs can
/// use periods of the interval.
public struct ECSMetricsPublisher: Service {
    let store: any Store
    let usage: TaskUsageTable
    let cloudWatch: CloudWatchService
    let interval: Duration
    let logger: Logger
    /// The Auto Scaling group of each EC2 instance in one, by instance id.
    let instanceGroups: (@Sendable () async throws -> [String: String])?

    /// Creates the publisher.
    public init(
        store: any Store, usage: TaskUsageTable, cloudWatch: CloudWatchService, interval: Duration, logger: Logger,
        instanceGroups: (@Sendable () async throws -> [String: String])? = nil
    ) {
        self.instanceGroups = instanceGroups
        self.store = store
        self.usage = usage
        self.cloudWatch = cloudWatch
        self.interval = interval
        self.logger = logger
    }

    /// How long before the end of each interval the publication runs: agents report
    /// their tasks' usage just before (``publicationLead`` is half their lead), so each
    /// datapoint carries the interval it is stamped with, as ECS's do.
    var publicationLead: Duration { min(.milliseconds(1500), interval * 0.15) }

    public func run() async throws {
        try await runAligned(
            every: interval, lead: publicationLead, logger: logger, failure: "ECS metrics publication failed"
        ) {
            try await publish(now: Date())
        }
    }

    /// One publication.
    func publish(now: Date) async throws {
        let resolution = interval.seconds < 60 ? 1 : 60
        // Usage older than two intervals is from a task that stopped or an agent that went quiet.
        let measured = usage.snapshot(since: now.addingTimeInterval(-2 * max(interval.seconds, 1)))
        var byTaskId: [String: TaskUsage] = [:]
        for (arn, value) in measured {
            byTaskId[String(arn.split(separator: "/").last ?? "")] = value
        }
        let instances = try await store.liveContainerInstances()
        let services = try await store.liveServices(cluster: nil)
        var ecs: [CloudWatch.MetricDatum] = []
        var insights: [CloudWatch.MetricDatum] = []
        func datum(_ name: String, _ value: Double, _ unit: CloudWatch.StandardUnit, _ dimensions: [(String, String)])
            -> CloudWatch.MetricDatum
        {
            CloudWatch.MetricDatum(
                metricName: name, dimensions: dimensions.map { CloudWatch.Dimension(name: $0.0, value: $0.1) },
                timestamp: now, value: value, unit: unit, storageResolution: resolution)
        }
        // CPU units the measured tasks use on each instance, by `cluster/instance id`.
        var usedOnInstance: [String: Double] = [:]
        var clusters = Set(instances.filter { $0.status == .active }.map(\.cluster))
        clusters.formUnion(services.map(\.cluster))
        for cluster in clusters.sorted() {
            let tasks = try await runningTasks(cluster: cluster)
            let registered = instances.filter { $0.cluster == cluster && $0.status == .active }
            // Summed as Double: a stored value, however large, must not overflow and stop the server.
            let registeredCPU = registered.reduce(0.0) { $0 + Double($1.registered.cpu) }
            let registeredMemory = registered.reduce(0.0) { $0 + Double($1.registered.memory) }
            let reservedCPU = registered.reduce(0.0) { $0 + Double($1.usage.cpu) }
            let reservedMemory = registered.reduce(0.0) { $0 + Double($1.usage.memory) }
            let used = tasks.compactMap { byTaskId[$0.id] }
            let clusterDimensions = [("ClusterName", cluster)]
            if registeredCPU > 0 {
                ecs.append(datum("CPUReservation", reservedCPU * 100 / registeredCPU, .percent, clusterDimensions))
                if !used.isEmpty {
                    let cpu = used.reduce(0) { $0 + $1.cpuUnits }
                    ecs.append(datum("CPUUtilization", cpu * 100 / registeredCPU, .percent, clusterDimensions))
                }
            }
            if registeredMemory > 0 {
                ecs.append(
                    datum("MemoryReservation", reservedMemory * 100 / registeredMemory, .percent, clusterDimensions))
                if !used.isEmpty {
                    let memory = used.reduce(0) { $0 + $1.memoryMiB }
                    ecs.append(datum("MemoryUtilization", memory * 100 / registeredMemory, .percent, clusterDimensions))
                }
            }
            for task in tasks {
                guard let measuredTask = byTaskId[task.id] else { continue }
                usedOnInstance["\(cluster)/\(task.containerInstanceId)", default: 0] += measuredTask.cpuUnits
                let dimensions = [("ClusterName", cluster), ("TaskId", task.id)]
                insights += [
                    datum("CpuUtilized", measuredTask.cpuUnits, .none, dimensions),
                    datum("CpuReserved", Double(task.reservation.cpu), .none, dimensions),
                    datum("MemoryUtilized", measuredTask.memoryMiB, .megabytes, dimensions),
                    datum("MemoryReserved", Double(task.reservation.memory), .megabytes, dimensions),
                ]
            }
            // Grouped once: a filter per service was a pass over every task of the cluster
            // for each service (a million task copies a publication at 1,000 services).
            let byService = Dictionary(grouping: tasks.filter { $0.serviceName != nil }) { $0.serviceName ?? "" }
            for service in services where service.cluster == cluster {
                let dimensions = [("ClusterName", cluster), ("ServiceName", service.name)]
                let own = byService[service.name] ?? []
                let running = own.filter { $0.lastStatus == .running }
                let pending = own.filter { $0.lastStatus < .running }
                insights += [
                    datum("RunningTaskCount", Double(running.count), .count, dimensions),
                    datum("PendingTaskCount", Double(pending.count), .count, dimensions),
                    datum("DesiredTaskCount", Double(service.service.desiredCount ?? 0), .count, dimensions),
                    datum("DeploymentCount", Double(service.service.deployments?.count ?? 0), .count, dimensions),
                ]
                let measuredTasks = running.compactMap { task in byTaskId[task.id].map { (task, $0) } }
                guard !measuredTasks.isEmpty else { continue }
                let cpuUsed = measuredTasks.reduce(0) { $0 + $1.1.cpuUnits }
                let memoryUsed = measuredTasks.reduce(0) { $0 + $1.1.memoryMiB }
                let cpuReserved = Double(measuredTasks.reduce(0) { $0 + $1.0.reservation.cpu })
                let memoryReserved = Double(measuredTasks.reduce(0) { $0 + $1.0.reservation.memory })
                insights += [
                    datum("CpuUtilized", cpuUsed, .none, dimensions),
                    datum("CpuReserved", cpuReserved, .none, dimensions),
                    datum("MemoryUtilized", memoryUsed, .megabytes, dimensions),
                    datum("MemoryReserved", memoryReserved, .megabytes, dimensions),
                ]
                if cpuReserved > 0 {
                    ecs.append(datum("CPUUtilization", cpuUsed * 100 / cpuReserved, .percent, dimensions))
                }
                if memoryReserved > 0 {
                    ecs.append(datum("MemoryUtilization", memoryUsed * 100 / memoryReserved, .percent, dimensions))
                }
            }
        }
        let ec2 = try await instanceMetrics(
            instances: instances, usedOnInstance: usedOnInstance, now: now, resolution: resolution)
        try await cloudWatch.publish(namespace: "AWS/ECS", data: ecs, now: now)
        try await cloudWatch.publish(namespace: "AWS/EC2", data: ec2, now: now)
        try await cloudWatch.publish(namespace: "ECS/ContainerInsights", data: insights, now: now)
    }

    /// `AWS/EC2` `CPUUtilization` of each active container instance, and the average of
    /// each Auto Scaling group's.
    func instanceMetrics(
        instances: [ContainerInstanceRecord], usedOnInstance: [String: Double], now: Date, resolution: Int
    ) async throws -> [CloudWatch.MetricDatum] {
        let groups = try await instanceGroups?() ?? [:]
        var data: [CloudWatch.MetricDatum] = []
        var byGroup: [String: [Double]] = [:]
        for instance in instances where instance.status == .active && !instance.ec2InstanceId.isEmpty {
            guard instance.registered.cpu > 0 else { continue }
            let used = usedOnInstance["\(instance.cluster)/\(instance.id)"] ?? 0
            let utilization = min(100, used * 100 / Double(instance.registered.cpu))
            data.append(
                CloudWatch.MetricDatum(
                    metricName: "CPUUtilization",
                    dimensions: [CloudWatch.Dimension(name: "InstanceId", value: instance.ec2InstanceId)],
                    timestamp: now, value: utilization, unit: .percent, storageResolution: resolution))
            if let group = groups[instance.ec2InstanceId] { byGroup[group, default: []].append(utilization) }
        }
        for (group, values) in byGroup.sorted(by: { $0.key < $1.key }) {
            data.append(
                CloudWatch.MetricDatum(
                    metricName: "CPUUtilization",
                    dimensions: [CloudWatch.Dimension(name: "AutoScalingGroupName", value: group)],
                    timestamp: now, value: values.reduce(0, +) / Double(values.count), unit: .percent,
                    storageResolution: resolution))
        }
        return data
    }

    /// The cluster's tasks desired RUNNING, every page.
    func runningTasks(cluster: String) async throws -> [TaskRecord] {
        var tasks: [TaskRecord] = []
        var cursor: String?
        repeat {
            let page = try await store.listTasks(
                TaskFilter(cluster: cluster, desiredStatus: .running), after: cursor, limit: 1000)
            tasks += page
            cursor = page.count == 1000 ? page.last?.id : nil
        } while cursor != nil
        return tasks
    }
}
