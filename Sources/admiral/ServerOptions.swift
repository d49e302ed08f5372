import AdmiralAPI
import AdmiralControlPlane
import AdmiralLoadBalancer
import AdmiralModel
import AdmiralStore
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The options of the control plane, shared by `admiral server` and `admiral dev`.
struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 7700

    @Option(help: "The region clients sign for by default (ARNs use the region of each request).")
    var region: String = "us-east-1"

    @Option(
        help: ArgumentHelp(
            "The availability zones of EC2 subnets and instances, comma-separated (default: the region's a, b, c).",
            valueName: "zones"))
    var availabilityZones: String?

    @OptionGroup(title: "EC2 instances") var instances: InstanceProviderOptions

    @Option(help: "The account id in ARNs.")
    var accountId: String = "000000000000"

    @Option(help: "An AWS shared-credentials file; each [section] is a principal allowed to call the API.")
    var credentials: String?

    @Option(
        help: ArgumentHelp(
            "One address for every load balancer (for example 0.0.0.0); by default each load balancer gets its own "
                + "loopback address from 127.0.1.1 on.",
            valueName: "address"))
    var loadBalancerAddress: String?

    @Option(
        help: """
            The period, in seconds, of the alarms target tracking policies create, and how often a scaling action \
            runs again while its alarm stays in ALARM (AWS: 60; shorter for tests and demos).
            """)
    var scalingPeriod: Int = 60

    @Option(
        help: ArgumentHelp(
            "Serve GET /metrics in Prometheus's text format on 127.0.0.1 at this port (off by default).",
            valueName: "port"))
    var prometheusPort: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Seconds without a poll after which an agent counts as disconnected.")
    var agentDisconnectAfter: Int = 15

    @Option(help: "Seconds an agent may stay disconnected before its tasks are stopped as lost.")
    var instanceLostAfter: Int = 60

    @Option(help: "Seconds stopped tasks stay describable before they are removed.")
    var stoppedTaskRetention: Int = 3600

    @Option(
        help: "Seconds between Admiral's own metric publications and the agents' container statistics (CloudWatch: 60)."
    ) var metricsInterval: Int = 60

    @Option(
        help: "Seconds a service's RUNNING task without health checks waits before it counts as healthy (ECS: 40).")
    var serviceHealthyAfter: Double = 40

    @Option(
        help: """
            Seconds a connection to the API may go without a complete request head or body \
            part: it bounds both a request sent too slowly and an idle keep-alive connection \
            (nginx: 60 for headers, 75 for keep-alive).
            """)
    var connectionIdleTimeout: Int = Int(Server.defaultIdleTimeout.nanoseconds / 1_000_000_000)

    @Option(
        help: """
            Connections the API port holds at once; past it new connections wait in the \
            kernel's backlog until one closes, so one client cannot use up the process's \
            file descriptors.
            """)
    var maxConnections: Int = Server.defaultMaxConnections

    @Option(
        help: ArgumentHelp(
            "Where Swift concurrency runs: 'nio' (the event loops that serve HTTP, with no thread hop between a "
                + "request's I/O and its handler) or 'swift' (Swift's default thread pool).",
            valueName: "executor"))
    var executor: ConcurrencyExecutor = .nio

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard scalingPeriod >= 1 else { throw ValidationError("--scaling-period must be at least 1 second.") }
        if let prometheusPort, !(0...65535).contains(prometheusPort) {
            throw ValidationError("--prometheus-port must be between 0 and 65535.")
        }
        guard (1...3600).contains(connectionIdleTimeout) else {
            throw ValidationError("--connection-idle-timeout must be between 1 and 3600 seconds.")
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw ValidationError("--max-connections must be between 1 and 1000000.")
        }
        guard accountId.count == 12, accountId.allSatisfy(\.isNumber) else {
            throw ValidationError("--account-id must be 12 digits.")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown --log-level \(logLevel).") }
        if let loadBalancerAddress, !TargetRules.isIPv4Address(loadBalancerAddress) {
            throw ValidationError("--load-balancer-address must be an IPv4 address such as 0.0.0.0 or 127.0.0.1.")
        }
        guard serviceHealthyAfter >= 0 else { throw ValidationError("--service-healthy-after must be 0 or more.") }
        guard agentDisconnectAfter > 0, instanceLostAfter > 0, stoppedTaskRetention > 0 else {
            throw ValidationError(
                "--agent-disconnect-after, --instance-lost-after and --stopped-task-retention must be positive.")
        }
        guard metricsInterval >= 1 else { throw ValidationError("--metrics-interval must be at least 1 second.") }
    }

    /// Makes the event loops of `MultiThreadedEventLoopGroup.singleton` (on which
    /// Hummingbird, the load balancer data plane and the HTTP clients run) Swift
    /// concurrency's global executor, unless `--executor swift`. Without it every request
    /// crosses threads twice, from its event loop to the handler's task and back, and on
    /// two cores those switches cost about a quarter of a RegisterTaskDefinition
    /// (docs/BENCHMARKS.md). Safe because nothing in the process blocks a thread in async
    /// code: the store awaits GRDB's own queues, and no `EventLoopFuture.wait()` is used.
    /// Call it once, first thing in a command's `run()`.
    func installExecutor(logger: Logger) {
        guard executor == .nio else { return }
        if NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            logger.info("Swift concurrency runs on SwiftNIO's event loops")
        } else {
            logger.warning("Swift concurrency stays on its default executor: this runtime does not allow another")
        }
    }

    /// File descriptors kept for everything but API connections: the store, Docker, the
    /// load balancer's listeners and their connections, log files.
    static let reservedFileDescriptors = 1024

    /// Raises the soft open-file limit towards the hard one when `--max-connections` and
    /// the reserve need more, and warns when even the hard limit is too low. Call it once,
    /// at start.
    func raiseOpenFileLimit(logger: Logger) {
        let needed = rlim_t(maxConnections + Self.reservedFileDescriptors)
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < needed else { return }
        var raised = limit
        raised.rlim_cur = min(needed, limit.rlim_max)
        if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        if limit.rlim_cur < needed {
            logger.warning(
                "the open-file limit is below --max-connections plus what the server needs besides",
                metadata: [
                    "limit": .stringConvertible(limit.rlim_cur), "max-connections": .stringConvertible(maxConnections),
                ])
        }
    }

    /// The URL instances reach the server at: the listening address, or the loopback
    /// address when the server listens on every address.
    func instanceEndpoint(port: Int) -> String {
        let host = self.host == "0.0.0.0" || self.host == "::" || self.host.isEmpty ? "127.0.0.1" : self.host
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    /// `--availability-zones`, or the region's `a`, `b` and `c`.
    var zones: [String] {
        let named = (availabilityZones ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        return named.isEmpty ? EC2Service.defaultZones(region: region) : named
    }

    var controlPlaneSettings: ControlPlane.Settings {
        var settings = ControlPlane.Settings(
            liveness: .init(disconnectAfter: .seconds(agentDisconnectAfter), lostAfter: .seconds(instanceLostAfter)),
            stoppedTaskRetention: .seconds(stoppedTaskRetention),
            loadBalancerAddressing: loadBalancerAddress.map(LoadBalancerAddressing.shared) ?? .loopbackPerLoadBalancer,
            services: ServiceController.Settings(
                settlingTime: serviceHealthyAfter, names: ECSNames(region: region, accountId: accountId)),
            metricsInterval: .seconds(metricsInterval), scalingPeriod: scalingPeriod)
        settings.availabilityZones = zones
        return settings
    }

    /// The control plane over `store`, with the load balancer data plane whose health
    /// checks it reads, and the long-running services besides the API: the data plane,
    /// the bridge that keeps it configured, and the controllers.
    func makeControlPlane(stores: ServerStores, logger: Logger) -> (ControlPlane, [any Service]) {
        let dataPlane = LoadBalancerDataPlane(logger: logger)
        let (provider, providerService) = instances.makeProvider(
            dataDir: stores.folder, region: region, logger: logger)
        let controlPlane = ControlPlane(
            store: stores.main, metricStore: stores.metrics, scalingStore: stores.scaling,
            settings: controlPlaneSettings,
            targetHealth: DataPlaneTargetHealth(dataPlane: dataPlane), logStore: stores.logs,
            ec2AutoScalingStore: stores.ec2AutoScaling, ec2Store: stores.ec2, instanceProvider: provider)
        let bridge = LoadBalancerBridge(
            controlPlane: controlPlane, dataPlane: dataPlane, region: region, accountId: accountId, logger: logger)
        let loadBalancerMetrics = LoadBalancerMetricsPublisher(
            dataPlane: dataPlane, cloudWatch: controlPlane.cloudWatch, interval: .seconds(metricsInterval),
            logger: logger)
        var services: [any Service] = [dataPlane, bridge, loadBalancerMetrics]
        if let providerService { services.append(providerService) }
        if let prometheusPort {
            let registry = PrometheusEndpoint.bootstrap()
            services.append(
                PrometheusEndpoint.build(
                    registry: registry, controlPlane: controlPlane,
                    address: .hostname("127.0.0.1", port: prometheusPort),
                    logger: logger))
        }
        return (controlPlane, services + controlPlane.controllers(logger: logger))
    }

    /// The principals from `--credentials`, or the key pair kept in `dataDir` (created
    /// on first start), which is then also returned for printing.
    func loadPrincipals(dataDir: String) throws -> ([Principal], Principal?) {
        if let credentials {
            let text = try String(contentsOfFile: credentials, encoding: .utf8)
            do {
                return (try SharedCredentialsFile.parse(text), nil)
            } catch {
                throw ValidationError("\(credentials): \(error)")
            }
        }
        let path = (dataDir as NSString).appendingPathComponent("credentials")
        if FileManager.default.fileExists(atPath: path) {
            let principals = try SharedCredentialsFile.parse(try String(contentsOfFile: path, encoding: .utf8))
            return (principals, principals.first)
        }
        let principal = Principal.generate(name: "admiral")
        let text = SharedCredentialsFile.render([principal])
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw ValidationError("Could not write \(path).")
        }
        return ([principal], principal)
    }

    /// The lines a user pastes into a shell to use the `aws` CLI against the server.
    func exportLines(port: Int, principal: Principal?) -> String {
        var lines = [
            "# Admiral is listening on http://\(host):\(port)",
            "# Its web console: http://\(host):\(port)/console/ (sign in with a key pair of its principals)",
        ]
        if let principal {
            lines.append("export AWS_ACCESS_KEY_ID=\(principal.accessKeyId)")
            lines.append("export AWS_SECRET_ACCESS_KEY=\(principal.secretAccessKey)")
        }
        lines.append("export AWS_DEFAULT_REGION=\(region)")
        lines.append("export AWS_ENDPOINT_URL=http://\(host):\(port)")
        // Version 2 of the aws CLI pages its answers through `less` unless told not to.
        lines.append("export AWS_PAGER=")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The executor of Swift concurrency in a process that serves the API (`--executor`).
enum ConcurrencyExecutor: String, ExpressibleByArgument, CaseIterable {
    /// SwiftNIO's event loops.
    case nio
    /// Swift's default global executor.
    case swift
}
