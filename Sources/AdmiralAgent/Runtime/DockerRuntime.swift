import AsyncHTTPClient
import DockerEngine
import Foundation
import Logging
import NIOCore
import Synchronization

/// Runs containers through Docker Engine's HTTP API over its unix socket.
public struct DockerRuntime: ContainerRuntime {
    let client: DockerClient
    let logger: Logger
    /// Images seen on the host lately, so that a task of a cached image does not wait for
    /// an inspect; a create that finds the image gone prepares it again.
    let knownImages = KnownImages()

    /// The log drivers Docker Engine ships with that Admiral's tasks may use.
    static let loggingDrivers = ["json-file", "syslog", "journald", "gelf", "fluentd", "none", "awslogs"]

    /// The HTTP client for Docker: no read timeout, since the event stream may stay
    /// silent for hours; every other call has its own deadline (`DockerTimeouts`).
    static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// Creates a runtime for the daemon at `host` (`unix:///var/run/docker.sock`).
    public init(host: String, logger: Logger) throws {
        self.client = try DockerClient(host: host, httpClient: Self.httpClient, logger: logger)
        self.logger = logger
    }

    public func describeHost() async throws -> RuntimeHost {
        do {
            let info = try await client.info()
            let version = try await client.version()
            let architecture: String =
                switch info.architecture ?? version.arch ?? "" {
                case "aarch64", "arm64": "arm64"
                default: "x86_64"
                }
            return RuntimeHost(
                cpus: info.cpuCount ?? ProcessInfo.processInfo.activeProcessorCount,
                memoryMiB: Int((info.memoryTotal ?? Int64(ProcessInfo.processInfo.physicalMemory)) / (1024 * 1024)),
                architecture: architecture, version: version.version, apiVersion: version.apiVersion,
                loggingDrivers: Self.loggingDrivers)
        } catch {
            throw RuntimeError(.runtime, "Docker Engine cannot be reached: \(error)")
        }
    }

    public func containers(labeled labels: [String: String]) async throws -> [RuntimeContainer] {
        let summaries = try await runtimeCall {
            try await client.listContainers(labels: labels.map { "\($0.key)=\($0.value)" }.sorted(), all: true)
        }
        var result: [RuntimeContainer] = []
        for summary in summaries {
            do {
                result.append(try await inspect(summary.id))
            } catch let error as RuntimeError where error.code == .notFound {
                continue
            }
        }
        return result
    }

    public func prepareImage(_ image: String, behavior: AgentConfiguration.ImagePullBehavior) async throws -> Bool {
        if behavior == .preferCached || behavior == .once, knownImages.contains(image) { return false }
        let cached = await isCached(image)
        switch behavior {
        case .preferCached, .once:
            if cached {
                knownImages.insert(image)
                return false
            }
            try await pull(image)
            knownImages.insert(image)
            return true
        case .always:
            try await pull(image)
            return true
        case .default:
            do {
                try await pull(image)
                return true
            } catch let error as RuntimeError where cached {
                logger.notice(
                    "image pull failed; using the cached image",
                    metadata: ["image": .string(image), "error": .string(error.message)])
                return false
            }
        }
    }

    func isCached(_ image: String) async -> Bool {
        (try? await client.inspectImage(image)) != nil
    }

    func pull(_ image: String) async throws {
        do {
            try await client.pull(image)
        } catch let error as DockerError {
            throw RuntimeError(.pull, "pull image \(image): \(error.message)")
        } catch {
            throw RuntimeError(.pull, "pull image \(image): \(error)")
        }
    }

    public func create(_ spec: ContainerSpec) async throws -> String {
        do {
            return try await client.createContainer(Self.config(spec), name: spec.name)
        } catch let error as DockerError where error.code == .notFound && knownImages.contains(spec.image) {
            // The image was removed since it was last seen: fetch it again, then create.
            knownImages.remove(spec.image)
            _ = try await prepareImage(spec.image, behavior: .preferCached)
            do {
                return try await client.createContainer(Self.config(spec), name: spec.name)
            } catch let error as DockerError {
                throw RuntimeError(.create, error.message)
            }
        } catch let error as DockerError where error.code == .conflict {
            // A container of that name exists: an earlier attempt got this far. Adopt it.
            if let existing = try? await client.inspectContainer(spec.name) { return existing.id }
            throw RuntimeError(.create, error.message)
        } catch let error as DockerError {
            throw RuntimeError(.create, error.message)
        }
    }

