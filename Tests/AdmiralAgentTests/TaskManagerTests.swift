import AdmiralModel
import Foundation
import Logging
import Synchronization
import Testing

@testable import AdmiralAgent

/// Records what the agent reports instead of sending it.
final class RecordingSink: TaskStateSink {
    let changes = Mutex<[ECS.SubmitTaskStateChangeRequest]>([])
    let health = Mutex<[SubmitContainerHealthRequest]>([])

    func submitTaskStateChange(_ request: ECS.SubmitTaskStateChangeRequest) async throws
        -> ECS.SubmitTaskStateChangeResponse
    {
        changes.withLock { $0.append(request) }
        return ECS.SubmitTaskStateChangeResponse(acknowledgment: "ACK")
    }

    func submitContainerHealth(_ request: SubmitContainerHealthRequest) async throws -> SubmitContainerHealthResponse {
        health.withLock { $0.append(request) }
        return SubmitContainerHealthResponse()
    }

    /// The last status reported for a task.
    func lastStatus(of arn: String) -> String? {
        changes.withLock { $0.last { $0.task == arn }?.status }
    }

    func last(of arn: String) -> ECS.SubmitTaskStateChangeRequest? {
        changes.withLock { $0.last { $0.task == arn } }
    }
}

/// A task manager on a simulated runtime, with its loops running.
struct ManagerHarness {
    let runtime: SimulatedRuntime
    let sink = RecordingSink()
    let manager: TaskManager
    let reporter: StateReporter

    init(runtime: SimulatedRuntime = SimulatedRuntime()) {
        self.runtime = runtime
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let configuration = AgentConfiguration(
            endpoint: URL(string: "http://127.0.0.1:1")!, dataDir: "/nonexistent", runtime: .simulated,
            accessKeyId: "AKID", secretAccessKey: "secret", taskCleanupWait: .seconds(0),
            containerStopTimeout: .seconds(1))
        let builder = TaskContainers(
            cluster: "default", instanceId: "instance-1", hostPortAddress: "0.0.0.0", defaultStopTimeout: .seconds(1))
        reporter = StateReporter(sink: sink, cluster: "default", logger: logger)
        manager = TaskManager(
            runtime: runtime, builder: builder, reporter: reporter, configuration: configuration, logger: logger)
    }

    /// Runs the manager's loops around `body`.
    func run(_ body: @Sendable (ManagerHarness) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let manager = self.manager
            let reporter = self.reporter
            let runtime = self.runtime
            group.addTask { await reporter.run() }
            group.addTask {
                await withDiscardingTaskGroup { workers in
                    for await arn in manager.spawnRequests {
                        workers.addTask { await manager.runWorker(arn) }
                    }
                }
            }
            group.addTask {
                let changes = try await runtime.changes(labeled: ["admiral.container-instance": "instance-1"])
                for try await id in changes { await manager.containerChanged(id) }
            }
            try await body(self)
            group.cancelAll()
        }
    }

    /// Waits until `condition` holds, for at most 10 seconds.
    func eventually(_ what: String, _ condition: @Sendable () async -> Bool) async throws {
        for _ in 0..<1000 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        Issue.record("timed out waiting: \(what)")
        throw CancellationError()
    }
}

@Suite("The agent's task manager on a simulated runtime")
struct TaskManagerTests {
    static func desired(_ tasks: [AgentTask], version: Int = 1) -> PollDesiredStateResponse {
        PollDesiredStateResponse(version: version, instanceStatus: "ACTIVE", tasks: tasks)
    }

    @Test("a desired task is pulled, created, started and reported RUNNING with its containers' ids and ports")
    func runsTask() async throws {
        var web = Fixtures.container("web")
        web.portMappings = [ECS.PortMapping(containerPort: 80, hostPort: 0)]
        let task = Fixtures.task([web, Fixtures.container("side", essential: false)])
        try await ManagerHarness().run { harness in
            await harness.manager.apply(Self.desired([task]))
            try await harness.eventually("RUNNING") { harness.sink.lastStatus(of: task.taskArn) == "RUNNING" }
            let report = try #require(harness.sink.last(of: task.taskArn))
            #expect(report.containers?.map(\.status) == ["RUNNING", "RUNNING"])
            #expect(report.containers?.allSatisfy { $0.runtimeId != nil } == true)
            #expect(report.containers?.first?.networkBindings?.first?.containerPort == 80)
            #expect(report.pullStartedAt != nil && report.pullStoppedAt != nil)
            #expect(harness.runtime.allContainers.count == 2)
        }
    }

