import AdmiralModel
import Foundation
import Logging

/// Drives every task on the host towards what the server wants: one worker per task
/// asks `TaskPlanner` for the next steps, performs them through the runtime, observes
/// the result and reports it; runtime events and new desired states wake it at once.
actor TaskManager {
    let runtime: any ContainerRuntime
    let builder: TaskContainers
    let reporter: StateReporter
    let configuration: AgentConfiguration
    let logger: Logger

    private var tasks: [String: LocalTask] = [:]
    private var taskByContainer: [String: String] = [:]
    private var wakeups: [String: WakeSignal] = [:]
    private var workers: Set<String> = []
    private var synced = false
    private let spawnContinuation: AsyncStream<String>.Continuation
    /// Task ARNs whose worker must be started; the agent runs each in its task group.
    nonisolated let spawnRequests: AsyncStream<String>

    /// How often a waiting worker re-checks its task (dependency timeouts).
    static let recheckInterval: Duration = .seconds(1)

    init(
        runtime: any ContainerRuntime, builder: TaskContainers, reporter: StateReporter,
        configuration: AgentConfiguration, logger: Logger
    ) {
        self.runtime = runtime
        self.builder = builder
        self.reporter = reporter
        self.configuration = configuration
        self.logger = logger
        (spawnRequests, spawnContinuation) = AsyncStream<String>.makeStream()
    }

    /// The tasks as the agent knows them, for tests and introspection.
    var snapshot: [String: LocalTask] { tasks }

    /// The runtime ids of the running containers of each task the server knows, by task
    /// ARN: what the usage reporter measures.
    var runningContainers: [String: [String]] {
        var running: [String: [String]] = [:]
        for (arn, task) in tasks where task.known {
            let ids = task.containers.compactMap { $0.phase == .running ? $0.id : nil }
            if !ids.isEmpty { running[arn] = ids }
        }
        return running
    }

    // MARK: Inputs

    /// Takes the containers found on the host at start: their tasks are known again,
    /// and workers start once the server has said what it wants of them.
    func adopt(_ containers: [RuntimeContainer]) {
        let byTask = Dictionary(grouping: containers) { $0.labels[TaskContainers.Label.taskArn] ?? "" }
        for (arn, found) in byTask where !arn.isEmpty {
            var task = LocalTask(adopting: found, taskArn: arn)
            if task.containers.allSatisfy({ $0.phase == .exited || $0.phase == .none }) {
                task.stoppedAt = found.compactMap(\.finishedAt).max() ?? Date()
            }
            tasks[arn] = task
            for container in found { taskByContainer[container.id] = arn }
        }
        logger.info("adopted containers", metadata: ["tasks": .stringConvertible(byTask.count)])
    }

    /// Takes a desired state from the server: new tasks get a worker, known ones are
    /// updated, and local tasks the server no longer lists are stopped.
    func apply(_ state: PollDesiredStateResponse) {
        let listed = Set(state.tasks.map(\.taskArn))
        for desired in state.tasks {
            if var task = tasks[desired.taskArn] {
                task.update(desired: desired)
                tasks[desired.taskArn] = task
            } else {
                tasks[desired.taskArn] = LocalTask(desired: desired)
            }
            ensureWorker(desired.taskArn)
        }
        for (arn, var task) in tasks where !listed.contains(arn) && task.status != .stopped {
            // The server holds the task STOPPED (or has forgotten it): stop what runs.
            task.desired.desiredStatus = TaskStatus.stopped.rawValue
            task.known = false
            tasks[arn] = task
            ensureWorker(arn)
        }
        synced = true
    }

    /// A container may have changed: look at it again.
    func containerChanged(_ id: String) async {
        guard let arn = taskByContainer[id] else { return }
        await refresh(containerId: id, of: arn)
        wake(arn)
    }

    /// After the runtime's event stream broke: look at every container again.
    func resync() async {
        for (id, arn) in taskByContainer {
            await refresh(containerId: id, of: arn)
            wake(arn)
        }
    }

    /// Removes the containers of tasks stopped longer than the cleanup wait.
    func sweep(now: Date) async {
        let wait = TimeInterval(configuration.taskCleanupWait.components.seconds)
        for (arn, task) in tasks where task.status == .stopped && !workers.contains(arn) {
            guard let stoppedAt = task.stoppedAt, now.timeIntervalSince(stoppedAt) >= wait else { continue }
            for container in task.containers {
                guard let id = container.id else { continue }
                do {
                    try await runtime.remove(id)
                } catch {
                    logger.warning(
                        "container not removed", metadata: ["container.id": .string(id), "error": .string("\(error)")])
                    continue
                }
                taskByContainer[id] = nil
            }
            tasks[arn] = nil
            await reporter.forget(arn)
        }
    }

    // MARK: Workers

    private func ensureWorker(_ arn: String) {
        if workers.contains(arn) {
            wake(arn)
            return
        }
        workers.insert(arn)
        spawnContinuation.yield(arn)
    }

    private func wake(_ arn: String) {
        wakeups[arn]?.signal()
    }

    /// Runs one task until it is STOPPED and reported.
    func runWorker(_ arn: String) async {
        let signal = WakeSignal()
        wakeups[arn] = signal
        defer {
            wakeups[arn] = nil
            workers.remove(arn)
        }
        let startTimeout = TimeInterval(configuration.containerStartTimeout.components.seconds)
        while !Task.isCancelled {
            guard let task = tasks[arn] else { return }
            let actions = TaskPlanner.next(task, now: Date(), startTimeout: startTimeout)
            if actions.isEmpty {
                await reporter.update(task)
                if task.status == .stopped {
                    if tasks[arn]?.stoppedAt == nil { tasks[arn]?.stoppedAt = Date() }
                    if let task = tasks[arn] { await reporter.update(task) }
                    return
                }
                await signal.wait(timeout: Self.recheckInterval)
                continue
            }
            await withTaskGroup(of: Void.self) { group in
                for action in actions {
                    group.addTask { await self.perform(action, for: arn) }
                }
            }
            if let task = tasks[arn] { await reporter.update(task) }
        }
    }

    // MARK: Actions

    private func perform(_ action: TaskAction, for arn: String) async {
        guard let task = tasks[arn] else { return }
        switch action {
        case .prepareImages:
            await prepareImages(of: task)
        case .create(let name):
            await create(name, of: task)
        case .start(let name):
            await start(name, of: task)
        case .stop(let name):
            await stop(name, of: task)
        case .fail(let reason):
            logger.info("task stopping", metadata: ["task.arn": .string(arn), "reason": .string(reason)])
            setStopReason(reason, of: arn)
        }
    }

    private func prepareImages(of task: LocalTask) async {
        let arn = task.arn
        if tasks[arn]?.pullStartedAt == nil { tasks[arn]?.pullStartedAt = Date() }
        var images: [String] = []
        for container in task.desired.containers {
            if let image = container.image, !images.contains(image) { images.append(image) }
        }
        for image in images {
            do {
                _ = try await runtime.prepareImage(image, behavior: configuration.imagePullBehavior)
            } catch {
                let reason = Self.describe(error, as: .pull)
                logger.warning("image unavailable", metadata: ["task.arn": .string(arn), "error": .string(reason)])
                for index in task.containers.indices where task.desired.containers[index].image == image {
                    tasks[arn]?.containers[index].reason = reason
                }
                setStopReason(reason, of: arn)
                tasks[arn]?.pullStoppedAt = Date()
                return
            }
        }
        tasks[arn]?.pullStoppedAt = Date()
        tasks[arn]?.imagesReady = true
    }

    private func create(_ name: String, of task: LocalTask) async {
        let arn = task.arn
        guard let definition = task.definition(of: name), let index = task.index(of: name) else { return }
        do {
            let spec = try builder.spec(for: definition, in: task.desired)
            let id = try await runtime.create(spec)
            taskByContainer[id] = arn
            guard let current = tasks[arn], current.index(of: name) == index else { return }
            tasks[arn]?.containers[index].id = id
            tasks[arn]?.containers[index].phase = max(current.containers[index].phase, .created)
            tasks[arn]?.containers[index].waitingSince = Date()
        } catch {
            fail(name, of: arn, at: index, reason: Self.describe(error, as: .create))
        }
    }

    private func start(_ name: String, of task: LocalTask) async {
        let arn = task.arn
        guard let index = task.index(of: name), let id = task.containers[index].id else { return }
        do {
            try await runtime.start(id)
            await refresh(containerId: id, of: arn)
        } catch {
            fail(name, of: arn, at: index, reason: Self.describe(error, as: .start))
        }
    }

    private func stop(_ name: String, of task: LocalTask) async {
        let arn = task.arn
        guard let index = task.index(of: name), let id = task.containers[index].id else { return }
        let timeout = task.definition(of: name).map(builder.stopTimeout(of:)) ?? 30
        do {
            try await runtime.stop(id, timeout: .seconds(timeout))
        } catch let error as RuntimeError where error.code == .notFound {
            tasks[arn]?.containers[index].phase = .exited
            return
        } catch {
            logger.warning(
                "container did not stop", metadata: ["container.id": .string(id), "error": .string("\(error)")])
        }
        await refresh(containerId: id, of: arn)
    }

    /// Marks a container failed and the task to stop with the failure's reason.
    private func fail(_ name: String, of arn: String, at index: Int, reason: String) {
        logger.warning("container failed", metadata: ["task.arn": .string(arn), "reason": .string(reason)])
        tasks[arn]?.containers[index].reason = reason
        if tasks[arn]?.containers[index].phase == .created { tasks[arn]?.containers[index].phase = .exited }
        setStopReason(reason, of: arn)
    }

    /// Records why the task stops, keeping the first reason.
    private func setStopReason(_ reason: String, of arn: String) {
        guard var task = tasks[arn], task.stopReason == nil else { return }
        task.stopReason = reason
        tasks[arn] = task
    }

    /// Reads a container's state from the runtime into its task.
    private func refresh(containerId id: String, of arn: String) async {
        do {
            let container = try await runtime.inspect(id)
            guard let index = tasks[arn]?.index(ofId: id) else { return }
            tasks[arn]?.containers[index].observe(container)
        } catch let error as RuntimeError where error.code == .notFound {
            // Removed behind the agent's back: it will never run again.
            guard let index = tasks[arn]?.index(ofId: id) else { return }
            tasks[arn]?.containers[index].phase = .exited
            taskByContainer[id] = nil
        } catch {
            logger.notice("container not inspected", metadata: ["container.id": .string(id), "error": .string("\(error)")])
        }
    }

    /// ECS's wording for a failed step: `CannotPullContainerError: ...`.
    static func describe(_ error: any Error, as code: RuntimeError.Code) -> String {
        if let error = error as? RuntimeError { return error.description }
        return RuntimeError(code, "\(error)").description
    }
}