    public func start(_ id: String) async throws {
        do {
            try await client.startContainer(id)
        } catch let error as DockerError {
            throw RuntimeError(error.code == .notFound ? .notFound : .start, error.message)
        }
    }

    public func stop(_ id: String, timeout: Duration) async throws {
        do {
            try await client.stopContainer(id, timeout: max(0, Int(timeout.components.seconds)))
        } catch let error as DockerError {
            throw RuntimeError(error.code == .notFound ? .notFound : .stop, error.message)
        }
    }

    public func inspect(_ id: String) async throws -> RuntimeContainer {
        let inspected: ContainerInspect
        do {
            inspected = try await client.inspectContainer(id)
        } catch let error as DockerError {
            throw RuntimeError(error.code == .notFound ? .notFound : .runtime, error.message)
        }
        return Self.container(inspected)
    }

    public func remove(_ id: String) async throws {
        do {
            try await client.removeContainer(id, force: true, removeVolumes: true)
        } catch let error as DockerError where error.code == .notFound {
            return
        } catch let error as DockerError {
            throw RuntimeError(.runtime, error.message)
        }
    }

    public func usage(ofContainer id: String) async throws -> ContainerUsage? {
        let stats: ContainerStats
        do {
            stats = try await client.containerStats(id: id)
        } catch let error as DockerError {
            throw RuntimeError(error.code == .notFound ? .notFound : .runtime, error.message)
        }
        return Self.usage(stats)
    }

