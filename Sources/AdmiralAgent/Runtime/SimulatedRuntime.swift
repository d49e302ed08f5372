import Foundation
import NIOCore
import Synchronization

/// A runtime without containers, for scale tests and unit tests: containers are
/// records in memory that "run" from start until stopped (or until a test makes them
/// exit). Agents using it register with the attribute `admiral.runtime=simulated` and
/// the Docker version `simulated`, so it is never mistaken for the real path.
///
/// A simulated container uses no CPU or memory unless its environment says otherwise
/// (``cpuUnitsVariable``, ``memoryVariable``, so that a test sets them through RunTask)
/// or a test sets them (``setLoad(ofContainer:cpuUnits:memoryMiB:)``,
/// ``setUsage(ofContainer:to:)``).
public final class SimulatedRuntime: ContainerRuntime {
    /// The environment variable of a container definition that sets the CPU units a
    /// simulated container keeps busy (1,024 to a core).
    public static let cpuUnitsVariable = "ADMIRAL_SIMULATED_CPU_UNITS"
    /// The environment variable that sets the memory (MiB) a simulated container holds.
    public static let memoryVariable = "ADMIRAL_SIMULATED_MEMORY_MIB"

    struct Container {
        var spec: ContainerSpec
        var state: RuntimeContainer
        /// The CPU units it keeps busy and the memory it holds while it runs.
        var cpuUnits: Double
        var memoryMiB: Double
        /// CPU time used up to `accountedAt`, in nanoseconds.
        var cpuNanoseconds: Double = 0
        var accountedAt: Date?
        /// A reading a test fixed, reported instead of the load's.
        var fixedUsage: ContainerUsage?

        init(spec: ContainerSpec, state: RuntimeContainer) {
            self.spec = spec
            self.state = state
            var environment: [String: String] = [:]
            for entry in spec.environment {
                guard let equals = entry.firstIndex(of: "=") else { continue }
                environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
            }
            self.cpuUnits = Self.amount(environment[SimulatedRuntime.cpuUnitsVariable].flatMap(Double.init))
            self.memoryMiB = Self.amount(environment[SimulatedRuntime.memoryVariable].flatMap(Double.init))
        }

        /// The most CPU units or MiB a simulated container can use: a million.
        static let maximumAmount = 1_000_000.0

        /// A positive amount, at most ``maximumAmount``; anything else counts as none.
        static func amount(_ value: Double?) -> Double {
            guard let value, value.isFinite, value > 0 else { return 0 }
            return min(value, maximumAmount)
        }

        /// Adds the CPU time used since it was last accounted.
        mutating func account(at now: Date) {
            if let since = accountedAt, state.state == .running {
                cpuNanoseconds += cpuUnits / 1024 * max(0, now.timeIntervalSince(since)) * 1e9
            }
            accountedAt = now
        }

        /// What it has used so far.
        var usage: ContainerUsage {
            fixedUsage
                ?? ContainerUsage(
                    cpuNanoseconds: UInt64(cpuNanoseconds.rounded()), memoryBytes: UInt64(memoryMiB * 1_048_576))
        }
    }

    struct State {
        var containers: [String: Container] = [:]
        var images: Set<String> = []
        var unavailableImages: Set<String> = []
        var failingStarts: Set<String> = []
        var subscribers: [UInt64: (labels: [String: String], continuation: AsyncThrowingStream<String, any Error>.Continuation)] = [:]
        var nextSubscriber: UInt64 = 0
        var nextContainer: UInt64 = 0
        var nextPort = 32768
        var calls: [String] = []
        /// The HTTP listeners of each running container, with `serveHTTP`.
        var listeners: [String: [any Channel]] = [:]
    }

    let host: RuntimeHost
    let state = Mutex(State())

    /// Creates a simulated host with the given size.
    /// Whether running containers answer HTTP on their TCP host ports (see
    /// `SimulatedHTTPListener`); their dynamic host ports are then real free ports.
    let serveHTTP: Bool

    public init(cpus: Int = 4, memoryMiB: Int = 8192, serveHTTP: Bool = false) {
        self.serveHTTP = serveHTTP
        self.host = RuntimeHost(
            cpus: cpus, memoryMiB: memoryMiB, architecture: "x86_64", version: "simulated", apiVersion: "1.41",
            loggingDrivers: DockerRuntime.loggingDrivers.filter { $0 != "awslogs" })
    }

    // MARK: Test controls

