import AdmiralAPI
import AdmiralAgent
import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `admiral dev`: everything on one machine in one process: the control plane with its
/// SQLite store and one agent on the local Docker daemon, joined to the `default`
/// cluster.
struct DevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev",
        abstract: "Run Admiral on this machine: the control plane and an agent on the local Docker daemon."
    )

    @Option(help: "Folder for the database, the credentials and the agent's state (created when missing).")
    var dataDir: String = "admiral-data"

    @Option(help: "The cluster the agent joins (created when missing).")
    var cluster: String = "default"

    @OptionGroup var options: ServerOptions
    @OptionGroup var agent: AgentOptions

    func run() async throws {
        let logger = bootstrapLogging(level: options.logLevel)
        options.installExecutor(logger: logger)
        options.raiseOpenFileLimit(logger: logger)
        let serverDir = (dataDir as NSString).appendingPathComponent("server")
        let agentDir = (dataDir as NSString).appendingPathComponent("agent")
        try FileManager.default.createDirectory(atPath: serverDir, withIntermediateDirectories: true)
        let (principals, generated) = try options.loadPrincipals(dataDir: serverDir)
        guard let principal = principals.first else {
            throw ValidationError("The credentials name no principal for the agent to use.")
        }
        let stores = try ServerStores(folder: serverDir)
        // Instances run their tasks on the same Docker daemon as the host's own agent.
        var devOptions = self.options
        devOptions.instances.instanceDockerHost = devOptions.instances.instanceDockerHost ?? agent.dockerHost
        let options = devOptions
        let (controlPlane, background) = options.makeControlPlane(stores: stores, logger: logger)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = buildServer(
            configuration: APIConfiguration(accountId: options.accountId, principals: principals),
            controlPlane: controlPlane,
            address: .hostname(options.host, port: options.port),
            idleTimeout: .seconds(Int64(options.connectionIdleTimeout)),
            maxConnections: options.maxConnections,
            logger: logger,
            onServerRunning: { port in
                controlPlane.serverEndpoint.set(options.instanceEndpoint(port: port))
                FileHandle.standardOutput.write(Data(options.exportLines(port: port, principal: generated).utf8))
                portContinuation.yield(port)
                portContinuation.finish()
            })
        let environment = ProcessInfo.processInfo.environment
        let agentOptions = agent
        let cluster = cluster
        let host = options.host == "0.0.0.0" ? "127.0.0.1" : options.host
        let httpClient = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: AgentCommand.httpConfiguration(connections: 32))
        let embeddedAgent = EmbeddedAgent(logger: logger) { () async throws -> Agent? in
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), let endpoint = URL(string: "http://\(host):\(port)") else {
                return nil
            }
            _ = try await controlPlane.clusters.createCluster(
                ECS.CreateClusterRequest(clusterName: cluster),
                context: RequestContext(
                    names: ECSNames(region: options.region, accountId: options.accountId),
                    principalARN: "arn:aws:iam::\(options.accountId):user/\(principal.name)"))
            var configuration = try agentOptions.configuration(
                endpoint: endpoint, cluster: cluster, dataDir: agentDir,
                credentials: (principal.accessKeyId, principal.secretAccessKey, nil), region: options.region,
                environment: environment)
            // The agent measures at the server's metrics interval, so each publication has fresh figures.
            configuration.metricsInterval = .seconds(options.metricsInterval)
            let runtime: any ContainerRuntime =
                configuration.runtime == .simulated
                ? SimulatedRuntime() : try DockerRuntime(host: configuration.dockerHost, logger: logger)
            return Agent(configuration: configuration, runtime: runtime, httpClient: httpClient, logger: logger)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: app), .init(service: embeddedAgent, successTerminationBehavior: .ignore),
                ] + background.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            // The client must be shut down before it goes away, also when the agent's
            // configuration is refused.
            try? await httpClient.shutdown()
            throw error
        }
        try await httpClient.shutdown()
        try stores.close()
        logger.info("admiral dev stopped")
    }
}

/// The agent of `admiral dev`, which starts once the server listens.
struct EmbeddedAgent: Service {
    let logger: Logger
    let make: @Sendable () async throws -> Agent?

    func run() async throws {
        guard let agent = try await make() else { return }
        try await agent.run()
    }
}