    public func changes(labeled labels: [String: String]) async throws -> AsyncThrowingStream<String, any Error> {
        let filter = EventFilter.containers(labels: labels.map { "\($0.key)=\($0.value)" }.sorted())
        let events = try await runtimeCall { try await client.events(filter) }
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for try await event in events { continuation.yield(event.actor.id) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func runtimeCall<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as DockerError {
            throw RuntimeError(.runtime, error.message)
        }
    }

    // MARK: Mapping

    /// The Engine API's create request for a container spec.
    static func config(_ spec: ContainerSpec) -> ContainerConfig {
        var portBindings: [String: [PortBinding]] = [:]
        var exposed: [String] = []
        if spec.networkMode == "bridge" {
            for port in spec.ports {
                let key = "\(port.containerPort)/\(port.transport)"
                exposed.append(key)
                portBindings[key, default: []].append(
                    PortBinding(hostIP: spec.hostPortAddress, hostPort: port.hostPort.map(String.init) ?? ""))
            }
        } else if spec.networkMode == "host" {
            exposed = spec.ports.map { "\($0.containerPort)/\($0.transport)" }
        }
        let mebibyte: Int64 = 1024 * 1024
        let host = HostConfig(
            networkMode: spec.networkMode, portBindings: portBindings.isEmpty ? nil : portBindings,
            mounts: spec.mounts.isEmpty
                ? nil
                : spec.mounts.map {
                    Mount(type: $0.isVolume ? "volume" : "bind", source: $0.source, target: $0.target, readOnly: $0.readOnly)
                },
            links: spec.links.isEmpty ? nil : spec.links,
            volumesFrom: spec.volumesFrom.isEmpty ? nil : spec.volumesFrom,
            memory: spec.memoryMiB.map { Int64($0) * mebibyte },
            memoryReservation: spec.memoryReservationMiB.map { Int64($0) * mebibyte },
            cpuShares: spec.cpuShares, privileged: spec.privileged, readonlyRootfs: spec.readonlyRootFilesystem,
            extraHosts: spec.extraHosts.isEmpty ? nil : spec.extraHosts,
            dns: spec.dnsServers.isEmpty ? nil : spec.dnsServers,
            ulimits: spec.ulimits.isEmpty
                ? nil : spec.ulimits.map { Ulimit(name: $0.name, soft: Int64($0.soft), hard: Int64($0.hard)) },
            initProcess: spec.initProcessEnabled ? true : nil,
            logConfig: spec.logDriver.map { LogConfig(type: $0, config: spec.logOptions.isEmpty ? nil : spec.logOptions) })
        return ContainerConfig(
            image: spec.image, cmd: spec.command, entrypoint: spec.entryPoint, env: spec.environment,
            labels: spec.labels, workingDir: spec.workingDirectory, user: spec.user, hostname: spec.hostname,
            exposedPorts: exposed.isEmpty ? nil : exposed,
            healthcheck: spec.healthCheck.map {
                Healthcheck(
                    test: $0.test, interval: .seconds($0.interval), timeout: .seconds($0.timeout), retries: $0.retries,
                    startPeriod: .seconds($0.startPeriod))
            },
            stopTimeout: spec.stopTimeoutSeconds, hostConfig: host)
    }

    /// What the agent needs of an inspected container.
    static func container(_ inspected: ContainerInspect) -> RuntimeContainer {
        let state: RuntimeContainer.State =
            switch inspected.state.status {
            case "running", "paused", "restarting": .running
            case "exited", "dead": .exited
            default: inspected.state.running ? .running : .created
            }
        var ports: [RuntimeContainer.PortBinding] = []
        for (key, bindings) in inspected.networkSettings?.ports ?? [:] {
            let parts = key.split(separator: "/")
            guard let containerPort = parts.first.flatMap({ Int($0) }) else { continue }
            let transport = parts.count > 1 ? String(parts[1]) : "tcp"
            for binding in bindings ?? [] {
                guard let hostPort = binding.hostPort.flatMap({ Int($0) }) else { continue }
                let hostIP = binding.hostIP.flatMap { $0.isEmpty ? nil : $0 } ?? "0.0.0.0"
                // Docker publishes on both families; ECS reports the IPv4 binding.
                if hostIP.contains(":") { continue }
                ports.append(
                    RuntimeContainer.PortBinding(
                        containerPort: containerPort, hostPort: hostPort, transport: transport, hostIP: hostIP))
            }
        }
        return RuntimeContainer(
            id: inspected.id, labels: inspected.config?.labels ?? [:], state: state,
            exitCode: state == .exited ? inspected.state.exitCode : nil,
            health: inspected.state.health.flatMap { RuntimeContainer.Health(rawValue: $0.status) },
            error: inspected.state.error.flatMap { $0.isEmpty ? nil : $0 }, oomKilled: inspected.state.oomKilled ?? false,
            startedAt: parseDate(inspected.state.startedAt), finishedAt: parseDate(inspected.state.finishedAt),
            ports: ports.sorted { ($0.containerPort, $0.transport) < ($1.containerPort, $1.transport) })
    }

    /// What a stats reading says a container uses; nil when it does not run.
    static func usage(_ stats: ContainerStats) -> ContainerUsage? {
        guard let memory = stats.memoryStats.usageWithoutCache else { return nil }
        return ContainerUsage(cpuNanoseconds: stats.cpuStats.cpuUsage.totalUsage, memoryBytes: memory)
    }

    /// Docker's RFC 3339 timestamps; its zero time (`0001-01-01T00:00:00Z`) is nil.
    static func parseDate(_ text: String?) -> Date? {
        guard let text, !text.hasPrefix("0001-") else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        // Docker gives nanoseconds, more digits than the formatter reads.
        if let dot = text.firstIndex(of: "."), let zone = text.lastIndex(where: { $0 == "Z" || $0 == "+" || $0 == "-" }),
            zone > dot
        {
            let trimmed = String(text[..<dot]) + "." + text[text.index(after: dot)..<zone].prefix(3) + text[zone...]
            if let date = formatter.date(from: trimmed) { return date }
        }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

/// The images a ``DockerRuntime`` found on the host in the last minute.
final class KnownImages: Sendable {
    private let seen = Mutex([String: ContinuousClock.Instant]())
    /// How long a sighting counts.
    static let validity: Duration = .seconds(60)

    func contains(_ image: String) -> Bool {
        seen.withLock { seen in
            guard let at = seen[image] else { return false }
            return ContinuousClock.now - at < Self.validity
        }
    }

    func insert(_ image: String) {
        seen.withLock { $0[image] = ContinuousClock.now }
    }

    func remove(_ image: String) {
        _ = seen.withLock { $0.removeValue(forKey: image) }
    }
}
