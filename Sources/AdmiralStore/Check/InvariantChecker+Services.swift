import AdmiralModel
import Foundation

extension InvariantChecker {
    /// The PENDING and RUNNING tasks of services that count: those on registered
    /// (not INACTIVE) instances, as the service scheduler and DescribeServices count them.
    static func countedServiceTasks(_ snapshot: StateSnapshot) -> [TaskRecord] {
        let registered = Set(
            snapshot.instances.filter { $0.status != .inactive }.map { "\($0.cluster)/\($0.id)" })
        return snapshot.tasks.filter { task in
            task.serviceName != nil && task.lastStatus <= .running
                && registered.contains("\(task.cluster)/\(task.containerInstanceId)")
        }
    }

    /// A live service (ACTIVE or DRAINING) has exactly one PRIMARY deployment and no
    /// deployment id twice; every PENDING or RUNNING task of a service is counted by one
    /// of its deployments that is PRIMARY or ACTIVE, so that DescribeServices' counts of
    /// the service and of its deployments agree. (The deployments' stored counts are the
    /// last scheduler pass's and are recomputed from the tasks on every read, so they
    /// are not compared.)
    func checkDeployments(_ snapshot: StateSnapshot) -> [Violation] {
        var violations: [Violation] = []
        var services: [String: ServiceRecord] = [:]
        for service in snapshot.services {
            services["\(service.cluster)/\(service.name)"] = service
            guard service.status != .inactive else { continue }
            let deployments = service.service.deployments ?? []
            let arn = serviceARN(service.cluster, service.name)
            let primaries = deployments.filter { $0.status == "PRIMARY" }
            if primaries.count != 1 {
                violations.append(
                    Violation(
                        .deployments, subject: arn,
                        "The \(service.status.rawValue) service has \(primaries.count) PRIMARY deployments "
                            + "(\(primaries.compactMap(\.id).joined(separator: ", "))); it must have exactly one, "
                            + "which the scheduler starts tasks for."))
            }
            let ids = deployments.compactMap(\.id)
            let repeated = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            if !repeated.isEmpty {
                violations.append(
                    Violation(
                        .deployments, subject: arn,
                        "The service lists deployment(s) \(repeated.joined(separator: ", ")) more than once."))
            }
        }
        for task in Self.countedServiceTasks(snapshot) {
            guard let name = task.serviceName else { continue }
            let status = task.lastStatus.rawValue
            guard let service = services["\(task.cluster)/\(name)"] else {
                violations.append(
                    Violation(
                        .danglingReference, subject: taskARN(task),
                        "The \(status) task belongs to service \(serviceARN(task.cluster, name)), which is not "
                            + "stored: no scheduler will replace or stop it."))
                continue
            }
            let arn = serviceARN(service.cluster, service.name)
            if service.status == .inactive {
                violations.append(
                    Violation(
                        .deploymentCount, subject: taskARN(task),
                        "The task is \(status) but its service \(arn) was deleted (INACTIVE): a service becomes "
                            + "INACTIVE only once none of its tasks is PENDING or RUNNING. Stop the task."))
                continue
            }
            let deploymentId = task.startedBy ?? ""
            guard let deployment = (service.service.deployments ?? []).first(where: { $0.id == deploymentId }) else {
                violations.append(
                    Violation(
                        .deploymentCount, subject: taskARN(task),
                        "The \(status) task of service \(arn) was started by '\(deploymentId)', which is none of "
                            + "the service's deployments: DescribeServices counts it in the service's "
                            + "\(status.lowercased()) count but in no deployment's."))
                continue
            }
            if deployment.status == "INACTIVE" {
                violations.append(
                    Violation(
                        .deploymentCount, subject: taskARN(task),
                        "The \(status) task of service \(arn) belongs to deployment \(deploymentId), which is "
                            + "INACTIVE: a deployment becomes INACTIVE only once its tasks have stopped, and "
                            + "DescribeServices counts this task in the service but in no deployment."))
            }
        }
        return violations
    }

    /// A DAEMON service runs one task per container instance: the scheduler starts one
    /// only where none of its tasks is PENDING or RUNNING, so two of them on one
    /// registered instance fill the same slot.
    func checkDaemonSlots(_ snapshot: StateSnapshot) -> [Violation] {
        let daemons = Set(
            snapshot.services.filter { $0.schedulingStrategy == .daemon }.map { "\($0.cluster)/\($0.name)" })
        var bySlot: [String: [TaskRecord]] = [:]
        for task in Self.countedServiceTasks(snapshot) {
            guard let name = task.serviceName, daemons.contains("\(task.cluster)/\(name)") else { continue }
            bySlot["\(task.cluster)/\(name)/\(task.containerInstanceId)", default: []].append(task)
        }
        return bySlot.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.compactMap { entry in
            let tasks = entry.value
            guard let first = tasks.first, let name = first.serviceName else { return nil }
            return Violation(
                .daemonSlot, subject: serviceARN(first.cluster, name),
                "\(tasks.count) tasks of the DAEMON service are PENDING or RUNNING on container instance "
                    + "\(instanceARN(first.cluster, first.containerInstanceId)) "
                    + "(\(tasks.map(taskARN).sorted().joined(separator: ", "))); a daemon has one task per instance.")
        }
    }
}