    /// Makes pulls of `image` fail, as a missing image would.
    public func makeUnavailable(_ image: String) {
        state.withLock { _ = $0.unavailableImages.insert(image) }
    }

    /// Makes starts of containers created from `image` fail.
    public func makeStartsFail(_ image: String) {
        state.withLock { _ = $0.failingStarts.insert(image) }
    }

    /// Makes a running container exit with `code`, as if its process ended.
    public func exit(_ id: String, code: Int) {
        change(id) { container in
            guard container.state.state == .running else { return false }
            container.state.state = .exited
            container.state.exitCode = code
            container.state.finishedAt = Date()
            return true
        }
    }

    /// Sets a container's health, as Docker's health checks would.
    public func setHealth(_ id: String, _ health: RuntimeContainer.Health) {
        change(id) { container in
            container.state.health = health
            return true
        }
    }

    /// Makes a container keep `cpuUnits` busy (1,024 to a core) and hold `memoryMiB`
    /// from now on, as its environment's ``cpuUnitsVariable`` and ``memoryVariable`` do.
    public func setLoad(ofContainer id: String, cpuUnits: Double, memoryMiB: Double) {
        state.withLock { state in
            guard var container = state.containers[id] else { return }
            container.account(at: Date())
            container.cpuUnits = Container.amount(cpuUnits)
            container.memoryMiB = Container.amount(memoryMiB)
            state.containers[id] = container
        }
    }

    /// Fixes what a running container reports using (cumulative CPU time, memory now),
    /// for tests that drive time themselves; nil goes back to its load.
    public func setUsage(ofContainer id: String, to usage: ContainerUsage?) {
        state.withLock { $0.containers[id]?.fixedUsage = usage }
    }

    /// The containers created so far, by id.
    public var allContainers: [String: (spec: ContainerSpec, state: RuntimeContainer)] {
        state.withLock { state in state.containers.mapValues { ($0.spec, $0.state) } }
    }

    /// The runtime calls made so far (`create web`, `start <id>`...), for tests.
    public var calls: [String] { state.withLock { $0.calls } }

    // MARK: ContainerRuntime

    public func describeHost() async throws -> RuntimeHost { host }

    public func containers(labeled labels: [String: String]) async throws -> [RuntimeContainer] {
        state.withLock { state in
            state.containers.values.map(\.state).filter { Self.matches($0.labels, labels) }.sorted { $0.id < $1.id }
        }
    }

    public func prepareImage(_ image: String, behavior: AgentConfiguration.ImagePullBehavior) async throws -> Bool {
        try state.withLock { state in
            if state.unavailableImages.contains(image) {
                throw RuntimeError(
                    .pull, "pull image \(image): repository does not exist or may require 'docker login' (simulated)")
            }
            let pulled = !state.images.contains(image) || behavior == .always || behavior == .default
            state.images.insert(image)
            return pulled
        }
    }

    public func create(_ spec: ContainerSpec) async throws -> String {
        try state.withLock { state in
            state.calls.append("create \(spec.name)")
            if let existing = state.containers.values.first(where: { $0.spec.name == spec.name }) {
                return existing.state.id
            }
            guard spec.memoryMiB.map({ $0 >= 6 }) ?? true else {
                throw RuntimeError(.create, "Minimum memory limit allowed is 6MB (simulated)")
            }
            state.nextContainer += 1
            let digits = String(state.nextContainer, radix: 16)
            let id = "5e" + String(repeating: "0", count: 62 - digits.count) + digits
            state.containers[id] = Container(spec: spec, state: RuntimeContainer(id: id, labels: spec.labels, state: .created))
            return id
        }
    }

    public func start(_ id: String) async throws {
        let listeners = try await httpListeners(for: id)
        var closeListeners = true
        defer { if closeListeners { for channel in listeners.values { channel.close(promise: nil) } } }
        let fired = try state.withLock { state -> [AsyncThrowingStream<String, any Error>.Continuation] in
            state.calls.append("start \(id)")
            guard var container = state.containers[id] else { throw RuntimeError(.notFound, "No such container: \(id)") }
            if state.failingStarts.contains(container.spec.image) {
                throw RuntimeError(.start, "failed to start container \(id) (simulated)")
            }
            guard container.state.state == .created else { return [] }
            container.state.state = .running
            container.state.startedAt = Date()
            container.accountedAt = container.state.startedAt
            if container.spec.healthCheck != nil { container.state.health = .starting }
            container.state.ports = container.spec.ports.map { port in
                let hostPort: Int
                if let listener = listeners[port.containerPort], let bound = listener.localAddress?.port {
                    hostPort = bound
                } else if let fixed = port.hostPort {
                    hostPort = fixed
                } else {
                    hostPort = state.nextPort
                    state.nextPort += 1
                }
                return RuntimeContainer.PortBinding(
                    containerPort: port.containerPort, hostPort: container.spec.networkMode == "host" ? port.containerPort : hostPort,
                    transport: port.transport, hostIP: container.spec.hostPortAddress)
            }
            state.containers[id] = container
            if !listeners.isEmpty { state.listeners[id] = Array(listeners.values) }
            return Self.subscribers(of: container.state.labels, in: state)
        }
        closeListeners = false
        for continuation in fired { continuation.yield(id) }
    }

