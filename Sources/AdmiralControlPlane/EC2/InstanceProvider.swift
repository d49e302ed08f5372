import Foundation

/// What an EC2 instance is on this server: an `admiral agent` child process, an
/// in-process simulated agent, or whatever an operator's launch command starts.
///
/// The EC2 registry owns each instance's record and state (pending, running,
/// shutting-down, terminated); the `InstanceController` asks the provider to start and
/// stop the host behind it and to say whether that host is still alive.
public protocol InstanceProvider: Sendable {
    /// `process`, `simulated` or `command`, as `--instance-provider` names it.
    var kind: String { get }

    /// Starts the host of a pending instance and returns once it is started (the agent
    /// registers on its own afterwards). Throws `InstanceLaunchError` when it cannot start;
    /// the instance then goes to terminated with that reason.
    func launch(_ request: InstanceLaunchRequest) async throws

    /// Stops the host and everything it runs. Idempotent: an instance whose host is
    /// already gone is done. Throws when the stop should be retried.
    func terminate(instanceId: String) async throws

    /// Whether the host of a running instance is still there (EC2's status checks).
    func hostState(instanceId: String) async -> InstanceHostState

    /// After the server starts: the instances that are pending or running. The provider
    /// adopts hosts that survived the restart and starts again those that did not.
    func resume(_ requests: [InstanceLaunchRequest]) async
}

/// Everything a provider needs to start one instance. The members are the JSON object
/// the `command` provider gives its launch executable on standard input.
public struct InstanceLaunchRequest: Sendable, Codable, Equatable {
    public var instanceId: String
    public var imageId: String
    public var instanceType: String
    public var availabilityZone: String
    public var subnetId: String
    public var privateIpAddress: String
    /// The user data, decoded from base64 (nil when there is none or it is not UTF-8).
    public var userData: String?
    /// The `ECS_*` settings the user data writes to `/etc/ecs/ecs.config`.
    public var ecsConfig: [String: String]
    /// The server's endpoint, e.g. `http://127.0.0.1:7700`.
    public var endpoint: String
    /// The instance's own credentials (its instance role), not the operator's.
    public var accessKeyId: String
    public var secretAccessKey: String
    /// The instance type's CPU units (1,024 per vCPU) and memory in MiB.
    public var cpu: Int
    public var memory: Int

    public init(
        instanceId: String, imageId: String, instanceType: String, availabilityZone: String, subnetId: String,
        privateIpAddress: String, userData: String?, ecsConfig: [String: String], endpoint: String,
        accessKeyId: String, secretAccessKey: String, cpu: Int, memory: Int
    ) {
        self.instanceId = instanceId
        self.imageId = imageId
        self.instanceType = instanceType
        self.availabilityZone = availabilityZone
        self.subnetId = subnetId
        self.privateIpAddress = privateIpAddress
        self.userData = userData
        self.ecsConfig = ecsConfig
        self.endpoint = endpoint
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.cpu = cpu
        self.memory = memory
    }

    /// The cluster the instance joins: `ECS_CLUSTER`, else `default`.
    public var cluster: String {
        let named = ecsConfig["ECS_CLUSTER"]?.trimmingCharacters(in: .whitespaces) ?? ""
        return named.isEmpty ? "default" : named
    }
}

/// What a provider knows of a running instance's host.
public enum InstanceHostState: Sendable, Equatable {
    /// The host is up (the agent process is alive).
    case running
    /// The host is gone (the agent process exited, the command's machine is lost).
    case gone(reason: String)
}

/// A launch that failed, with the reason shown as the instance's state reason.
public struct InstanceLaunchError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Reads user data as the ECS-optimized AMI does: the `ECS_*=value` lines it writes to
/// `/etc/ecs/ecs.config` (a shell script's `echo ECS_CLUSTER=x >> /etc/ecs/ecs.config`,
/// a heredoc, or plain `ECS_CLUSTER=x` lines).
public enum ECSUserData {
    public static func settings(in userData: String) -> [String: String] {
        var settings: [String: String] = [:]
        for rawLine in userData.split(whereSeparator: \.isNewline) {
            var line = Substring(rawLine).drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("echo ") {
                line = line.dropFirst(5).drop(while: { $0 == " " })
                if let redirect = line.range(of: ">") { line = line[..<redirect.lowerBound] }
                line = Substring(line.trimmingCharacters(in: .whitespaces))
                if let quote = line.first, quote == "\"" || quote == "'", line.last == quote, line.count >= 2 {
                    line = line.dropFirst().dropLast()
                }
            } else if line.hasPrefix("export ") {
                line = line.dropFirst(7).drop(while: { $0 == " " })
            }
            guard line.hasPrefix("ECS_"), let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<equals])
            guard name.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) else { continue }
            var value = String(line[line.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            if let quote = value.first, quote == "\"" || quote == "'", value.last == quote, value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            settings[name] = value
        }
        return settings
    }
}
