import AdmiralModel
import Foundation

extension InvariantChecker {
    /// What a stored ARN must name.
    enum ARNKind: String {
        case taskDefinition = "task definition"
        case targetGroup = "target group"
        /// Any ARN: one of the services Admiral serves must have its own shape, others
        /// the general `arn:partition:service:region:account:resource`.
        case any = "resource"
    }

    /// The keys (compared in lower case) under which the side databases and load
    /// balancer rules keep ARNs: strings or lists of strings.
    static let arnKeys: Set<String> = [
        "alarmarn", "policyarn", "alarmactions", "okactions", "insufficientdataactions", "targetgrouparn",
    ]

    /// Every ARN the store keeps parses as the ARN of its kind: services' task
    /// definitions and target groups, deployments' task definitions, tasks' targets, the
    /// load balancing records' ids (so that their rendered ARNs parse) and the target
    /// groups their rules forward to, alarms' ARNs and actions, scaling policies' ARNs
    /// and alarms.
    func checkARNs(_ snapshot: StateSnapshot) -> [Violation] {
        var violations: [Violation] = []
        func require(_ text: String?, _ kind: ARNKind, subject: String, field: String) {
            guard let text, let problem = Self.arnProblem(text, kind: kind) else { return }
            violations.append(Violation(.arn, subject: subject, "\(field) '\(text)' \(problem)."))
        }
        for service in snapshot.services {
            let arn = serviceARN(service.cluster, service.name)
            require(service.service.taskDefinition, .taskDefinition, subject: arn, field: "taskDefinition")
            for deployment in service.service.deployments ?? [] {
                require(
                    deployment.taskDefinition, .taskDefinition, subject: arn,
                    field: "deployment \(deployment.id ?? "?") taskDefinition")
            }
            for balancer in service.service.loadBalancers ?? [] {
                require(balancer.targetGroupArn, .targetGroup, subject: arn, field: "loadBalancers targetGroupArn")
            }
        }
        for task in snapshot.tasks {
            for target in task.loadBalancerTargets ?? [] {
                require(target.targetGroupArn, .targetGroup, subject: taskARN(task), field: "target's targetGroupArn")
            }
        }
        let state = snapshot.loadBalancing
        for balancer in state.loadBalancers.values.sorted(by: { $0.id < $1.id }) {
            let arn = elbNames.loadBalancerARN(name: balancer.name, id: balancer.id)
            require(arn, .any, subject: arn, field: "the load balancer's ARN")
        }
        for group in state.targetGroups.values.sorted(by: { $0.id < $1.id }) {
            let arn = elbNames.targetGroupARN(name: group.name, id: group.id)
            require(arn, .targetGroup, subject: arn, field: "the target group's ARN")
        }
        for listener in state.listeners.values.sorted(by: { $0.id < $1.id }) {
            let balancer = state.loadBalancers[listener.loadBalancerId]
            let arn = elbNames.listenerARN(
                loadBalancerName: balancer?.name ?? "?", loadBalancerId: listener.loadBalancerId, id: listener.id)
            require(arn, .any, subject: arn, field: "the listener's ARN")
        }
        for rule in state.rules.values.sorted(by: { $0.id < $1.id }) {
            let listener = state.listeners[rule.listenerId]
            let balancer = listener.flatMap { state.loadBalancers[$0.loadBalancerId] }
            let arn = elbNames.ruleARN(
                loadBalancerName: balancer?.name ?? "?", loadBalancerId: listener?.loadBalancerId ?? "?",
                listenerId: rule.listenerId, id: rule.id)
            require(arn, .any, subject: arn, field: "the rule's ARN")
            if let actions = try? JSONEncoder().encode(rule.actions) {
                for (field, text) in Self.storedARNs(in: actions) {
                    require(text, .targetGroup, subject: arn, field: "action \(field)")
                }
            }
        }
        for object in snapshot.alarms + snapshot.scalingObjects {
            for (field, text) in Self.storedARNs(in: object.body) {
                require(text, .any, subject: object.subject, field: "\(object.name) \(field)")
            }
        }
        return violations
    }

    /// The strings stored under ``arnKeys`` anywhere in a JSON document, with their key.
    static func storedARNs(in json: Data) -> [(field: String, text: String)] {
        guard let value = try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed]) else {
            return []
        }
        var found: [(field: String, text: String)] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                    if arnKeys.contains(key.lowercased()) {
                        if let text = member as? String { found.append((key, text)) }
                        for case let text as String in member as? [Any] ?? [] { found.append((key, text)) }
                    }
                    walk(member)
                }
            } else if let array = value as? [Any] {
                for element in array { walk(element) }
            }
        }
        walk(value)
        return found
    }

    /// Why `text` is not an ARN of `kind`; nil when it is one.
    static func arnProblem(_ text: String, kind: ARNKind) -> String? {
        guard let arn = ARN(text), arn.partition.hasPrefix("aws") else {
            return "is not an ARN (arn:aws:<service>:<region>:<account>:<resource>)"
        }
        switch kind {
        case .taskDefinition:
            guard arn.service == "ecs", TaskDefinitionReference(parsing: text)?.revision != nil else {
                return
                    "is not a task definition ARN (arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>)"
            }
            return nil
        case .targetGroup:
            guard case .targetGroup? = ELBv2Resource(arn: text) else {
                return "is not a target group ARN (\(ELBv2Resource.Kind.targetGroup.arnShape))"
            }
            return nil
        case .any:
            return serviceProblem(arn, text: text)
        }
    }

    /// The shape rules of the services Admiral serves.
    static func serviceProblem(_ arn: ARN, text: String) -> String? {
        let regional = !arn.region.isEmpty && !arn.accountId.isEmpty
        switch arn.service {
        case "ecs":
            guard regional, let (type, id) = arn.resourceTypeAndId, !id.isEmpty else {
                return "is not an ECS ARN (arn:aws:ecs:<region>:<account>:<type>/<id>)"
            }
            switch type {
            case "cluster" where !id.contains("/"): return nil
            case "task-definition" where TaskDefinitionReference(parsing: text)?.revision != nil: return nil
            case "task", "container-instance", "service":
                return ClusterScopedReference(parsing: text, type: type) == nil
                    ? "is not an ECS \(type) ARN (arn:aws:ecs:<region>:<account>:\(type)/<cluster>/<id>)" : nil
            case "container", "capacity-provider", "task-set": return nil
            default: return "names no ECS resource type Admiral knows ('\(type)')"
            }
        case ELBv2.signingName:
            return ELBv2Resource(arn: text) == nil
                ? "is not an application load balancer, target group, listener or rule ARN" : nil
        case "cloudwatch":
            guard regional, arn.resource.hasPrefix("alarm:"), arn.resource.count > "alarm:".count else {
                return "is not a CloudWatch alarm ARN (arn:aws:cloudwatch:<region>:<account>:alarm:<name>)"
            }
            return nil
        case "autoscaling":
            let parts = arn.resource.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard regional, parts.count == 4, parts[0] == "scalingPolicy", !parts[1].isEmpty,
                parts[2].hasPrefix("resource/") || parts[2].hasPrefix("autoScalingGroupName/"),
                parts[3].hasPrefix("policyName/"), parts[3].count > "policyName/".count
            else {
                return "is not a scaling policy ARN (arn:aws:autoscaling:<region>:<account>:scalingPolicy:<id>:"
                    + "resource/<namespace>/<resource id>:policyName/<name>)"
            }
            return nil
        default:
            return nil
        }
    }
}
