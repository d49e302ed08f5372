import AdmiralAgent
import AdmiralControlPlane
import DockerEngine
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Instances as `admiral agent` child processes of the server (the default of
/// `admiral dev`): each has its own folder under the server's data folder, its zone and
/// size from the launch request, and runs its tasks on the host's Docker daemon, where
/// the agent's labels keep every instance to its own containers.
///
/// An agent that exits is not started again while the server runs: its instance fails
/// EC2's status checks, as a machine that died would. After a server restart, `resume`
/// starts every pending or running instance's agent again with its data folder (a stale
/// agent left by a killed server is stopped first), and the agent re-attaches to its
/// container instance and adopts its containers.
public final class ProcessInstanceProvider: InstanceProvider, Service {
    public var kind: String { "process" }

    struct Child: Sendable {
        var pid: Int32
        var exitStatus: Int32?
    }

    let binary: String
    let folders: InstanceFolders
    let dockerHost: String
    let region: String
    let logger: Logger
    /// How long an agent has to stop after SIGTERM before SIGKILL.
    let stopGrace: Duration
    private let children = Mutex<[String: Child]>([:])

    /// - Parameters:
    ///   - binary: the `admiral` executable the agents run (the server's own).
    ///   - root: the folder the instances' folders go in.
    ///   - dockerHost: the Docker daemon the agents run containers on.
    public init(
        binary: String, root: String, dockerHost: String, region: String, logger: Logger,
        stopGrace: Duration = .seconds(10)
    ) {
        self.binary = binary
        self.folders = InstanceFolders(root: root)
        self.dockerHost = dockerHost
        self.region = region
        self.logger = logger
        self.stopGrace = stopGrace
    }

    /// The executable this process runs from.
    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    public func launch(_ request: InstanceLaunchRequest) async throws {
        do {
            try folders.save(request)
            try start(request)
        } catch let error as InstanceLaunchError {
            throw error
        } catch {
            throw InstanceLaunchError("the agent process could not start: \(error)")
        }
        // An agent that cannot start (a bad setting) exits at once: report it as the
        // launch's failure rather than as a running instance that dies.
        let deadline = ContinuousClock.now + .milliseconds(500)
        while ContinuousClock.now < deadline, children.withLock({ $0[request.instanceId]?.exitStatus }) == nil {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if let status = children.withLock({ $0[request.instanceId]?.exitStatus }) {
            let log = FileManager.default.contents(atPath: folders.log(request.instanceId))
                .map { String(decoding: $0, as: UTF8.self) } ?? ""
            throw InstanceLaunchError(
                ChildProcess.lastLine(log) ?? "the agent process exited with status \(status) as it started")
        }
    }

    /// Starts the agent of an instance as a child process.
    func start(_ request: InstanceLaunchRequest) throws {
        let configPath = folders.file(request.instanceId, "ecs.config")
        try Data(InstanceFolders.ecsConfigText(request).utf8).write(to: URL(fileURLWithPath: configPath))
        var arguments = [
            "agent", "--endpoint", request.endpoint, "--data-dir", folders.agentData(request.instanceId),
            "--config", configPath, "--region", region, "--availability-zone", request.availabilityZone,
            "--instance-type", request.instanceType, "--cpu", String(request.cpu), "--memory", String(request.memory),
            "--docker-host", dockerHost,
        ]
        if let level = ProcessInfo.processInfo.environment["ADMIRAL_INSTANCE_LOG_LEVEL"] {
            arguments += ["--log-level", level]
        }
        // The agent's keys are its instance's, in its environment (not its arguments,
        // which `ps` shows); nothing else of the server's environment goes with them.
        var environment = [
            "AWS_ACCESS_KEY_ID": request.accessKeyId, "AWS_SECRET_ACCESS_KEY": request.secretAccessKey,
            "AWS_REGION": region,
        ]
        for name in ["PATH", "HOME", "TMPDIR", "LANG"] {
            if let value = ProcessInfo.processInfo.environment[name] { environment[name] = value }
        }
        let instanceId = request.instanceId
        let log = folders.log(instanceId)
        let pid = try ChildProcess.spawn(
            executable: binary, arguments: arguments, environment: environment, standardInput: "/dev/null",
            standardOutput: log, standardError: log, append: true)
        try? Data("\(pid)\n".utf8).write(to: URL(fileURLWithPath: folders.file(instanceId, "agent.pid")))
        children.withLock { $0[instanceId] = Child(pid: pid, exitStatus: nil) }
        // Reaps the agent when it exits and records its status (for the status checks).
        Task { [self] in
            let status = await ChildProcess.exitStatus(of: pid)
            children.withLock { table in
                if table[instanceId]?.pid == pid { table[instanceId]?.exitStatus = status }
            }
            logger.notice("instance agent exited", metadata: ["instance": .string(instanceId), "status": "\(status)"])
        }
        logger.info(
            "instance agent started",
            metadata: ["instance": .string(instanceId), "pid": "\(pid)", "cluster": .string(request.cluster)])
    }

    public func terminate(instanceId: String) async throws {
        let child = children.withLock { $0[instanceId] }
        if let child, child.exitStatus == nil {
            await stop(pid: child.pid, isRunning: { [self] in
                children.withLock { $0[instanceId]?.exitStatus == nil }
            })
        } else if child == nil, let pid = stalePid(instanceId) {
            await stop(pid: pid, isRunning: { Self.isAgent(pid: pid) })
        }
        try await removeContainers(of: instanceId)
        children.withLock { _ = $0.removeValue(forKey: instanceId) }
        folders.remove(instanceId)
    }

    public func hostState(instanceId: String) async -> InstanceHostState {
        guard let child = children.withLock({ $0[instanceId] }) else {
            return .gone(reason: "the instance's agent process is not running")
        }
        if let status = child.exitStatus {
            let log = FileManager.default.contents(atPath: folders.log(instanceId))
                .map { String(decoding: $0.suffix(4096), as: UTF8.self) } ?? ""
            let words = ChildProcess.lastLine(log).map { ": \($0)" } ?? ""
            return .gone(reason: "the instance's agent process exited with status \(status)\(words)")
        }
        return .running
    }

    public func resume(_ requests: [InstanceLaunchRequest]) async {
        for request in requests {
            if children.withLock({ $0[request.instanceId]?.exitStatus == nil && $0[request.instanceId] != nil }) {
                continue
            }
            if let pid = stalePid(request.instanceId) {
                logger.info(
                    "stopping an instance agent left by an earlier server",
                    metadata: ["instance": .string(request.instanceId), "pid": "\(pid)"])
                await stop(pid: pid, isRunning: { Self.isAgent(pid: pid) })
            }
            do {
                try folders.save(request)
                try start(request)
            } catch {
                logger.error(
                    "an instance agent could not start again",
                    metadata: ["instance": .string(request.instanceId), "error": "\(error)"])
            }
        }
    }

    /// Waits for the server's shutdown, then stops every agent (their containers keep
    /// running; the next start adopts them).
    public func run() async throws {
        try? await gracefulShutdown()
        let running = children.withLock { $0.filter { $0.value.exitStatus == nil } }
        await withTaskGroup(of: Void.self) { group in
            for (instanceId, child) in running {
                group.addTask {
                    await self.stop(pid: child.pid, isRunning: {
                        self.children.withLock { $0[instanceId]?.exitStatus == nil }
                    })
                }
            }
        }
    }

    // MARK: Helpers

    /// SIGTERM, then SIGKILL after the grace period.
    func stop(pid: Int32, isRunning: @Sendable () -> Bool) async {
        guard isRunning() else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + stopGrace
        while isRunning(), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if isRunning() { kill(pid, SIGKILL) }
        while isRunning(), ContinuousClock.now < deadline + .seconds(5) {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The pid of an agent an earlier server started for this instance, if it still runs.
    func stalePid(_ instanceId: String) -> Int32? {
        guard let data = FileManager.default.contents(atPath: folders.file(instanceId, "agent.pid")),
            let pid = Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            pid > 1, Self.isAgent(pid: pid), Self.commandLine(pid: pid).contains(folders.agentData(instanceId))
        else { return nil }
        return pid
    }

    /// Whether a process runs `admiral agent`.
    static func isAgent(pid: Int32) -> Bool {
        let arguments = commandLine(pid: pid)
        return arguments.count > 1 && arguments[1] == "agent"
    }

    /// A process's arguments from /proc (empty when it is gone or a zombie).
    static func commandLine(pid: Int32) -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Stops and removes the containers of an instance's tasks.
    func removeContainers(of instanceId: String) async throws {
        guard let containerInstanceId = folders.containerInstanceId(instanceId) else { return }
        let docker = try DockerClient(host: dockerHost)
        let containers = try await docker.listContainers(
            labels: ["\(TaskContainers.Label.containerInstance)=\(containerInstanceId)"], all: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for container in containers {
                group.addTask {
                    try? await docker.stopContainer(container.id, timeout: 2)
                    do {
                        try await docker.removeContainer(container.id, force: true)
                    } catch let error as DockerError where error.code == .notFound {
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
