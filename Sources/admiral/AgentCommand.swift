import AdmiralAgent
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `admiral agent`: the container agent of one host (or, with the simulated runtime,
/// of many simulated hosts).
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run the container agent: register this host in a cluster and run its tasks through Docker Engine."
    )

    @Option(help: "The control plane's endpoint (default: $AWS_ENDPOINT_URL_ECS, $AWS_ENDPOINT_URL).")
    var endpoint: String?

    @Option(help: "The cluster to join (default: ECS_CLUSTER, or default).")
    var cluster: String?

    @Option(help: "Folder for the agent's state; it keeps the container instance ARN across restarts.")
    var dataDir: String

    @Option(help: "The region to sign for (default: $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1).")
    var region: String?

    @Option(help: "A profile of the shared credentials file (default: the environment's keys, or [default]).")
    var profile: String?

    @Option(help: "With --runtime simulated: how many simulated instances to run in this process.")
    var count: Int = 1

    @Flag(
        name: .customLong("simulated-http"),
        help: ArgumentHelp(
            "With --runtime simulated: running tasks answer HTTP 200 on their TCP host ports (free ports for "
                + "dynamic ones), so load balancers and their health checks reach them."))
    var simulatedHTTP = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(
        help: ArgumentHelp(
            "Seconds between measurements of the tasks' CPU and memory, reported for CloudWatch "
                + "(default: ECS_ADMIRAL_METRICS_INTERVAL, or 60).",
            valueName: "seconds"))
    var metricsInterval: Int?

    @OptionGroup var agent: AgentOptions

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be at least 1.") }
        if simulatedHTTP, agent.runtime != "simulated" {
            throw ValidationError("--simulated-http goes with --runtime simulated.")
        }
        if let metricsInterval, metricsInterval < 1 {
            throw ValidationError("--metrics-interval must be at least 1 second.")
        }
        if count > 1, agent.runtime != "simulated" {
            throw ValidationError("--count above 1 needs --runtime simulated: one Docker host is one instance.")
        }
    }

    func run() async throws {
        let logger = bootstrapLogging(level: logLevel)
        let environment = ProcessInfo.processInfo.environment
        guard
            let text = endpoint ?? environment["AWS_ENDPOINT_URL_ECS"] ?? environment["AWS_ENDPOINT_URL"]
                ?? environment["ECS_BACKEND_HOST"],
            let url = URL(string: text), url.scheme == "http" || url.scheme == "https"
        else {
            throw ValidationError("Give the control plane's endpoint with --endpoint http://HOST:PORT.")
        }
        let credentials = try ClientCredentials.resolve(profile: profile, environment: environment)
        let region = region ?? environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        // Every configuration and runtime first: a setting that is wrong must fail before
        // the HTTP client exists, which has to be shut down once created.
        var agents: [(AgentConfiguration, any ContainerRuntime)] = []
        for index in 0..<count {
            let dataDir =
                count == 1 ? self.dataDir : (self.dataDir as NSString).appendingPathComponent("instance-\(index)")
            var configuration = try agent.configuration(
                endpoint: url, cluster: cluster, dataDir: dataDir, credentials: credentials, region: region,
                environment: environment, zoneIndex: index)
            if let metricsInterval { configuration.metricsInterval = .seconds(metricsInterval) }
            let runtime: any ContainerRuntime =
                configuration.runtime == .simulated
                ? SimulatedRuntime(
                    cpus: max(1, (configuration.cpu ?? 4096) / 1024), memoryMiB: configuration.memory ?? 8192,
                    serveHTTP: simulatedHTTP)
                : try DockerRuntime(host: configuration.dockerHost, logger: logger)
            agents.append((configuration, runtime))
        }
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: Self.httpConfiguration(connections: count * 2 + 16))
        let services: [any Service] = agents.map { configuration, runtime in
            Agent(configuration: configuration, runtime: runtime, httpClient: httpClient, logger: logger)
        }
        if agent.runtime == "simulated" {
            logger.notice("simulated runtime: tasks run without containers", metadata: ["instances": "\(count)"])
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try await httpClient.shutdown()
    }

    /// An HTTP client that keeps one connection per long poll besides the reports.
    static func httpConfiguration(connections: Int) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        return configuration
    }
}
