import Logging
import NIOCore

@testable import AdmiralLoadBalancer

/// Parses a request head written as text (with `\r\n` line ends).
func requestHead(_ text: String) throws -> HTTPHead {
    try HTTPHeadParser.parseRequest(ByteBuffer(string: text))
}

/// The facts rules see for a GET with these extra header lines.
func facts(
    _ target: String, method: String = "GET", host: String? = "example.com", headers: [String] = [],
    source: String = "10.0.0.1"
) throws -> RequestFacts {
    var text = "\(method) \(target) HTTP/1.1\r\n"
    if let host { text += "Host: \(host)\r\n" }
    for header in headers { text += header + "\r\n" }
    text += "\r\n"
    return RequestFacts(head: try requestHead(text), sourceAddress: try SocketAddress(ipAddress: source, port: 40000))
}

func matches(_ condition: RuleCondition, _ facts: RequestFacts) throws -> Bool {
    try CompiledCondition(condition, rule: "test").matches(facts)
}

enum IDs {
    static let loadBalancer = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/test/1"
    static let listener = "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/test/1/1"
    static func group(_ name: String) -> String {
        "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/\(name)/1"
    }
}

/// Health checks fast enough for tests: every 100 ms, healthy after 2 passes. The timeout
/// is generous (and longer than the interval, which ALB would refuse) so that a busy
/// machine does not make targets flap.
let fastHealthCheck = HealthCheckSettings(
    path: "/health", interval: .milliseconds(100), timeout: .seconds(3), healthyThreshold: 2,
    unhealthyThreshold: 2)

func target(_ backend: TestBackend) -> TargetConfiguration {
    TargetConfiguration(id: backend.name, host: "127.0.0.1", port: backend.port)
}

/// One load balancer, one listener on a free port of 127.0.0.1, forwarding by default to
/// group "web" with these targets.
func simpleConfiguration(
    targets: [TargetConfiguration], healthCheck: HealthCheckSettings = fastHealthCheck,
    attributes: TargetGroupAttributes = TargetGroupAttributes(deregistrationDelay: .seconds(1)),
    idleTimeout: Duration = .seconds(60), rules: [ListenerRule] = [], defaultAction: RuleAction? = nil,
    extraGroups: [TargetGroupConfiguration] = []
) -> DataPlaneConfiguration {
    DataPlaneConfiguration(
        loadBalancers: [LoadBalancerConfiguration(id: IDs.loadBalancer, idleTimeout: idleTimeout)],
        listeners: [
            ListenerConfiguration(
                id: IDs.listener, loadBalancerID: IDs.loadBalancer, address: "127.0.0.1", port: 0, rules: rules,
                defaultAction: defaultAction ?? .forward(to: IDs.group("web")))
        ],
        targetGroups: [
            TargetGroupConfiguration(
                id: IDs.group("web"), port: 80, healthCheck: healthCheck, attributes: attributes, targets: targets)
        ] + extraGroups)
}

extension LoadBalancerDataPlane {
    /// The port the test listener got.
    func port(of listenerID: String = IDs.listener) -> Int {
        localAddress(ofListener: listenerID)?.port ?? 0
    }

    /// Waits until every target of the group is in `state`.
    func waitUntil(group: String, all state: TargetHealthState, timeout: Duration = .seconds(10)) async -> Bool {
        await eventually(timeout: timeout) {
            guard let health = self.targetHealth(targetGroupID: group), !health.isEmpty else { return false }
            return health.allSatisfy { $0.health.state == state }
        }
    }

    func health(of backend: TestBackend, in group: String = IDs.group("web")) -> TargetHealth? {
        targetHealth(targetGroupID: group)?.first { $0.target.id == backend.name }?.health
    }
}

/// A logger that keeps test output to warnings and errors.
let quietLogger: Logger = {
    var logger = Logger(label: "admiral.loadbalancer.tests")
    logger.logLevel = .warning
    return logger
}()
