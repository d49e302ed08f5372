import NIOCore
import NIOHTTP1

/// A listener's rules compiled for the request path: immutable, swapped whole by
/// ``LoadBalancerDataPlane/apply(_:)`` so that a request sees either the old rules or the new.
final class RoutingTable: Sendable {
    struct Rule: Sendable {
        let id: String
        let priority: Int
        let conditions: [CompiledCondition]
        let action: Action
    }

    /// A compiled action.
    enum Action: Sendable {
        case forward(ForwardPlan)
        case fixed(LocalResponse)
        case redirect(RedirectBuilder)
    }

    let listenerID: String
    let port: Int
    let portString: String
    let loadBalancer: LoadBalancerRuntime
    let idleTimeout: TimeAmount
    /// Sorted by priority.
    let rules: [Rule]
    let defaultAction: Action

    init(
        listenerID: String, port: Int, loadBalancer: LoadBalancerRuntime, idleTimeout: TimeAmount,
        rules: [Rule], defaultAction: Action
    ) {
        self.listenerID = listenerID
        self.port = port
        self.portString = String(port)
        self.loadBalancer = loadBalancer
        self.idleTimeout = idleTimeout
        self.rules = rules.sorted { $0.priority < $1.priority }
        self.defaultAction = defaultAction
    }

    /// The action for a request: the first rule (by priority) whose conditions all match,
    /// else the default action.
    func action(for facts: RequestFacts) -> Action {
        if rules.isEmpty { return defaultAction }
        for rule in rules where rule.conditions.allSatisfy({ $0.matches(facts) }) {
            return rule.action
        }
        return defaultAction
    }
}

/// A load balancer's shared runtime: its counters.
final class LoadBalancerRuntime: Sendable {
    let id: String
    let counters = LoadBalancerCounters()

    init(id: String) {
        self.id = id
    }
}

/// A compiled forward action: the target groups and how to choose among them.
final class ForwardPlan: Sendable {
    let groups: [TargetGroupRuntime]
    let weights: [Int]
    private let totalWeight: Int
    /// Target-group stickiness (`AWSALBTG`), when on and there is more than one group.
    let stickiness: Duration?
    private let sequence = Counter()

    init(groups: [(TargetGroupRuntime, Int)], stickiness: Duration?) {
        self.groups = groups.map(\.0)
        self.weights = groups.map { max(0, $0.1) }
        self.totalWeight = weights.reduce(0, +)
        self.stickiness = groups.count > 1 ? stickiness : nil
    }

    /// The group for a request: the one the `AWSALBTG` cookie names when stickiness is on
    /// and that group still has weight, else by weight (an interleaved weighted rotation).
    func chooseGroup(request: HTTPHead) -> TargetGroupRuntime? {
        if groups.count == 1 { return groups[0] }
        guard totalWeight > 0 else { return nil }
        if stickiness != nil, let value = request.cookie(named: StickyCookie.targetGroupCookie),
            let index = groups.firstIndex(where: { $0.stickyToken == value }), weights[index] > 0
        {
            return groups[index]
        }
        let position = (sequence.addAndFetch() & Int.max) % totalWeight
        var cumulative = 0
        for (index, weight) in weights.enumerated() {
            cumulative += weight
            if position < cumulative { return groups[index] }
        }
        return groups[groups.count - 1]
    }
}
