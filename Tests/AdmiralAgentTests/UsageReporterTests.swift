import AdmiralModel
import DockerEngine
import Foundation
import Logging
import Synchronization
import Testing

@testable import AdmiralAgent

/// Records the usage reports the agent sends instead of sending them; fails when told to.
final class RecordingUsageSink: TaskUsageSink {
    let requests = Mutex<[SubmitTaskUsageRequest]>([])
    let failing = Mutex(false)

    func submitTaskUsage(_ request: SubmitTaskUsageRequest) async throws -> SubmitTaskUsageResponse {
        if failing.withLock({ $0 }) {
            throw ControlPlaneError(code: "Unreachable", message: "SubmitTaskUsage: connection refused", status: nil)
        }
        requests.withLock { $0.append(request) }
        return SubmitTaskUsageResponse()
    }
}

/// A time source the test moves by hand.
final class ManualInstants: Sendable {
    let current = Mutex(ContinuousClock.now)

    func now() -> ContinuousClock.Instant { current.withLock { $0 } }

    func advance(by duration: Duration) { current.withLock { $0 = $0.advanced(by: duration) } }
}

@Suite("Task usage: sampling arithmetic")
struct UsageSamplerTests {
    static let start = ContinuousClock.now
    static let mebibyte: UInt64 = 1_048_576

    static func reading(cpu: UInt64, memoryMiB: UInt64 = 0, at seconds: Double) -> UsageSampler.Outcome {
        .measured(
            UsageSampler.Reading(
                usage: ContainerUsage(cpuNanoseconds: cpu, memoryBytes: memoryMiB * mebibyte),
                at: start.advanced(by: .milliseconds(Int64(seconds * 1000)))))
    }

    @Test("a container's first reading only sets the baseline; the next gives CPU time over wall time times 1,024")
    func oneBusyCore() {
        var sampler = UsageSampler()
        #expect(sampler.take(["t": ["c": Self.reading(cpu: 5_000_000_000, memoryMiB: 10, at: 0)]]).isEmpty)
        let usage = sampler.take(["t": ["c": Self.reading(cpu: 7_000_000_000, memoryMiB: 12, at: 2)]])
        #expect(usage == [SubmitTaskUsageRequest.TaskUsage(taskArn: "t", cpuUnits: 1024, memoryMiB: 12)])
    }

    @Test("a task's CPU units and memory are the sums over its containers")
    func sumsContainers() throws {
        var sampler = UsageSampler()
        _ = sampler.take(["t": ["a": Self.reading(cpu: 0, at: 0), "b": Self.reading(cpu: 0, at: 0)]])
        let usage = sampler.take([
            "t": [
                "a": Self.reading(cpu: 15_000_000_000, memoryMiB: 100, at: 60),
                "b": Self.reading(cpu: 7_500_000_000, memoryMiB: 28, at: 60),
            ]
        ])
        let task = try #require(usage.first)
        // 22.5 s of CPU in 60 s is 0.375 of a core.
        #expect(abs(task.cpuUnits - 384) < 1e-9)
        #expect(task.memoryMiB == 128)
    }

    @Test("page-level byte counts convert to fractional MiB")
    func fractionalMemory() {
        var sampler = UsageSampler()
        let first = UsageSampler.Reading(usage: ContainerUsage(cpuNanoseconds: 0, memoryBytes: 0), at: Self.start)
        _ = sampler.take(["t": ["c": .measured(first)]])
        let second = UsageSampler.Reading(
            usage: ContainerUsage(cpuNanoseconds: 0, memoryBytes: 1_355_776), at: Self.start.advanced(by: .seconds(1)))
        #expect(sampler.take(["t": ["c": .measured(second)]]).first?.memoryMiB == 1_355_776.0 / 1_048_576.0)
    }

