import AdmiralControlPlane
import AdmiralInstances
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle

/// What an EC2 instance is on this server (`--instance-provider`).
enum InstanceProviderKind: String, ExpressibleByArgument, CaseIterable {
    /// An `admiral agent` child process per instance, on the local Docker daemon.
    case process
    /// In-process simulated agents (no containers), for scale tests.
    case simulated
    /// The operator's launch and terminate executables.
    case command
}

/// The options that choose and configure the instance provider, shared by `admiral
/// server` and `admiral dev`.
struct InstanceProviderOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "What an EC2 instance is: 'process' (an admiral agent child process per instance, running its tasks on "
                + "--instance-docker-host), 'simulated' (in-process simulated agents, for scale tests) or 'command' "
                + "(--launch-command and --terminate-command).",
            valueName: "provider"))
    var instanceProvider: InstanceProviderKind = .process

    @Option(help: "With --instance-provider process: the Docker daemon the instances' agents use (default: $DOCKER_HOST or unix:///var/run/docker.sock).")
    var instanceDockerHost: String?

    @Option(help: "With --instance-provider command: the executable that starts an instance (the instance as JSON on standard input).")
    var launchCommand: String?

    @Option(help: "With --instance-provider command: the executable that stops an instance (the same JSON on standard input).")
    var terminateCommand: String?

    func validate() throws {
        switch instanceProvider {
        case .command:
            guard let launchCommand, let terminateCommand else {
                throw ValidationError("--instance-provider command needs --launch-command and --terminate-command.")
            }
            for path in [launchCommand, terminateCommand] where !FileManager.default.isExecutableFile(atPath: path) {
                throw ValidationError("'\(path)' is not an executable file.")
            }
        case .process, .simulated:
            if launchCommand != nil || terminateCommand != nil {
                throw ValidationError("--launch-command and --terminate-command go with --instance-provider command.")
            }
        }
    }

    /// The provider, keeping its instances' folders under `DATA_DIR/instances`. A provider
    /// that is also a service (the process provider stops its agents at shutdown) is
    /// returned as one too.
    func makeProvider(dataDir: String, region: String, logger: Logger) -> (any InstanceProvider, (any Service)?) {
        let root = (dataDir as NSString).appendingPathComponent("instances")
        var logger = logger
        logger[metadataKey: "instance.provider"] = .string(instanceProvider.rawValue)
        switch instanceProvider {
        case .process:
            let provider = ProcessInstanceProvider(
                binary: ProcessInstanceProvider.currentExecutable(), root: root,
                dockerHost: instanceDockerHost ?? ProcessInfo.processInfo.environment["DOCKER_HOST"]
                    ?? "unix:///var/run/docker.sock",
                region: region, logger: logger)
            return (provider, provider)
        case .simulated:
            let provider = SimulatedInstanceProvider(root: root, region: region, logger: logger)
            return (provider, SimulatedInstancesShutdown(provider: provider))
        case .command:
            return (
                CommandInstanceProvider(
                    launchCommand: launchCommand ?? "", terminateCommand: terminateCommand ?? "", root: root,
                    logger: logger),
                nil
            )
        }
    }
}

/// Stops the simulated agents when the server shuts down.
struct SimulatedInstancesShutdown: Service {
    let provider: SimulatedInstanceProvider

    func run() async throws {
        try? await gracefulShutdown()
        await provider.stopAll()
    }
}
