import AdmiralAgent
import AdmiralControlPlane
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Synchronization

/// Instances as simulated agents inside the server's process: each registers and polls
/// over HTTP like a real agent, with the simulated runtime (tasks "run" without
/// containers). For scale tests with thousands of instances; every such container
/// instance carries the attribute `admiral.runtime=simulated`.
public final class SimulatedInstanceProvider: InstanceProvider {
    public var kind: String { "simulated" }

    let folders: InstanceFolders
    let region: String
    let httpClient: HTTPClient
    let ownsClient: Bool
    let logger: Logger
    private let agents = Mutex<[String: Task<Void, Never>]>([:])
    private let ended = Mutex<[String: String]>([:])

    /// - Parameters:
    ///   - root: the folder the agents keep their state in (one folder each).
    ///   - httpClient: the client the agents share; by default one of the provider's own,
    ///     whose connection pool holds every agent's long poll and reports at once (the
    ///     shared client's pool of 8 made registrations queue behind the polls).
    public init(root: String, region: String, httpClient: HTTPClient? = nil, logger: Logger) {
        self.folders = InstanceFolders(root: root)
        self.region = region
        self.httpClient = httpClient ?? Self.makeClient()
        self.ownsClient = httpClient == nil
        self.logger = logger
    }

    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 20_000)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func launch(_ request: InstanceLaunchRequest) async throws {
        do {
            try folders.save(request)
        } catch {
            throw InstanceLaunchError("the simulated instance's folder could not be written: \(error)")
        }
        let configuration = try configuration(for: request)
        start(request.instanceId, configuration)
    }

    func configuration(for request: InstanceLaunchRequest) throws -> AgentConfiguration {
        guard let endpoint = URL(string: request.endpoint) else {
            throw InstanceLaunchError("the endpoint '\(request.endpoint)' is not a URL")
        }
        let settings = ECSConfigFile(values: request.ecsConfig)
        do {
            return AgentConfiguration(
                endpoint: endpoint, cluster: request.cluster, dataDir: folders.agentData(request.instanceId),
                runtime: .simulated, accessKeyId: request.accessKeyId, secretAccessKey: request.secretAccessKey,
                region: region, availabilityZone: request.availabilityZone, instanceType: request.instanceType,
                attributes: try settings.instanceAttributes(), cpu: request.cpu, memory: request.memory,
                reservedMemory: try settings.reservedMemory() ?? 0)
        } catch let error as AgentConfigurationError {
            throw InstanceLaunchError("the instance's ECS settings are not valid: \(error)")
        }
    }

    func start(_ instanceId: String, _ configuration: AgentConfiguration) {
        let runtime = SimulatedRuntime(
            cpus: max(1, (configuration.cpu ?? 1024) / 1024), memoryMiB: configuration.memory ?? 1024)
        let agent = Agent(configuration: configuration, runtime: runtime, httpClient: httpClient, logger: logger)
        let task = Task { [self] in
            do {
                try await agent.run()
                ended.withLock { $0[instanceId] = "the simulated agent stopped" }
            } catch is CancellationError {
            } catch {
                ended.withLock { $0[instanceId] = "the simulated agent failed: \(error)" }
            }
        }
        agents.withLock { $0[instanceId] = task }
    }

    public func terminate(instanceId: String) async throws {
        let task = agents.withLock { $0.removeValue(forKey: instanceId) }
        task?.cancel()
        _ = await task?.value
        ended.withLock { _ = $0.removeValue(forKey: instanceId) }
        folders.remove(instanceId)
    }

    public func hostState(instanceId: String) async -> InstanceHostState {
        if let reason = ended.withLock({ $0[instanceId] }) { return .gone(reason: reason) }
        return agents.withLock { $0[instanceId] != nil } ? .running : .gone(reason: "no simulated agent runs")
    }

    public func resume(_ requests: [InstanceLaunchRequest]) async {
        for request in requests where agents.withLock({ $0[request.instanceId] == nil }) {
            do {
                try folders.save(request)
                start(request.instanceId, try configuration(for: request))
            } catch {
                logger.error(
                    "a simulated instance could not start again",
                    metadata: ["instance": .string(request.instanceId), "error": "\(error)"])
            }
        }
    }

    /// Stops every simulated agent (at the server's shutdown).
    public func stopAll() async {
        let tasks = agents.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for task in tasks { task.cancel() }
        for task in tasks { _ = await task.value }
        if ownsClient { try? await httpClient.shutdown() }
    }
}
