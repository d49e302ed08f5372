import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import ServiceLifecycle

/// ECS managed scaling's arithmetic: CapacityProviderReservation = M / N × 100, where N
/// is the number of the provider's instances in the cluster and M the number it needs:
/// those running tasks, plus enough new ones for the tasks that wait in PROVISIONING and
/// those its services want but have not launched.
/// With no instance, 200 when tasks wait for capacity and 100 otherwise, as ECS reports.
public enum ManagedScaling {
    /// One instance of the provider as the computation sees it.
    public struct Host: Sendable, Equatable {
        public var remaining: InstanceResources
        public var registered: InstanceResources
        public var tasks: Int

        public init(remaining: InstanceResources, registered: InstanceResources, tasks: Int) {
            self.remaining = remaining
            self.registered = registered
            self.tasks = tasks
        }
    }

    /// The reservation in percent, from the provider's hosts and the tasks that wait for
    /// room (each with its reservation), with ECS's scaling step bounds.
    ///
    /// `launching` counts the group's instances that have not registered yet: they are
    /// capacity on its way (empty hosts the size of the largest one), so that a scale-out
    /// is not asked for twice while they start.
    public static func reservation(
        hosts: [Host], launching: Int = 0, waiting: [TaskReservation], minimumStep: Int, maximumStep: Int
    ) -> Double {
        let used = hosts.filter { $0.tasks > 0 }.count
        guard !hosts.isEmpty else {
            if waiting.isEmpty { return launching > 0 ? 0 : 100 }
            return launching > 0 ? 100 : 200
        }
        let size = hosts.map(\.registered).max { ($0.memory, $0.cpu) < ($1.memory, $1.cpu) }
            ?? InstanceResources(cpu: 0, memory: 0)
        let total = hosts.count + launching
        // The waiting tasks go on the room left first (first fit, largest first).
        var room = hosts.map(\.remaining) + Array(repeating: size, count: launching)
        var leftover: [TaskReservation] = []
        var usedHosts = Set(hosts.indices.filter { hosts[$0].tasks > 0 })
        for task in waiting.sorted(by: { ($0.memory, $0.cpu) > ($1.memory, $1.cpu) }) {
            if let index = room.indices.first(where: { room[$0].memory >= task.memory && room[$0].cpu >= task.cpu }) {
                room[index].memory -= task.memory
                room[index].cpu -= task.cpu
                usedHosts.insert(index)
            } else {
                leftover.append(task)
            }
        }
        var needed = max(used, usedHosts.count)
        if !leftover.isEmpty {
            // New hosts are the size of the largest one there is.
            var extra = 0
            var pending = leftover
            while !pending.isEmpty, extra < maximumStep {
                extra += 1
                var fresh = size
                pending = pending.filter { task in
                    guard fresh.memory >= task.memory, fresh.cpu >= task.cpu else { return true }
                    fresh.memory -= task.memory
                    fresh.cpu -= task.cpu
                    return false
                }
                if fresh == size { break }  // A task larger than any host: one more host will not help.
            }
            needed = total + min(max(extra, minimumStep), maximumStep)
        }
        return Double(needed) / Double(total) * 100
    }
}

/// Publishes each managed-scaling capacity provider's CapacityProviderReservation to
/// `AWS/ECS/ManagedScaling` (dimensions CapacityProviderName and ClusterName) every
/// period; the target tracking policy ECS made on the provider's Auto Scaling group keeps
/// it at the provider's target capacity.
public struct CapacityProviderReservationPublisher: Service {
    let store: any Store
    let cloudWatch: CloudWatchService
    let groups: (any CapacityProviderGroups)?
    let interval: Duration
    let logger: Logger

    public init(
        store: any Store, cloudWatch: CloudWatchService, groups: (any CapacityProviderGroups)?, interval: Duration,
        logger: Logger
    ) {
        self.groups = groups
        self.store = store
        self.cloudWatch = cloudWatch
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        try await runPeriodically(
            every: interval, logger: logger, failure: "capacity provider reservation not published"
        ) {
            try await publish(now: Date())
        }
    }

