import AdmiralAgent
import ArgumentParser
import Foundation

/// The options of the agent, shared by `admiral agent` and `admiral dev`.
struct AgentOptions: ParsableArguments {
    @Option(help: "The Docker daemon, in DOCKER_HOST form (default: $DOCKER_HOST or unix:///var/run/docker.sock).")
    var dockerHost: String?

    @Option(help: "Run tasks with 'docker' (real containers) or 'simulated' (no containers; for scale tests).")
    var runtime: String = "docker"

    @Option(help: "The availability zone to report (default: <region>a). Repeat it with --count to spread instances.")
    var availabilityZone: [String] = []

    @Option(help: "The instance type to report as ecs.instance-type.")
    var instanceType: String = "admiral.host"

    @Option(help: "A custom attribute, key=value; repeat for more.")
    var attribute: [String] = []

    @Option(help: "CPU units to register (default: 1024 per host core).")
    var cpu: Int?

    @Option(help: "Memory (MiB) to register (default: the host's, less ECS_RESERVED_MEMORY).")
    var memory: Int?

    @Option(help: "An ecs.config-style file (ECS_CLUSTER=..., ECS_INSTANCE_ATTRIBUTES=..., ECS_RESERVED_MEMORY=...).")
    var config: String?

    @Option(help: "The address published host ports bind to.")
    var hostPortAddress: String = "0.0.0.0"

    @Option(help: "The address the load balancer reaches this host's published ports on (the instance's private IP).")
    var hostAddress: String = "127.0.0.1"

    @Option(help: "When images are pulled: default, always, once or prefer-cached (ECS_IMAGE_PULL_BEHAVIOR).")
    var imagePullBehavior: String?

    /// The ecs.config setting (or environment variable) for the seconds between the
    /// agent's measurements of its tasks' CPU and memory.
    static let metricsIntervalVariable = "ECS_ADMIRAL_METRICS_INTERVAL"

    func validate() throws {
        guard AgentConfiguration.RuntimeKind(rawValue: runtime) != nil else {
            throw ValidationError("--runtime must be docker or simulated.")
        }
        for pair in attribute where !pair.contains("=") {
            throw ValidationError("--attribute takes key=value; '\(pair)' has no '='.")
        }
        if let cpu, cpu <= 0 { throw ValidationError("--cpu must be positive.") }
        if let memory, memory <= 0 { throw ValidationError("--memory must be positive.") }
        if let imagePullBehavior, AgentConfiguration.ImagePullBehavior(rawValue: imagePullBehavior) == nil {
            throw ValidationError("--image-pull-behavior must be default, always, once or prefer-cached.")
        }
    }

    /// The ecs.config settings: the file's, with the environment's `ECS_*` laid over them.
    func ecsConfig(environment: [String: String]) throws -> ECSConfigFile {
        var settings = ECSConfigFile()
        if let config {
            do {
                settings = try ECSConfigFile.parse(try String(contentsOfFile: config, encoding: .utf8))
            } catch let error as AgentConfigurationError {
                throw ValidationError("\(config): \(error)")
            }
        }
        return settings.overlaid(with: .environment(environment))
    }

    /// The agent configuration: flags first, then the environment, then the config file.
    func configuration(
        endpoint: URL, cluster: String?, dataDir: String, credentials: (String, String, String?), region: String,
        environment: [String: String], zoneIndex: Int = 0
    ) throws -> AgentConfiguration {
        let settings = try ecsConfig(environment: environment)
        var attributes: [String: String]
        do {
            attributes = try settings.instanceAttributes()
        } catch let error as AgentConfigurationError {
            throw ValidationError("\(error)")
        }
        for pair in attribute {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            attributes[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        do {
            var configuration = AgentConfiguration(
                endpoint: endpoint, cluster: cluster ?? settings.cluster ?? "default", dataDir: dataDir,
                dockerHost: dockerHost ?? environment["DOCKER_HOST"] ?? "unix:///var/run/docker.sock",
                runtime: AgentConfiguration.RuntimeKind(rawValue: runtime) ?? .docker,
                accessKeyId: credentials.0, secretAccessKey: credentials.1, sessionToken: credentials.2,
                region: region,
                availabilityZone: availabilityZone.isEmpty
                    ? settings.values["ECS_AVAILABILITY_ZONE"] : availabilityZone[zoneIndex % availabilityZone.count],
                instanceType: instanceType, attributes: attributes, cpu: cpu, memory: memory,
                reservedMemory: try settings.reservedMemory() ?? 0, reservedPorts: try settings.reservedPorts() ?? [],
                reservedUDPPorts: try settings.reservedUDPPorts() ?? [], hostPortAddress: hostPortAddress,
                hostAddress: hostAddress)
            if let behavior = imagePullBehavior ?? settings.values["ECS_IMAGE_PULL_BEHAVIOR"] {
                guard let parsed = AgentConfiguration.ImagePullBehavior(rawValue: behavior) else {
                    throw ValidationError("ECS_IMAGE_PULL_BEHAVIOR must be default, always, once or prefer-cached.")
                }
                configuration.imagePullBehavior = parsed
            }
            if let wait = try settings.duration("ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION") {
                configuration.taskCleanupWait = wait
            }
            if let timeout = try settings.duration("ECS_CONTAINER_STOP_TIMEOUT") {
                configuration.containerStopTimeout = timeout
            }
            if let timeout = try settings.duration("ECS_CONTAINER_START_TIMEOUT") {
                configuration.containerStartTimeout = timeout
            }
            if let text = settings.values[Self.metricsIntervalVariable], !text.isEmpty {
                guard let seconds = Int(text), seconds >= 1 else {
                    throw ValidationError(
                        "\(Self.metricsIntervalVariable) must be a whole number of seconds, 1 or more.")
                }
                configuration.metricsInterval = .seconds(seconds)
            }
            return configuration
        } catch let error as AgentConfigurationError {
            throw ValidationError("\(error)")
        }
    }
}

/// AWS credentials as any AWS client finds them: the environment, then a profile of the
/// shared credentials file.
enum ClientCredentials {
    static func resolve(profile: String?, environment: [String: String]) throws -> (String, String, String?) {
        if let key = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"],
            !key.isEmpty, !secret.isEmpty, profile == nil
        {
            return (key, secret, environment["AWS_SESSION_TOKEN"])
        }
        let name = profile ?? environment["AWS_PROFILE"] ?? "default"
        let path =
            environment["AWS_SHARED_CREDENTIALS_FILE"]
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".aws/credentials")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError(
                "No credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give a profile of \(path).")
        }
        var section: String?
        var values: [String: String] = [:]
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") && line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == name, let equals = line.firstIndex(of: "=") else { continue }
            values[line[..<equals].trimmingCharacters(in: .whitespaces)] =
                line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"] else {
            throw ValidationError("Profile [\(name)] of \(path) has no aws_access_key_id and aws_secret_access_key.")
        }
        return (key, secret, values["aws_session_token"])
    }
}
