import AdmiralControlPlane
import Foundation
import Logging

/// Instances as whatever an operator's executables make them: a virtual machine, a host
/// from a pool reached over SSH, a cloud's instance. The launch executable gets the
/// instance as one JSON object on standard input (the members of
/// `InstanceLaunchRequest`) and exits 0 once the host is started and its agent is on its
/// way to registering; any other status fails the launch, with its last line of standard
/// error as the instance's state reason. The terminate executable gets the same object;
/// a status other than 0 is retried.
public struct CommandInstanceProvider: InstanceProvider {
    public var kind: String { "command" }

    let launchCommand: String
    let terminateCommand: String
    let folders: InstanceFolders
    let logger: Logger

    /// - Parameter root: where the provider keeps each instance's launch request, so that
    ///   terminate gets the same object launch got.
    public init(launchCommand: String, terminateCommand: String, root: String, logger: Logger) {
        self.launchCommand = launchCommand
        self.terminateCommand = terminateCommand
        self.folders = InstanceFolders(root: root)
        self.logger = logger
    }

    public func launch(_ request: InstanceLaunchRequest) async throws {
        do {
            try folders.save(request)
        } catch {
            throw InstanceLaunchError("the instance's folder could not be written: \(error)")
        }
        let result: ChildProcess.Result
        do {
            result = try await ChildProcess.run(
                executable: launchCommand, input: try Self.input(request), environment: Self.environment())
        } catch {
            throw InstanceLaunchError("the launch command could not run: \(error)")
        }
        guard result.status == 0 else {
            throw InstanceLaunchError(
                ChildProcess.lastLine(result.standardError) ?? "the launch command exited with status \(result.status)")
        }
    }

    public func terminate(instanceId: String) async throws {
        guard let request = folders.load(instanceId) else { return }
        let result = try await ChildProcess.run(
            executable: terminateCommand, input: try Self.input(request), environment: Self.environment())
        guard result.status == 0 else {
            throw InstanceLaunchError(
                ChildProcess.lastLine(result.standardError)
                    ?? "the terminate command exited with status \(result.status)")
        }
        folders.remove(instanceId)
    }

    /// The provider cannot see the hosts; EC2's status checks pass while the instance runs.
    public func hostState(instanceId: String) async -> InstanceHostState { .running }

    /// The hosts are the operator's: they outlive the server, nothing is started again.
    public func resume(_ requests: [InstanceLaunchRequest]) async {
        for request in requests where folders.load(request.instanceId) == nil {
            try? folders.save(request)
        }
    }

    static func input(_ request: InstanceLaunchRequest) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(request) + Data("\n".utf8)
    }

    static func environment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
    }
}
