import AdmiralAPI
import AdmiralModel
import AdmiralStore
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `admiral server`: the control plane, serving the AWS APIs on one port.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the control plane: the AWS API endpoint and its SQLite store."
    )

    @Option(help: "Folder for the database and generated credentials (created when missing).")
    var dataDir: String = "admiral-data"

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 7700

    @Option(help: "The region clients sign for by default (ARNs use the region of each request).")
    var region: String = "us-east-1"

    @Option(help: "The account id in ARNs.")
    var accountId: String = "000000000000"

    @Option(help: "An AWS shared-credentials file; each [section] is a principal allowed to call the API.")
    var credentials: String?

    @Option(
        help: ArgumentHelp(
            "One address for every load balancer (for example 0.0.0.0); by default each load balancer gets its own "
                + "loopback address from 127.0.1.1 on.",
            valueName: "address"))
    var loadBalancerAddress: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535.") }
        guard accountId.count == 12, accountId.allSatisfy(\.isNumber) else {
            throw ValidationError("--account-id must be 12 digits.")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown --log-level \(logLevel).") }
        if let loadBalancerAddress, !TargetRules.isIPv4Address(loadBalancerAddress) {
            throw ValidationError("--load-balancer-address must be an IPv4 address such as 0.0.0.0 or 127.0.0.1.")
        }
    }

    func run() async throws {
        let logger = bootstrapLogging(level: logLevel)
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let (principals, generated) = try loadPrincipals()
        let store = try SQLiteStore(path: (dataDir as NSString).appendingPathComponent("admiral.sqlite"))
        let host = host
        let region = region
        let addressing = loadBalancerAddress.map(LoadBalancerAddressing.shared) ?? .loopbackPerLoadBalancer
        let app = buildServer(
            configuration: APIConfiguration(
                accountId: accountId, principals: principals, loadBalancerAddressing: addressing),
            store: store,
            address: .hostname(host, port: port),
            logger: logger,
            onServerRunning: { port in
                var lines = ["# Admiral is listening on http://\(host):\(port)"]
                if let generated {
                    lines.append("export AWS_ACCESS_KEY_ID=\(generated.accessKeyId)")
                    lines.append("export AWS_SECRET_ACCESS_KEY=\(generated.secretAccessKey)")
                }
                lines.append("export AWS_DEFAULT_REGION=\(region)")
                lines.append("export AWS_ENDPOINT_URL=http://\(host):\(port)")
                FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            })
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [app], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try store.close()
        logger.info("admiral server stopped")
    }

    /// The principals from `--credentials`, or the key pair kept in the data folder
    /// (created on first start), which is then also returned for printing.
    func loadPrincipals() throws -> ([Principal], Principal?) {
        if let credentials {
            let text = try String(contentsOfFile: credentials, encoding: .utf8)
            do {
                return (try SharedCredentialsFile.parse(text), nil)
            } catch {
                throw ValidationError("\(credentials): \(error)")
            }
        }
        let path = (dataDir as NSString).appendingPathComponent("credentials")
        if FileManager.default.fileExists(atPath: path) {
            let principals = try SharedCredentialsFile.parse(try String(contentsOfFile: path, encoding: .utf8))
            return (principals, principals.first)
        }
        let principal = Principal.generate(name: "admiral")
        let text = SharedCredentialsFile.render([principal])
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw ValidationError("Could not write \(path).")
        }
        return ([principal], principal)
    }
}

func bootstrapLogging(level: String) -> Logger {
    let logLevel = Logger.Level(rawValue: level) ?? .info
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = logLevel
        return handler
    }
    var logger = Logger(label: "admiral")
    logger.logLevel = logLevel
    return logger
}
