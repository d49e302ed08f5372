import AdmiralModel
import Foundation
import Logging

/// Where task state changes go: the control plane, or a recording fake in tests.
public protocol TaskStateSink: Sendable {
    func submitTaskStateChange(_ request: ECS.SubmitTaskStateChangeRequest) async throws
        -> ECS.SubmitTaskStateChangeResponse
    func submitContainerHealth(_ request: SubmitContainerHealthRequest) async throws -> SubmitContainerHealthResponse
}

extension ControlPlaneClient: TaskStateSink {}

/// Sends each task's latest state to the control plane, level-triggered: it keeps the
/// newest state per task and what was last acknowledged, and sends whatever differs
/// until it is acknowledged, so a failed call heals on the next try.
actor StateReporter {
    /// What is reported of a task.
    struct Report: Sendable, Equatable {
        var status: TaskStatus
        var reason: String?
        var containers: [ECS.ContainerStateChange]
        var pullStartedAt: Date?
        var pullStoppedAt: Date?
        var executionStoppedAt: Date?
        var health: [SubmitContainerHealthRequest.ContainerHealth]
    }

    let sink: any TaskStateSink
    let cluster: String
    let logger: Logger
    private var latest: [String: Report] = [:]
    private var acknowledged: [String: Report] = [:]
    private var acknowledgedHealth: [String: [SubmitContainerHealthRequest.ContainerHealth]] = [:]
    private var dirty: [String] = []
    private var wake: AsyncStream<Void>.Continuation?
    private let stream: AsyncStream<Void>

    /// Reports sent at once at most.
    static let concurrency = 16
    /// How long to wait before retrying after the control plane could not be reached.
    static let retryDelay: Duration = .seconds(1)

    init(sink: any TaskStateSink, cluster: String, logger: Logger) {
        self.sink = sink
        self.cluster = cluster
        self.logger = logger
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.stream = stream
        self.wake = continuation
    }

    /// Records a task's current state; it is sent unless it was already acknowledged.
    func update(_ task: LocalTask) {
        guard task.known else { return }
        let report = Self.report(of: task)
        guard report != latest[task.arn] else { return }
        latest[task.arn] = report
        if !dirty.contains(task.arn) { dirty.append(task.arn) }
        wake?.yield()
    }

    /// Forgets a task that is gone from the host.
    func forget(_ arn: String) {
        latest[arn] = nil
        acknowledged[arn] = nil
        acknowledgedHealth[arn] = nil
        dirty.removeAll { $0 == arn }
    }

    /// Whether everything recorded has been acknowledged.
    var isIdle: Bool { dirty.isEmpty }

    /// Sends reports until cancelled.
    func run() async {
        var iterator = stream.makeAsyncIterator()
        while !Task.isCancelled {
            let batch = takeBatch()
            if batch.isEmpty {
                guard await iterator.next() != nil else { return }
                continue
            }
            let outcomes = await withTaskGroup(of: (String, Report, Bool).self) { group in
                for (arn, report) in batch {
                    group.addTask { (arn, report, await self.send(arn, report)) }
                }
                var results: [(String, Report, Bool)] = []
                for await result in group { results.append(result) }
                return results
            }
            var retry = false
            for (arn, report, delivered) in outcomes {
                if delivered {
                    acknowledged[arn] = report
                    acknowledgedHealth[arn] = report.health
                } else {
                    retry = true
                }
                // A newer state arrived while this one was on its way, or this one failed.
                if let current = latest[arn], current != acknowledged[arn], !dirty.contains(arn) {
                    dirty.append(arn)
                }
            }
            if retry { try? await Task.sleep(for: Self.retryDelay) }
        }
    }

    private func takeBatch() -> [(String, Report)] {
        var batch: [(String, Report)] = []
        while !dirty.isEmpty, batch.count < Self.concurrency {
            let arn = dirty.removeFirst()
            if let report = latest[arn], report != acknowledged[arn] { batch.append((arn, report)) }
        }
        return batch
    }

    /// Sends one report; false when it should be retried.
    private func send(_ arn: String, _ report: Report) async -> Bool {
        do {
            if report.health != acknowledgedHealth[arn] ?? [], !report.health.isEmpty {
                _ = try await sink.submitContainerHealth(
                    SubmitContainerHealthRequest(cluster: cluster, task: arn, containers: report.health))
            }
            _ = try await sink.submitTaskStateChange(
                ECS.SubmitTaskStateChangeRequest(
                    cluster: cluster, task: arn, status: report.status.rawValue, reason: report.reason,
                    containers: report.containers, pullStartedAt: report.pullStartedAt,
                    pullStoppedAt: report.pullStoppedAt, executionStoppedAt: report.executionStoppedAt))
            return true
        } catch let error as ControlPlaneError where !error.isTransient {
            logger.warning(
                "task state change refused; not retried",
                metadata: ["task.arn": .string(arn), "error": .string(error.description)])
            return true
        } catch {
            logger.notice(
                "task state change not delivered; will retry",
                metadata: ["task.arn": .string(arn), "error": .string("\(error)")])
            return false
        }
    }

    /// The report of a task's current state.
    static func report(of task: LocalTask) -> Report {
        let status = task.status
        let containers = task.containers.map { container in
            ECS.ContainerStateChange(
                containerName: container.name, runtimeId: container.id, exitCode: container.exitCode,
                networkBindings: container.ports.map {
                    ECS.NetworkBinding(
                        bindIP: $0.hostIP, containerPort: $0.containerPort, hostPort: $0.hostPort,
                        protocol: ECS.TransportProtocol(rawValue: $0.transport) ?? .tcp)
                },
                reason: container.reason,
                status: status == .stopped ? ContainerStatus.stopped.rawValue : container.status.rawValue)
        }
        let health = task.containers.compactMap { container -> SubmitContainerHealthRequest.ContainerHealth? in
            guard task.definition(of: container.name)?.healthCheck != nil else { return nil }
            let value =
                switch container.health {
                case .healthy: "HEALTHY"
                case .unhealthy: "UNHEALTHY"
                case .starting, nil: "UNKNOWN"
                }
            return SubmitContainerHealthRequest.ContainerHealth(containerName: container.name, healthStatus: value)
        }
        return Report(
            status: status, reason: status == .stopped ? task.stopReason : nil, containers: containers,
            pullStartedAt: task.pullStartedAt, pullStoppedAt: task.pullStoppedAt,
            executionStoppedAt: status == .stopped ? task.stoppedAt : nil, health: health)
    }
}