    @Test("a task with a container seen for the first time is not reported until that container has a baseline")
    func newContainerWaits() {
        var sampler = UsageSampler()
        _ = sampler.take(["t": ["a": Self.reading(cpu: 0, at: 0)]])
        #expect(
            sampler.take(["t": ["a": Self.reading(cpu: 1_000_000_000, at: 1), "b": Self.reading(cpu: 0, at: 1)]])
                .isEmpty)
        let usage = sampler.take([
            "t": ["a": Self.reading(cpu: 2_000_000_000, at: 2), "b": Self.reading(cpu: 500_000_000, at: 2)]
        ])
        #expect(usage.map(\.cpuUnits) == [1536])
    }

    @Test("a reading that failed keeps the previous one: the task waits a round and then resumes")
    func failedReading() {
        var sampler = UsageSampler()
        _ = sampler.take(["t": ["a": Self.reading(cpu: 0, at: 0)]])
        #expect(sampler.take(["t": ["a": .failed]]).isEmpty)
        #expect(sampler.take(["t": ["a": Self.reading(cpu: 4_000_000_000, at: 4)]]).map(\.cpuUnits) == [1024])
    }

    @Test("a container missing from a round is forgotten, and a CPU counter that went backwards gives no rate")
    func forgetsAndResets() {
        var sampler = UsageSampler()
        _ = sampler.take(["t": ["a": Self.reading(cpu: 9_000_000_000, at: 0)]])
        _ = sampler.take([:])
        #expect(sampler.take(["t": ["a": Self.reading(cpu: 10_000_000_000, at: 2)]]).isEmpty)
        #expect(sampler.take(["t": ["a": Self.reading(cpu: 1_000, at: 3)]]).isEmpty)
        #expect(sampler.take(["t": ["a": Self.reading(cpu: 1_000_001_000, at: 4)]]).map(\.cpuUnits) == [1024])
    }

    @Test("tasks are reported in ARN order")
    func ordered() {
        var sampler = UsageSampler()
        let round: (Double) -> [String: [String: UsageSampler.Outcome]] = { at in
            ["z": ["1": Self.reading(cpu: 0, at: at)], "a": ["2": Self.reading(cpu: 0, at: at)]]
        }
        _ = sampler.take(round(0))
        #expect(sampler.take(round(1)).map(\.taskArn) == ["a", "z"])
    }
}

@Suite("Task usage: runtimes")
struct RuntimeUsageTests {
    static func spec(_ name: String, environment: [String] = []) -> ContainerSpec {
        ContainerSpec(name: name, image: "admiral-test/busybox", environment: environment)
    }

    @Test("a simulated container uses the CPU units and memory its environment gives, while it runs")
    func simulatedThroughEnvironment() async throws {
        let runtime = SimulatedRuntime()
        let id = try await runtime.create(
            Self.spec(
                "web",
                environment: ["\(SimulatedRuntime.cpuUnitsVariable)=512", "\(SimulatedRuntime.memoryVariable)=100"]))
        #expect(try await runtime.usage(ofContainer: id) == nil)
        let before = Date()
        try await runtime.start(id)
        try await Task.sleep(for: .milliseconds(100))
        let usage = try #require(try await runtime.usage(ofContainer: id))
        let elapsed = Date().timeIntervalSince(before)
        #expect(usage.memoryBytes == 100 * 1_048_576)
        // Half a core for at least the 100 ms slept, and at most for the whole time.
        #expect(Double(usage.cpuNanoseconds) >= 0.5 * 0.1 * 1e9)
        #expect(Double(usage.cpuNanoseconds) <= 0.5 * elapsed * 1e9)
        try await runtime.stop(id, timeout: .seconds(0))
        #expect(try await runtime.usage(ofContainer: id) == nil)
        await #expect(throws: RuntimeError.self) { try await runtime.usage(ofContainer: "missing") }
    }

    @Test("a simulated container without those variables uses nothing, until a test gives it a load or a reading")
    func simulatedThroughMethods() async throws {
        let runtime = SimulatedRuntime()
        let id = try await runtime.create(
            Self.spec("web", environment: ["OTHER=1", "=x", "BARE", "\(SimulatedRuntime.cpuUnitsVariable)=lots"]))
        try await runtime.start(id)
        #expect(try await runtime.usage(ofContainer: id) == ContainerUsage(cpuNanoseconds: 0, memoryBytes: 0))
        runtime.setLoad(ofContainer: id, cpuUnits: 2048, memoryMiB: 1)
        try await Task.sleep(for: .milliseconds(50))
        let loaded = try #require(try await runtime.usage(ofContainer: id))
        #expect(loaded.memoryBytes == 1_048_576 && loaded.cpuNanoseconds >= 90_000_000)
        runtime.setUsage(ofContainer: id, to: ContainerUsage(cpuNanoseconds: 7, memoryBytes: 8))
        #expect(try await runtime.usage(ofContainer: id) == ContainerUsage(cpuNanoseconds: 7, memoryBytes: 8))
    }