    func publish(now: Date) async throws {
        let providers = try await store.capacityProviders().filter {
            $0.isActive && $0.provider.autoScalingGroupProvider?.managedScaling?.status == .enabled
        }
        guard !providers.isEmpty else { return }
        var clusters: [ClusterRecord] = []
        while true {
            let page = try await store.listActiveClusters(after: clusters.last?.name, limit: 1000)
            clusters += page
            if page.count < 1000 { break }
        }
        let instances = try await store.liveContainerInstances()
        let services = try await store.liveServices(cluster: nil)
        var data: [CloudWatch.MetricDatum] = []
        for provider in providers {
            let scaling = provider.provider.autoScalingGroupProvider?.managedScaling
            for cluster in clusters where (cluster.cluster.capacityProviders ?? []).contains(provider.name) {
                let hosts = instances.filter {
                    $0.cluster == cluster.name && $0.capacityProviderName == provider.name && $0.status == .active
                }.map {
                    ManagedScaling.Host(
                        remaining: $0.remaining, registered: $0.registered,
                        tasks: $0.usage.runningTasks + $0.usage.pendingTasks)
                }
                // The tasks that wait in PROVISIONING for this provider, and the tasks its
                // services want but have not launched yet.
                var waiting = try await store.provisioningTasks(cluster: cluster.name).filter {
                    $0.desiredStatus == .running && $0.task.capacityProviderName == provider.name
                }.map(\.reservation)
                for service in services where service.cluster == cluster.name {
                    let strategy = service.service.capacityProviderStrategy ?? []
                    guard strategy.contains(where: { $0.capacityProvider == provider.name }) else { continue }
                    // The tasks launched now (placed or waiting), not the service's
                    // counters, which follow them.
                    let launched = try await store.serviceTasks(
                        cluster: cluster.name, service: service.name, stoppedSince: nil
                    ).filter { $0.desiredStatus == .running }.count
                    let deficit = max(0, (service.service.desiredCount ?? 0) - launched)
                    guard deficit > 0, let reservation = try await reservation(of: service) else { continue }
                    let mine = CapacityProviderStrategy.assign(deficit, strategy: strategy)
                        .filter { $0 == provider.name }.count
                    waiting += Array(repeating: reservation, count: mine)
                }
                // The group's instances that are on their way but not registered yet.
                var launching = 0
                if let groups, let arn = provider.autoScalingGroupArn,
                    let group = try await groups.group(arn: arn)
                {
                    launching = max(0, try await groups.liveInstanceCount(group: group.name) - hosts.count)
                }
                let value = ManagedScaling.reservation(
                    hosts: hosts, launching: launching, waiting: waiting, minimumStep: scaling?.minimumScalingStepSize ?? 1,
                    maximumStep: scaling?.maximumScalingStepSize ?? 10_000)
                data.append(
                    CloudWatch.MetricDatum(
                        metricName: "CapacityProviderReservation",
                        dimensions: [
                            CloudWatch.Dimension(name: "CapacityProviderName", value: provider.name),
                            CloudWatch.Dimension(name: "ClusterName", value: cluster.name),
                        ],
                        timestamp: now, value: value, unit: .percent,
                        storageResolution: interval < .seconds(60) ? 1 : 60))
            }
        }
        try await cloudWatch.publish(namespace: "AWS/ECS/ManagedScaling", data: data, now: now)
    }

    /// What one task of a service's primary deployment reserves.
    func reservation(of service: ServiceRecord) async throws -> TaskReservation? {
        guard let arn = service.service.taskDefinition, let reference = TaskDefinitionReference(parsing: arn),
            let definition = try await store.taskDefinition(family: reference.family, revision: reference.revision)
        else { return nil }
        return TaskReservation.of(definition.definition, containers: definition.definition.containerDefinitions ?? [])
    }
}