    /// With `serveHTTP`, an HTTP listener for each TCP port of a container about to start,
    /// by container port: on its fixed host port, or on a free one.
    func httpListeners(for id: String) async throws -> [Int: any Channel] {
        guard serveHTTP else { return [:] }
        let spec = state.withLock { $0.containers[id]?.state.state == .created ? $0.containers[id]?.spec : nil }
        guard let spec else { return [:] }
        var listeners: [Int: any Channel] = [:]
        do {
            for port in spec.ports where port.transport == "tcp" && spec.networkMode != "host" {
                let host = spec.hostPortAddress == "0.0.0.0" ? "127.0.0.1" : spec.hostPortAddress
                listeners[port.containerPort] = try await SimulatedHTTPListener.bind(
                    host: host, port: port.hostPort ?? 0, body: "simulated \(id)\n")
            }
        } catch {
            for channel in listeners.values { channel.close(promise: nil) }
            throw RuntimeError(.start, "failed to start container \(id): its port cannot be bound (\(error))")
        }
        return listeners
    }

    /// Closes a container's HTTP listeners, once it no longer runs.
    func closeListeners(of id: String) {
        let channels = state.withLock { $0.listeners.removeValue(forKey: id) } ?? []
        for channel in channels { channel.close(promise: nil) }
    }

    public func stop(_ id: String, timeout: Duration) async throws {
        state.withLock { $0.calls.append("stop \(id)") }
        change(id) { container in
            guard container.state.state != .exited else { return false }
            container.state.state = .exited
            container.state.exitCode = container.state.startedAt == nil ? 0 : 137
            container.state.finishedAt = Date()
            return true
        }
    }

    public func inspect(_ id: String) async throws -> RuntimeContainer {
        try state.withLock { state in
            guard let container = state.containers[id] else { throw RuntimeError(.notFound, "No such container: \(id)") }
            return container.state
        }
    }

    public func usage(ofContainer id: String) async throws -> ContainerUsage? {
        try state.withLock { state in
            guard var container = state.containers[id] else {
                throw RuntimeError(.notFound, "No such container: \(id)")
            }
            guard container.state.state == .running else { return nil }
            container.account(at: Date())
            state.containers[id] = container
            return container.usage
        }
    }

    public func remove(_ id: String) async throws {
        closeListeners(of: id)
        _ = state.withLock { state in
            state.calls.append("remove \(id)")
            return state.containers.removeValue(forKey: id)
        }
    }

    public func changes(labeled labels: [String: String]) async throws -> AsyncThrowingStream<String, any Error> {
        let (stream, continuation) = AsyncThrowingStream<String, any Error>.makeStream()
        let id = state.withLock { state in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = (labels, continuation)
            return state.nextSubscriber
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    // MARK: Helpers

    func change(_ id: String, _ body: (inout Container) -> Bool) {
        let fired = state.withLock { state -> [AsyncThrowingStream<String, any Error>.Continuation] in
            guard var container = state.containers[id], body(&container) else { return [] }
            state.containers[id] = container
            return Self.subscribers(of: container.state.labels, in: state)
        }
        if state.withLock({ $0.containers[id]?.state.state == .exited }) { closeListeners(of: id) }
        for continuation in fired { continuation.yield(id) }
    }

    static func subscribers(of labels: [String: String], in state: State)
        -> [AsyncThrowingStream<String, any Error>.Continuation]
    {
        state.subscribers.values.filter { matches(labels, $0.labels) }.map(\.continuation)
    }

    static func matches(_ labels: [String: String], _ wanted: [String: String]) -> Bool {
        wanted.allSatisfy { labels[$0.key] == $0.value }
    }
}
