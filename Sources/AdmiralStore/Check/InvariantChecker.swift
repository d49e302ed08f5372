import AdmiralModel
import Foundation

/// The invariants of the stored state, as pure functions of a ``StateSnapshot``: what
/// `admiral check` verifies. Each returns its violations, naming objects by ARN in the
/// region and account the checker is given (the store keeps names and ids; ARNs are
/// rendered with the request's region).
///
/// The rules hold at every commit, whatever the controllers have still to do, so a check
/// of a running server's database reports nothing on a healthy system: they are
/// bookkeeping that the store keeps in the same transaction as the change (usage), rules
/// the controllers never break even half-way (one PRIMARY deployment, a task counted by a
/// live deployment, one daemon task per instance), and shapes (revisions, ARNs).
public struct InvariantChecker: Sendable {
    /// Names ECS objects.
    public var names: ECSNames
    /// Names load balancing objects.
    public var elbNames: ELBv2Names

    /// Creates a checker that names objects in `region` and `accountId`.
    public init(region: String, accountId: String) {
        names = ECSNames(region: region, accountId: accountId)
        elbNames = ELBv2Names(region: region, accountId: accountId)
    }

    /// Every broken invariant of the stored state, in a stable order.
    public func check(_ snapshot: StateSnapshot) -> [Violation] {
        var violations = snapshot.unreadable
        violations += checkReferences(snapshot)
        violations += checkUsage(snapshot)
        violations += checkDeployments(snapshot)
        violations += checkDaemonSlots(snapshot)
        violations += checkTargets(snapshot)
        violations += checkRevisions(snapshot)
        violations += checkARNs(snapshot)
        return violations
    }

    // MARK: Naming

    func instanceARN(_ cluster: String, _ id: String) -> String {
        names.containerInstanceARN(cluster: cluster, id: id)
    }

    func taskARN(_ task: TaskRecord) -> String { names.taskARN(cluster: task.cluster, id: task.id) }

    func serviceARN(_ cluster: String, _ name: String) -> String { names.serviceARN(cluster: cluster, name: name) }

    // MARK: References

    /// Every task's cluster, container instance and task definition exist; every
    /// instance's and service's cluster exists.
    func checkReferences(_ snapshot: StateSnapshot) -> [Violation] {
        var violations: [Violation] = []
        let clusters = Set(snapshot.clusters.map(\.name))
        let instances = Set(snapshot.instances.map { "\($0.cluster)/\($0.id)" })
        let definitions = Set(snapshot.taskDefinitions.map { "\($0.family):\($0.revision)" })
        for instance in snapshot.instances where !clusters.contains(instance.cluster) {
            violations.append(
                Violation(
                    .danglingReference, subject: instanceARN(instance.cluster, instance.id),
                    "The container instance belongs to cluster '\(instance.cluster)', which is not stored."))
        }
        for service in snapshot.services where !clusters.contains(service.cluster) {
            violations.append(
                Violation(
                    .danglingReference, subject: serviceARN(service.cluster, service.name),
                    "The service belongs to cluster '\(service.cluster)', which is not stored."))
        }
        for task in snapshot.tasks {
            if !clusters.contains(task.cluster) {
                violations.append(
                    Violation(
                        .danglingReference, subject: taskARN(task),
                        "The task belongs to cluster '\(task.cluster)', which is not stored."))
            }
            if !task.isPlaced {
                // Waiting in PROVISIONING for capacity holds nothing anywhere; any later
                // status needs an instance.
                if task.lastStatus != .provisioning && task.lastStatus != .stopped {
                    violations.append(
                        Violation(
                            .danglingReference, subject: taskARN(task),
                            "The task is \(task.lastStatus.rawValue) but on no container instance: only a task "
                                + "waiting in PROVISIONING (or STOPPED while waiting) has none, and no agent will "
                                + "run or stop this one."))
                }
            } else if !instances.contains("\(task.cluster)/\(task.containerInstanceId)") {
                violations.append(
                    Violation(
                        .danglingReference, subject: taskARN(task),
                        "The task (\(task.lastStatus.rawValue)) was placed on container instance "
                            + "\(instanceARN(task.cluster, task.containerInstanceId)), which is not stored: no agent "
                            + "will run or stop it, and its reservation is held nowhere."))
            }
            if !definitions.contains("\(task.family):\(task.revision)") {
                violations.append(
                    Violation(
                        .danglingReference, subject: taskARN(task),
                        "The task runs task definition \(task.family):\(task.revision), which is not stored."))
            }
        }
        return violations
    }
}