    @Test("an essential container's exit stops the rest and reports STOPPED with ECS's reason and exit codes")
    func essentialExit() async throws {
        let task = Fixtures.task([Fixtures.container("web"), Fixtures.container("side", essential: false)])
        try await ManagerHarness().run { harness in
            await harness.manager.apply(Self.desired([task]))
            try await harness.eventually("RUNNING") { harness.sink.lastStatus(of: task.taskArn) == "RUNNING" }
            let web = try #require(
                harness.runtime.allContainers.first { $0.value.spec.labels["com.amazonaws.ecs.container-name"] == "web" }?.key)
            harness.runtime.exit(web, code: 3)
            try await harness.eventually("STOPPED") { harness.sink.lastStatus(of: task.taskArn) == "STOPPED" }
            let report = try #require(harness.sink.last(of: task.taskArn))
            #expect(report.reason == "Essential container in task exited")
            #expect(report.containers?.first { $0.containerName == "web" }?.exitCode == 3)
            #expect(harness.runtime.allContainers.values.allSatisfy { $0.state.state == .exited })
        }
    }

    @Test("an image that cannot be pulled stops the task with CannotPullContainerError")
    func pullFailure() async throws {
        let runtime = SimulatedRuntime()
        runtime.makeUnavailable("nope/missing:1")
        let task = Fixtures.task([Fixtures.container("web", image: "nope/missing:1")])
        try await ManagerHarness(runtime: runtime).run { harness in
            await harness.manager.apply(Self.desired([task]))
            try await harness.eventually("STOPPED") { harness.sink.lastStatus(of: task.taskArn) == "STOPPED" }
            let report = try #require(harness.sink.last(of: task.taskArn))
            #expect(report.reason?.hasPrefix("CannotPullContainerError:") == true)
            #expect(report.containers?.first?.reason?.hasPrefix("CannotPullContainerError:") == true)
            #expect(runtime.allContainers.isEmpty)
        }
    }

    @Test("a task desired STOPPED has its containers stopped and is reported STOPPED")
    func stopRequested() async throws {
        let task = Fixtures.task([Fixtures.container("web")])
        try await ManagerHarness().run { harness in
            await harness.manager.apply(Self.desired([task]))
            try await harness.eventually("RUNNING") { harness.sink.lastStatus(of: task.taskArn) == "RUNNING" }
            var stopped = task
            stopped.desiredStatus = "STOPPED"
            await harness.manager.apply(Self.desired([stopped], version: 2))
            try await harness.eventually("STOPPED") { harness.sink.lastStatus(of: task.taskArn) == "STOPPED" }
            #expect(harness.runtime.allContainers.values.allSatisfy { $0.state.state == .exited })
        }
    }

    @Test("a restarted agent adopts its running containers without creating them again, and stops unlisted ones")
    func adoption() async throws {
        let runtime = SimulatedRuntime()
        let kept = Fixtures.task([Fixtures.container("web")])
        let dropped = Fixtures.task(
            [Fixtures.container("web")], arn: "arn:aws:ecs:us-east-1:000000000000:task/default/ffffffffffffffffffffffffffffffff")
        try await ManagerHarness(runtime: runtime).run { harness in
            await harness.manager.apply(Self.desired([kept, dropped]))
            try await harness.eventually("both RUNNING") {
                harness.sink.lastStatus(of: kept.taskArn) == "RUNNING"
                    && harness.sink.lastStatus(of: dropped.taskArn) == "RUNNING"
            }
        }
        let creates = runtime.calls.filter { $0.hasPrefix("create") }.count
        try await ManagerHarness(runtime: runtime).run { harness in
            let found = try await runtime.containers(labeled: ["admiral.container-instance": "instance-1"])
            await harness.manager.adopt(found)
            await harness.manager.apply(Self.desired([kept]))
            try await harness.eventually("the unlisted task's container stopped") {
                runtime.allContainers.values.contains { $0.spec.name.contains("ffffffff") && $0.state.state == .exited }
            }
            try await harness.eventually("the kept task reported RUNNING again") {
                harness.sink.lastStatus(of: kept.taskArn) == "RUNNING"
            }
            #expect(runtime.calls.filter { $0.hasPrefix("create") }.count == creates)
            #expect(harness.sink.last(of: dropped.taskArn) == nil)
            #expect(
                runtime.allContainers.values.contains { $0.spec.name.contains("0123456789abcdef") && $0.state.state == .running })
        }
    }

    @Test("container health is reported for containers with a health check")
    func health() async throws {
        let task = Fixtures.task([Fixtures.container("web", healthCheck: true)])
        try await ManagerHarness().run { harness in
            await harness.manager.apply(Self.desired([task]))
            try await harness.eventually("RUNNING") { harness.sink.lastStatus(of: task.taskArn) == "RUNNING" }
            let id = try #require(harness.runtime.allContainers.keys.first)
            harness.runtime.setHealth(id, .healthy)
            try await harness.eventually("HEALTHY reported") {
                harness.sink.health.withLock { $0.last?.containers.first?.healthStatus == "HEALTHY" }
            }
        }
    }
}