    @Test("Docker's stats become a container's usage: total CPU time and memory less inactive page cache")
    func dockerStats() {
        let stats = ContainerStats(
            read: "2026-12-07T07:57:51.888431308Z",
            cpuStats: .init(cpuUsage: .init(totalUsage: 31_931_445), systemCPUUsage: 21_390_340_000_000, onlineCPUs: 2),
            memoryStats: .init(
                usage: 26_521_600, stats: ["total_inactive_file": 25_165_824, "inactive_file": 25_165_824]))
        #expect(DockerRuntime.usage(stats) == ContainerUsage(cpuNanoseconds: 31_931_445, memoryBytes: 1_355_776))
        let stopped = ContainerStats(cpuStats: .init(cpuUsage: .init(totalUsage: 0)), memoryStats: .init())
        #expect(DockerRuntime.usage(stopped) == nil)
    }
}

@Suite("Task usage: the reporter")
struct UsageReporterTests {
    static let arn = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/instance-1"

    static func reporter(
        runtime: SimulatedRuntime, sink: RecordingUsageSink, instants: ManualInstants,
        running: @escaping @Sendable () -> [String: [String]]
    ) -> UsageReporter {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return UsageReporter(
            runtime: runtime, sink: sink, cluster: "default", containerInstanceArn: arn, interval: .seconds(60),
            logger: logger, runningContainers: { running() }, now: { instants.now() }, baselinePause: .zero)
    }

