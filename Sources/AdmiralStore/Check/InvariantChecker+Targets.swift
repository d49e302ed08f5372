import AdmiralModel
import Foundation

extension InvariantChecker {
    /// Every target in a target group that a service names is one of the service's tasks
    /// that is not STOPPED: the task recorded registering it, or the task's container
    /// publishes that port on that instance (the scheduler registers RUNNING tasks, and
    /// takes a task's targets out before it stops). Every stored target's group exists.
    func checkTargets(_ snapshot: StateSnapshot) -> [Violation] {
        var violations: [Violation] = []
        let groups = snapshot.loadBalancing.targetGroups
        let instances = Dictionary(
            snapshot.instances.map { ("\($0.cluster)/\($0.id)", $0) }, uniquingKeysWith: { first, _ in first })
        // The services behind each target group, with the load balancer entry naming it.
        var users: [String: [(service: ServiceRecord, balancer: ECS.LoadBalancer)]] = [:]
        for service in snapshot.services {
            for balancer in service.service.loadBalancers ?? [] {
                guard let arn = balancer.targetGroupArn, case .targetGroup(_, let id)? = ELBv2Resource(arn: arn)
                else { continue }
                users[id, default: []].append((service, balancer))
            }
        }
        var liveByService: [String: [TaskRecord]] = [:]
        for task in snapshot.liveTasks {
            guard let name = task.serviceName else { continue }
            liveByService["\(task.cluster)/\(name)", default: []].append(task)
        }
        for (key, target) in snapshot.loadBalancing.targets.sorted(by: { $0.key < $1.key }) {
            guard let group = groups[key.targetGroupId] else {
                violations.append(
                    Violation(
                        .danglingReference, subject: "targetgroup-id/\(key.targetGroupId)",
                        "Target \(key.id):\(key.port) is stored for target group id \(key.targetGroupId), which is "
                            + "not stored."))
                continue
            }
            guard let owners = users[key.targetGroupId], !owners.isEmpty else { continue }
            let owned = owners.contains { owner in
                let tasks = liveByService["\(owner.service.cluster)/\(owner.service.name)"] ?? []
                return tasks.contains { task in
                    let remembered = (task.loadBalancerTargets ?? []).contains { remembered in
                        remembered.id == key.id && remembered.port == key.port
                            && ELBv2Resource(arn: remembered.targetGroupArn)?.id == key.targetGroupId
                    }
                    return remembered
                        || Self.target(
                            of: task, balancer: owner.balancer, targetType: group.settings.targetType,
                            instance: instances["\(task.cluster)/\(task.containerInstanceId)"]) == key
                }
            }
            guard !owned else { continue }
            let groupARN = elbNames.targetGroupARN(name: group.name, id: group.id)
            let services = owners.map { serviceARN($0.service.cluster, $0.service.name) }
            let registered = ISO8601DateFormatter().string(from: target.registeredAt)
            violations.append(
                Violation(
                    .strayTarget, subject: groupARN,
                    "Target \(key.id):\(key.port) (registered \(registered)) is in the target group of service "
                        + "\(services.joined(separator: ", ")) but is no task of it that is not STOPPED; the load "
                        + "balancer keeps routing requests to it. Deregister it: aws elbv2 deregister-targets "
                        + "--target-group-arn \(groupARN) --targets Id=\(key.id),Port=\(key.port)"))
        }
        return violations
    }

    /// The target a task is in a target group, as the service scheduler registers it: its
    /// instance (or the instance's address) and the host port the balanced container port
    /// is published on.
    static func target(
        of task: TaskRecord, balancer: ECS.LoadBalancer, targetType: ELBv2.TargetTypeEnum,
        instance: ContainerInstanceRecord?
    ) -> TargetKey? {
        guard let instance, let groupArn = balancer.targetGroupArn,
            case .targetGroup(_, let groupId)? = ELBv2Resource(arn: groupArn),
            let container = task.task.containers?.first(where: { $0.name == balancer.containerName }),
            let binding = container.networkBindings?.first(where: { $0.containerPort == balancer.containerPort }),
            let port = binding.hostPort
        else { return nil }
        let id = targetType == .ip ? instance.privateIpAddress ?? "127.0.0.1" : instance.ec2InstanceId
        return TargetKey(targetGroupId: groupId, id: id, port: port)
    }
}
