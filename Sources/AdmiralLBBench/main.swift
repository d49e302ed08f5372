// A small harness for benchmarks/lb/run.sh: one load balancer, one listener forwarding to
// one target group with the given targets, served by the data plane on ONE event loop
// thread (or --threads N). Runs until SIGINT or SIGTERM.
//
//   AdmiralLBBench --listen 127.0.0.1:8080 --target 127.0.0.1:9000 [--target ...] [--threads 1]

import AdmiralLoadBalancer
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals

func parseEndpoint(_ text: String) -> (host: String, port: Int)? {
    guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else { return nil }
    return (String(text[..<colon]), port)
}

func usage() -> Never {
    print("usage: AdmiralLBBench --listen HOST:PORT --target HOST:PORT [--target HOST:PORT ...] [--threads N]")
    exit(2)
}

var listen: (host: String, port: Int)?
var targets: [(host: String, port: Int)] = []
var threads = 1
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--listen":
        guard let value = arguments.popFirst(), let endpoint = parseEndpoint(value) else { usage() }
        listen = endpoint
    case "--target":
        guard let value = arguments.popFirst(), let endpoint = parseEndpoint(value) else { usage() }
        targets.append(endpoint)
    case "--threads":
        guard let value = arguments.popFirst(), let count = Int(value), count > 0 else { usage() }
        threads = count
    default:
        usage()
    }
}
guard let listen, !targets.isEmpty else { usage() }

var logger = Logger(label: "admiral.lb-bench")
logger.logLevel = .info
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let dataPlane = LoadBalancerDataPlane(eventLoopGroup: group, logger: logger)
let lbID = "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/bench/0123456789abcdef"
let tgID = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/bench/0123456789abcdef"
let configuration = DataPlaneConfiguration(
    loadBalancers: [LoadBalancerConfiguration(id: lbID)],
    listeners: [
        ListenerConfiguration(
            id: "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/bench/0123456789abcdef/1",
            loadBalancerID: lbID, address: listen.host, port: listen.port, defaultAction: .forward(to: tgID))
    ],
    targetGroups: [
        TargetGroupConfiguration(
            id: tgID, port: targets[0].port,
            healthCheck: HealthCheckSettings(interval: .seconds(5), timeout: .seconds(2), healthyThreshold: 2),
            targets: targets.enumerated().map { index, target in
                TargetConfiguration(id: "target-\(index)", host: target.host, port: target.port)
            })
    ])
do {
    try await dataPlane.apply(configuration)
} catch {
    print("AdmiralLBBench: \(error)")
    exit(1)
}
print("AdmiralLBBench: listening on \(listen.host):\(listen.port) with \(threads) event loop thread(s)")
let serviceGroup = ServiceGroup(
    configuration: ServiceGroupConfiguration(
        services: [.init(service: dataPlane)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
try await serviceGroup.run()
try await group.shutdownGracefully()
