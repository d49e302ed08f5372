import Foundation

extension ClusterQuery {
    /// Whether a container instance satisfies the expression.
    public func matches(_ instance: InstanceSnapshot) -> Bool {
        Self.evaluate(root, instance)
    }

    private static func evaluate(_ node: Node, _ instance: InstanceSnapshot) -> Bool {
        switch node {
        case .and(let left, let right): return evaluate(left, instance) && evaluate(right, instance)
        case .or(let left, let right): return evaluate(left, instance) || evaluate(right, instance)
        case .not(let inner): return !evaluate(inner, instance)
        case .comparison(let comparison): return evaluate(comparison, instance)
        }
    }

    private static func evaluate(_ comparison: Comparison, _ instance: InstanceSnapshot) -> Bool {
        switch comparison.subject {
        case .attribute(let name):
            guard let present = instance.attributes[name] else { return comparison.op == .notExists }
            switch comparison.op {
            case .exists: return true
            case .notExists: return false
            default: return compareString(present ?? "", comparison)
            }
        case .ec2InstanceId:
            return compareString(instance.ec2InstanceId, comparison)
        case .agentConnected:
            return compareString(instance.agentConnected ? "true" : "false", comparison)
        case .taskGroup:
            return evaluateGroups(instance, comparison)
        case .registeredAt:
            guard case .date(let date) = comparison.argument else { return false }
            let order = instance.registeredAt == date ? 0 : (instance.registeredAt < date ? -1 : 1)
            return ordered(order, comparison.op)
        case .runningTasksCount:
            guard case .integer(let count) = comparison.argument else { return false }
            let value = instance.runningTasksCount
            return ordered(value == count ? 0 : (value < count ? -1 : 1), comparison.op)
        case .agentVersion:
            guard case .version(let version) = comparison.argument,
                let own = ClusterQueryValues.version(instance.agentVersion)
            else { return false }
            return ordered(ClusterQueryValues.compare(own, version), comparison.op)
        }
    }

    private static func ordered(_ order: Int, _ op: Operator) -> Bool {
        switch op {
        case .equals: return order == 0
        case .notEquals: return order != 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        default: return false
        }
    }

    private static func compareString(_ value: String, _ comparison: Comparison) -> Bool {
        switch comparison.argument {
        case .literals(let literals):
            switch comparison.op {
            case .equals, .isIn: return literals.contains { ClusterQueryValues.matches(value, $0) }
            case .notEquals, .notIn: return !literals.contains { ClusterQueryValues.matches(value, $0) }
            default:
                guard let literal = literals.first else { return false }
                return ordered(ClusterQueryValues.compare(value, literal.text), comparison.op)
            }
        case .pattern(let regex):
            let range = NSRange(value.startIndex..<value.endIndex, in: value)
            let matched = regex.firstMatch(in: value, options: [], range: range) != nil
            return comparison.op == .matches ? matched : !matched
        default:
            return false
        }
    }

    /// `task:group` is many-valued: `==`, `in` and `=~` hold when some task's group matches;
    /// `!=`, `not in` and `!~` hold when none does; `exists` when the instance runs any task.
    private static func evaluateGroups(_ instance: InstanceSnapshot, _ comparison: Comparison) -> Bool {
        let groups = instance.taskGroups.keys
        switch comparison.op {
        case .exists: return !instance.taskGroups.isEmpty
        case .notExists: return instance.taskGroups.isEmpty
        case .notEquals, .notIn, .notMatches:
            var positive = comparison
            positive.op = comparison.op == .notMatches ? .matches : .equals
            return !groups.contains { compareString($0, positive) }
        default:
            var positive = comparison
            if positive.op == .isIn { positive.op = .equals }
            return groups.contains { compareString($0, positive) }
        }
    }
}