    @Test("one SubmitTaskUsage call carries each task's CPU units and MiB from the second interval on")
    func sendsTheCall() async throws {
        let runtime = SimulatedRuntime()
        let web = try await runtime.create(RuntimeUsageTests.spec("web"))
        let side = try await runtime.create(RuntimeUsageTests.spec("side"))
        let other = try await runtime.create(RuntimeUsageTests.spec("other"))
        for id in [web, side, other] { try await runtime.start(id) }
        let sink = RecordingUsageSink()
        let instants = ManualInstants()
        let reporter = Self.reporter(runtime: runtime, sink: sink, instants: instants) {
            [Fixtures.taskArn: [web, side], "arn:aws:ecs:us-east-1:000000000000:task/default/other": [other]]
        }
        var sampler = UsageSampler()

        runtime.setUsage(ofContainer: web, to: ContainerUsage(cpuNanoseconds: 1_000_000_000, memoryBytes: 0))
        runtime.setUsage(ofContainer: side, to: ContainerUsage(cpuNanoseconds: 0, memoryBytes: 0))
        runtime.setUsage(ofContainer: other, to: ContainerUsage(cpuNanoseconds: 0, memoryBytes: 0))
        await reporter.report(&sampler)
        #expect(sink.requests.withLock { $0.isEmpty })

        instants.advance(by: .seconds(60))
        runtime.setUsage(ofContainer: web, to: ContainerUsage(cpuNanoseconds: 46_000_000_000, memoryBytes: 64 << 20))
        runtime.setUsage(ofContainer: side, to: ContainerUsage(cpuNanoseconds: 15_000_000_000, memoryBytes: 32 << 20))
        runtime.setUsage(ofContainer: other, to: ContainerUsage(cpuNanoseconds: 0, memoryBytes: 1 << 19))
        let before = Date()
        await reporter.report(&sampler)
        let request = try #require(sink.requests.withLock { $0.first })
        #expect(sink.requests.withLock { $0.count } == 1)
        #expect(request.cluster == "default")
        #expect(request.containerInstanceArn == Self.arn)
        #expect(request.measuredAt >= before && request.measuredAt <= Date())
        #expect(
            request.tasks == [
                // (45 s + 15 s) of CPU in 60 s: one core.
                .init(taskArn: Fixtures.taskArn, cpuUnits: 1024, memoryMiB: 96),
                .init(taskArn: "arn:aws:ecs:us-east-1:000000000000:task/default/other", cpuUnits: 0, memoryMiB: 0.5),
            ])
    }

    @Test("a task that starts busy is reported in its first interval, over the pause after its containers' first reading")
    func freshTaskReportedAtOnce() async throws {
        let runtime = SimulatedRuntime()
        let web = try await runtime.create(
            RuntimeUsageTests.spec("web", environment: ["\(SimulatedRuntime.cpuUnitsVariable)=512"]))
        try await runtime.start(web)
        let sink = RecordingUsageSink()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let reporter = UsageReporter(
            runtime: runtime, sink: sink, cluster: "default", containerInstanceArn: Self.arn, interval: .seconds(60),
            logger: logger, runningContainers: { [Fixtures.taskArn: [web]] }, baselinePause: .milliseconds(200))
        var sampler = UsageSampler()
        await reporter.report(&sampler)
        let request = try #require(sink.requests.withLock { $0.first })
        let usage = try #require(request.tasks.first)
        #expect(usage.taskArn == Fixtures.taskArn)
        // Half a core over the pause, give or take the scheduling of a busy machine.
        #expect(abs(usage.cpuUnits - 512) < 100, "\(usage.cpuUnits)")
        #expect(!sampler.lacksBaseline(web))
    }

    @Test("a failed call is dropped without blocking, and the next interval sends fresh figures")
    func failedCallIsNotRetriedAsIs() async throws {
        let runtime = SimulatedRuntime()
        let web = try await runtime.create(RuntimeUsageTests.spec("web"))
        try await runtime.start(web)
        let sink = RecordingUsageSink()
        let instants = ManualInstants()
        let reporter = Self.reporter(runtime: runtime, sink: sink, instants: instants) { [Fixtures.taskArn: [web]] }
        var sampler = UsageSampler()
        runtime.setUsage(ofContainer: web, to: ContainerUsage(cpuNanoseconds: 0, memoryBytes: 0))
        await reporter.report(&sampler)
        sink.failing.withLock { $0 = true }
        instants.advance(by: .seconds(1))
        runtime.setUsage(ofContainer: web, to: ContainerUsage(cpuNanoseconds: 1_000_000_000, memoryBytes: 0))
        await reporter.report(&sampler)
        #expect(sink.requests.withLock { $0.isEmpty })
        sink.failing.withLock { $0 = false }
        instants.advance(by: .seconds(1))
        runtime.setUsage(ofContainer: web, to: ContainerUsage(cpuNanoseconds: 1_500_000_000, memoryBytes: 0))
        await reporter.report(&sampler)
        #expect(sink.requests.withLock { $0.map { $0.tasks.map(\.cpuUnits) } } == [[512]])
    }

    @Test("a container gone from the runtime leaves its task out; nothing is sent when nothing can be computed")
    func goneContainer() async throws {
        let runtime = SimulatedRuntime()
        let sink = RecordingUsageSink()
        let instants = ManualInstants()
        let reporter = Self.reporter(runtime: runtime, sink: sink, instants: instants) { [Fixtures.taskArn: ["gone"]] }
        var sampler = UsageSampler()
        await reporter.report(&sampler)
        instants.advance(by: .seconds(1))
        await reporter.report(&sampler)
        #expect(sink.requests.withLock { $0.isEmpty })
    }

    @Test("the task manager lists the running containers of the tasks it runs, for the reporter to read")
    func runningContainersOfTasks() async throws {
        let task = Fixtures.task([Fixtures.container("web"), Fixtures.container("side", essential: false)])
        try await ManagerHarness().run { harness in
            await harness.manager.apply(TaskManagerTests.desired([task]))
            try await harness.eventually("RUNNING") { harness.sink.lastStatus(of: task.taskArn) == "RUNNING" }
            let running = await harness.manager.runningContainers
            #expect(running.keys.sorted() == [task.taskArn])
            #expect(Set(running[task.taskArn] ?? []) == Set(harness.runtime.allContainers.keys))
            let side = try #require(
                harness.runtime.allContainers.first {
                    $0.value.spec.labels["com.amazonaws.ecs.container-name"] == "side"
                }?.key)
            harness.runtime.exit(side, code: 0)
            try await harness.eventually("side left the list") {
                await harness.manager.runningContainers[task.taskArn]?.contains(side) == false
            }
        }
    }
}
