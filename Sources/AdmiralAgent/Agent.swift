import AdmiralModel
import AsyncHTTPClient
import Foundation
import Logging
import ServiceLifecycle

/// `admiral agent`: registers its host as a container instance, long-polls the control
/// plane for the tasks it should run, runs them through its runtime and reports every
/// change, and every metrics interval what the tasks use. Level-triggered: a lost message
/// heals on the next poll or report.
public struct Agent: Service {
    /// The agent's own version, reported in `versionInfo` and `agentVersion`.
    public static let version = "0.3.0"

    let configuration: AgentConfiguration
    let runtime: any ContainerRuntime
    let client: ControlPlaneClient
    let logger: Logger
    let onRegistered: @Sendable (String) async -> Void

    /// How long to wait before retrying registration or a poll that failed.
    static let retryDelay: Duration = .seconds(1)
    /// The longest retry delay.
    static let maximumRetryDelay: Duration = .seconds(10)
    /// How often stopped tasks' containers are checked for removal.
    static let sweepInterval: Duration = .seconds(30)

    /// Creates an agent. `onRegistered` is called with the container instance ARN.
    public init(
        configuration: AgentConfiguration, runtime: any ContainerRuntime, httpClient: HTTPClient = .shared,
        logger: Logger, onRegistered: @escaping @Sendable (String) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.runtime = runtime
        self.client = ControlPlaneClient(
            endpoint: configuration.endpoint, accessKeyId: configuration.accessKeyId,
            secretAccessKey: configuration.secretAccessKey, sessionToken: configuration.sessionToken,
            region: configuration.region, httpClient: httpClient)
        self.logger = logger
        self.onRegistered = onRegistered
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.runAgent()
        }
    }

    func runAgent() async throws {
        let host = try await retrying("runtime unavailable") { try await runtime.describeHost() }
        let (arn, instanceId) = try await retrying("registration failed") { try await register(host) }
        let logger = {
            var logger = self.logger
            logger[metadataKey: "container.instance"] = .string(instanceId)
            return logger
        }()
        logger.info("registered", metadata: ["cluster": .string(configuration.cluster), "arn": .string(arn)])
        await onRegistered(arn)

        let builder = TaskContainers(
            cluster: configuration.cluster, instanceId: instanceId, hostPortAddress: configuration.hostPortAddress,
            defaultStopTimeout: configuration.containerStopTimeout)
        let reporter = StateReporter(sink: client, cluster: configuration.cluster, logger: logger)
        let manager = TaskManager(
            runtime: runtime, builder: builder, reporter: reporter, configuration: configuration, logger: logger)
        // Subscribe before listing, so that no change between the two is missed.
        let changes = try await retrying("runtime events unavailable") {
            try await runtime.changes(labeled: builder.agentLabels)
        }
        let found = try await retrying("runtime unavailable") { try await runtime.containers(labeled: builder.agentLabels) }
        await manager.adopt(found)
        let usageReporter = UsageReporter(
            runtime: runtime, sink: client, cluster: configuration.cluster, containerInstanceArn: arn,
            interval: configuration.metricsInterval, logger: logger,
            runningContainers: { await manager.runningContainers })

        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await reporter.run() }
            group.addTask { try await usageReporter.run() }
            group.addTask { await watch(changes, labels: builder.agentLabels, manager: manager, logger: logger) }
            group.addTask { try await poll(arn: arn, manager: manager, logger: logger) }
            group.addTask { await sweep(manager) }
            if let docker = runtime as? DockerRuntime {
                let shipper = AWSLogsShipper(
                    client: client, docker: docker.client, dataDir: configuration.dataDir, labels: builder.agentLabels,
                    logger: logger)
                group.addTask { await shipper.run() }
            }
            for await taskArn in manager.spawnRequests {
                group.addTask { await manager.runWorker(taskArn) }
            }
        }
    }

    // MARK: Registration

    /// Registers (or re-registers with the kept ARN); returns the ARN and its id.
    func register(_ host: RuntimeHost) async throws -> (String, String) {
        let stored = try AgentState.load(from: configuration.dataDir)
        let state =
            stored.flatMap { $0.cluster == configuration.cluster ? $0 : nil }
            ?? AgentState(
                cluster: configuration.cluster, ec2InstanceId: stored?.ec2InstanceId ?? AgentState.newInstanceId(),
                containerInstanceArn: nil)
        let request = registrationRequest(host: host, state: state)
        let response: ECS.RegisterContainerInstanceResponse
        do {
            response = try await client.registerContainerInstance(request)
        } catch let error as ControlPlaneError
            where error.code == "ClusterNotFoundException" && configuration.cluster == "default"
        {
            // As ECS's agent does, the default cluster is created when it is missing.
            _ = try await client.createCluster(ECS.CreateClusterRequest(clusterName: "default"))
            response = try await client.registerContainerInstance(request)
        }
        guard let arn = response.containerInstance?.containerInstanceArn,
            let id = arn.split(separator: "/").last.map(String.init)
        else {
            throw ControlPlaneError(code: "InvalidResponse", message: "registration returned no ARN", status: 200)
        }
        var saved = state
        saved.containerInstanceArn = arn
        try saved.save(to: configuration.dataDir)
        return (arn, id)
    }

    /// The RegisterContainerInstance call for this host.
    func registrationRequest(host: RuntimeHost, state: AgentState) -> ECS.RegisterContainerInstanceRequest {
        let cpu = configuration.cpu ?? host.cpus * 1024
        let memory = configuration.memory ?? max(0, host.memoryMiB - configuration.reservedMemory)
        let resources = InstanceResources(
            cpu: cpu, memory: memory,
            tcpPorts: InstanceResources.defaultReservedTCPPorts + configuration.reservedPorts,
            udpPorts: configuration.reservedUDPPorts)
        var attributes = Capabilities.attributes(for: host)
        if configuration.runtime == .simulated { attributes["admiral.runtime"] = "simulated" }
        for (name, value) in configuration.attributes { attributes[name] = .some(value) }
        let document: [String: String] = [
            "instanceId": state.ec2InstanceId, "availabilityZone": configuration.zone,
            "instanceType": configuration.instanceType, "region": configuration.region,
            "imageId": "ami-admiral", "architecture": host.architecture, "privateIp": configuration.hostAddress,
        ]
        let documentText =
            (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])).map {
                String(decoding: $0, as: UTF8.self)
            } ?? "{}"
        return ECS.RegisterContainerInstanceRequest(
            cluster: configuration.cluster, instanceIdentityDocument: documentText,
            totalResources: resources.ecsResources,
            versionInfo: ECS.VersionInfo(
                agentVersion: Self.version, agentHash: "admiral", dockerVersion: "DockerVersion: \(host.version)"),
            containerInstanceArn: state.containerInstanceArn,
            attributes: attributes.keys.sorted().map { ECS.Attribute(name: $0, value: attributes[$0] ?? nil) })
    }

    // MARK: Loops

    /// Long-polls the desired state until the instance is deregistered.
    func poll(arn: String, manager: TaskManager, logger: Logger) async throws {
        var known: Int?
        var delay = Self.retryDelay
        let wait = Double(configuration.pollWait.components.seconds)
        while !Task.isCancelled {
            do {
                let state = try await client.pollDesiredState(
                    PollDesiredStateRequest(
                        cluster: configuration.cluster, containerInstanceArn: arn, knownVersion: known,
                        waitSeconds: wait))
                delay = Self.retryDelay
                await manager.apply(state)
                known = state.version
                if state.instanceStatus == ContainerInstanceStatus.inactive.rawValue {
                    logger.error("the container instance was deregistered; the agent stops polling")
                    return
                }
            } catch {
                if Task.isCancelled { return }
                logger.notice("poll failed; retrying", metadata: ["error": .string("\(error)")])
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, Self.maximumRetryDelay)
            }
        }
    }

    /// Follows the runtime's container events; after a break, resubscribes and looks at
    /// every container again.
    func watch(
        _ first: AsyncThrowingStream<String, any Error>, labels: [String: String], manager: TaskManager, logger: Logger
    ) async {
        var changes = first
        while !Task.isCancelled {
            do {
                for try await id in changes { await manager.containerChanged(id) }
            } catch {
                logger.notice("runtime events interrupted", metadata: ["error": .string("\(error)")])
            }
            guard !Task.isCancelled else { return }
            try? await Task.sleep(for: Self.retryDelay)
            if let renewed = try? await runtime.changes(labeled: labels) {
                changes = renewed
                await manager.resync()
            }
        }
    }

    func sweep(_ manager: TaskManager) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.sweepInterval)
            await manager.sweep(now: Date())
        }
    }

    /// Retries a step that needs the runtime or the control plane until it succeeds.
    func retrying<T>(_ what: String, _ body: () async throws -> T) async throws -> T {
        var delay = Self.retryDelay
        while true {
            do {
                return try await body()
            } catch let error as AgentConfigurationError {
                throw error
            } catch let error as ControlPlaneError where !error.isTransient && error.code != "ClusterNotFoundException" {
                logger.error("\(what)", metadata: ["error": .string(error.description)])
                throw error
            } catch {
                logger.warning("\(what); retrying", metadata: ["error": .string("\(error)")])
            }
            try Task.checkCancellation()
            try await Task.sleep(for: delay)
            delay = min(delay * 2, Self.maximumRetryDelay)
        }
    }
}
