import AdmiralAPI
import AdmiralControlPlane
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
        abstract: "Run the control plane: the AWS API endpoint, its controllers and its SQLite store."
    )

    @Option(help: "Folder for the database and generated credentials (created when missing).")
    var dataDir: String = "admiral-data"

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let logger = bootstrapLogging(level: options.logLevel)
        options.installExecutor(logger: logger)
        options.raiseOpenFileLimit(logger: logger)
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let (principals, generated) = try options.loadPrincipals(dataDir: dataDir)
        let stores = try ServerStores(folder: dataDir)
        let (controlPlane, background) = options.makeControlPlane(stores: stores, logger: logger)
        let options = self.options
        let app = buildServer(
            configuration: APIConfiguration(accountId: options.accountId, principals: principals),
            controlPlane: controlPlane,
            address: .hostname(options.host, port: options.port),
            idleTimeout: .seconds(Int64(options.connectionIdleTimeout)),
            maxConnections: options.maxConnections,
            logger: logger,
            onServerRunning: { port in
                controlPlane.serverEndpoint.set(options.instanceEndpoint(port: port))
                FileHandle.standardOutput.write(Data(options.exportLines(port: port, principal: generated).utf8))
            })
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [app] + background,
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        try stores.close()
        logger.info("admiral server stopped")
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
