import AdmiralAgent
import AdmiralControlPlane
import Foundation

/// The folders a provider keeps its instances in: `ROOT/i-…/`, holding the launch
/// request (`instance.json`, mode 0600: it carries the instance's secret key), the
/// agent's data folder and its log.
struct InstanceFolders: Sendable {
    let root: String

    func folder(_ instanceId: String) -> String { (root as NSString).appendingPathComponent(instanceId) }
    func agentData(_ instanceId: String) -> String { (folder(instanceId) as NSString).appendingPathComponent("agent") }
    func log(_ instanceId: String) -> String { (folder(instanceId) as NSString).appendingPathComponent("agent.log") }
    func file(_ instanceId: String, _ name: String) -> String {
        (folder(instanceId) as NSString).appendingPathComponent(name)
    }

    /// Creates the instance's folder and writes its launch request.
    func save(_ request: InstanceLaunchRequest) throws {
        try FileManager.default.createDirectory(
            atPath: folder(request.instanceId), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let path = file(request.instanceId, "instance.json")
        try encoder.encode(request).write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// The launch request saved for an instance, nil when there is none.
    func load(_ instanceId: String) -> InstanceLaunchRequest? {
        guard let data = FileManager.default.contents(atPath: file(instanceId, "instance.json")) else { return nil }
        return try? JSONDecoder().decode(InstanceLaunchRequest.self, from: data)
    }

    /// Removes the instance's folder.
    func remove(_ instanceId: String) {
        try? FileManager.default.removeItem(atPath: folder(instanceId))
    }

    /// The container instance id the instance's agent registered as (from its state file).
    func containerInstanceId(_ instanceId: String) -> String? {
        let arn = (try? AgentState.load(from: agentData(instanceId)))??.containerInstanceArn
        return arn?.split(separator: "/").last.map(String.init)
    }

    /// The request's `ECS_*` settings as an ecs.config file.
    static func ecsConfigText(_ request: InstanceLaunchRequest) -> String {
        var settings = request.ecsConfig
        settings["ECS_CLUSTER"] = request.cluster
        return settings.keys.sorted().map { "\($0)=\(settings[$0] ?? "")\n" }.joined()
    }
}

/// Child processes spawned with posix_spawn, their standard streams on files (so that no
/// pipe can fill up), their exits read with waitpid.
enum ChildProcess {
    struct Result: Sendable {
        var status: Int32
        var standardError: String
    }

    /// Runs an executable with `input` on its standard input and waits for it to exit.
    ///
    /// Spawned with posix_spawn and waited for with waitpid, not with Foundation's
    /// `Process`, which reports an exit only once every descendant has closed a pipe it
    /// inherits: a launch command that leaves a host running in the background would
    /// never be done.
    static func run(executable: String, arguments: [String] = [], input: Data, environment: [String: String])
        async throws -> Result
    {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inputPath = scratch.appendingPathComponent("stdin").path
        let errorPath = scratch.appendingPathComponent("stderr").path
        try input.write(to: URL(fileURLWithPath: inputPath))
        let pid = try spawn(
            executable: executable, arguments: arguments, environment: environment, standardInput: inputPath,
            standardOutput: "/dev/null", standardError: errorPath)
        let status = await exitStatus(of: pid)
        let text = (FileManager.default.contents(atPath: errorPath)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Result(status: status, standardError: text)
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts an executable with its standard streams on files; returns its pid.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], standardInput: String,
        standardOutput: String, standardError: String, append: Bool = false
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput, O_RDONLY, 0)
        let mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, mode, 0o600)
        if standardError == standardOutput {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, standardError, mode, 0o600)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        var result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        // ETXTBSY: another thread's fork holds the file open for writing for a moment
        // (a script written just now); it passes.
        var attempts = 0
        while result == ETXTBSY, attempts < 100 {
            attempts += 1
            usleep(10_000)
            result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        }
        guard result == 0 else {
            throw SpawnError(description: "\(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// Waits for a spawned child to exit (polling, so that no thread blocks) and returns
    /// its exit status (128 + the signal when a signal ended it).
    static func exitStatus(of pid: pid_t) async -> Int32 {
        // Often at first (a command's quick exit, an agent that cannot start), then every
        // quarter second: a server with a thousand agents must not spin on them.
        var delay = Duration.milliseconds(20)
        while true {
            if let status = exited(pid) { return status }
            // A cancelled wait (the server stopping) would spin: it ends unknown.
            if Task.isCancelled { return -1 }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(250))
        }
    }

    /// The exit status of a child that has exited (reaping it), nil while it runs.
    static func exited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return result < 0 && errno == ECHILD ? -1 : nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The last line of a text that is not blank.
    static func lastLine(_ text: String) -> String? {
        text.split(whereSeparator: \.isNewline).last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { String($0.trimmingCharacters(in: .whitespaces)) }
    }
}
