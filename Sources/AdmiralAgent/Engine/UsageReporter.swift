import AdmiralModel
import Foundation
import Logging
import ServiceLifecycle

/// Where task usage goes: the control plane, or a recording fake in tests.
public protocol TaskUsageSink: Sendable {
    func submitTaskUsage(_ request: SubmitTaskUsageRequest) async throws -> SubmitTaskUsageResponse
}

extension ControlPlaneClient: TaskUsageSink {}

/// Every metrics interval, reads what each running container of the agent's tasks has
/// used from the runtime and sends each task's CPU units and memory to the control plane
/// in one `SubmitTaskUsage` call (``UsageSampler`` does the arithmetic).
///
/// Nothing waits on it: a reading or a call that fails is logged at debug level and the
/// next interval measures and sends afresh, so a lost report costs one data point.
struct UsageReporter: Service {
    let runtime: any ContainerRuntime
    let sink: any TaskUsageSink
    let cluster: String
    let containerInstanceArn: String
    let interval: Duration
    let logger: Logger
    /// The runtime ids of the running containers of each task, by task ARN.
    let runningContainers: @Sendable () async -> [String: [String]]
    /// When a reading is taken; tests set the time themselves.
    let now: @Sendable () -> ContinuousClock.Instant
    /// How long after a container's first reading it is read again, so that its task is
    /// reported in the interval it started rather than the next (zero: not read again).
    let baselinePause: Duration

    /// Container readings taken at once at most.
    static let concurrency = 8

    /// Creates a reporter for the tasks `runningContainers` lists.
    init(
        runtime: any ContainerRuntime, sink: any TaskUsageSink, cluster: String, containerInstanceArn: String,
        interval: Duration, logger: Logger, runningContainers: @escaping @Sendable () async -> [String: [String]],
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        baselinePause: Duration? = nil
    ) {
        self.baselinePause = baselinePause ?? min(.seconds(1), interval / 4)
        self.runtime = runtime
        self.sink = sink
        self.cluster = cluster
        self.containerInstanceArn = containerInstanceArn
        self.interval = interval
        self.logger = logger
        self.runningContainers = runningContainers
        self.now = now
    }

    /// How long before the end of each interval (a whole multiple of it since the epoch)
    /// readings are taken: the server publishes its metrics at half this lead before the
    /// same time, so a report reaches the publication of the interval it measured.
    var reportLead: Duration { min(.seconds(3), interval * 0.3) }

    func run() async throws {
        let clock = ContinuousClock()
        var sampler = UsageSampler()
        // The first reading waits for the first aligned time; the rest follow at a fixed rate.
        let seconds = max(UsageSampler.nanoseconds(interval) / 1e9, 0.001)
        let lead = UsageSampler.nanoseconds(reportLead) / 1e9
        let shifted = Date().timeIntervalSince1970 + lead
        let wait = ((shifted / seconds).rounded(.down) + 1) * seconds - shifted
        var deadline = clock.now + .milliseconds(Int(wait * 1000))
        try? await Task.sleep(until: deadline, clock: clock)
        while !Task.isCancelled {
            await report(&sampler)
            // A fixed rate rather than a fixed pause, so readings do not drift; a round
            // that took longer than the interval skips to the next deadline ahead.
            let current = clock.now
            deadline = deadline + interval
            if deadline < current { deadline = current + interval }
            try? await Task.sleep(until: deadline, clock: clock)
        }
    }

    /// Takes one round of readings and sends what can be computed from it.
    func report(_ sampler: inout UsageSampler) async {
        var round = await read(await runningContainers())
        // A container seen for the first time would only set its baseline, and its task
        // show an interval later: a task that starts busy would reach CloudWatch one or two
        // intervals after it started. Such containers are read again after a short pause,
        // and their tasks reported over that pause.
        var fresh: [String: [String: UsageSampler.Reading]] = [:]
        for (arn, containers) in round {
            for (id, outcome) in containers where sampler.lacksBaseline(id) {
                if case .measured(let reading) = outcome { fresh[arn, default: [:]][id] = reading }
            }
        }
        if !fresh.isEmpty && baselinePause > .zero {
            sampler.setBaselines(fresh)
            try? await Task.sleep(for: baselinePause)
            for (arn, containers) in await read(fresh.mapValues { Array($0.keys) }) {
                for (id, outcome) in containers { round[arn]?[id] = outcome }
            }
        }
        let tasks = sampler.take(round)
        guard !tasks.isEmpty, !Task.isCancelled else { return }
        let request = SubmitTaskUsageRequest(
            cluster: cluster, containerInstanceArn: containerInstanceArn, tasks: tasks, measuredAt: Date())
        do {
            _ = try await sink.submitTaskUsage(request)
            logger.debug("task usage reported", metadata: ["tasks": .stringConvertible(tasks.count)])
        } catch {
            logger.debug(
                "task usage not delivered; the next interval reports afresh", metadata: ["error": .string("\(error)")])
        }
    }

    /// Reads every listed container, a few at a time. A container that no longer runs is
    /// left out of its task; one the runtime could not read is marked failed.
    func read(_ containers: [String: [String]]) async -> [String: [String: UsageSampler.Outcome]] {
        let pairs = containers.flatMap { arn, ids in ids.map { (arn, $0) } }
        var round: [String: [String: UsageSampler.Outcome]] = [:]
        await withTaskGroup(of: (String, String, UsageSampler.Outcome?).self) { group in
            var next = pairs.startIndex
            while next < pairs.endIndex, next < Self.concurrency {
                let (arn, id) = pairs[next]
                group.addTask { (arn, id, await self.read(id)) }
                next += 1
            }
            for await (arn, id, outcome) in group {
                if let outcome { round[arn, default: [:]][id] = outcome }
                if next < pairs.endIndex {
                    let (arn, id) = pairs[next]
                    group.addTask { (arn, id, await self.read(id)) }
                    next += 1
                }
            }
        }
        return round
    }

    /// One container's reading; nil when it no longer runs.
    func read(_ id: String) async -> UsageSampler.Outcome? {
        do {
            guard let usage = try await runtime.usage(ofContainer: id) else { return nil }
            return .measured(UsageSampler.Reading(usage: usage, at: now()))
        } catch let error as RuntimeError where error.code == .notFound {
            return nil
        } catch {
            logger.debug(
                "container usage not read", metadata: ["container.id": .string(id), "error": .string("\(error)")])
            return .failed
        }
    }
}
