import AdmiralAgent
import AdmiralStore
import ArgumentParser
import DockerEngine
import Foundation

/// `admiral check`: reads the whole control-plane state of a data folder (while a server
/// may be running on it) and prints every broken invariant. Exit status 0 when none, 1
/// when any, 2 when the state could not be read.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the invariants of the state in a data folder (and of a Docker host against it).",
        discussion: """
            Prints one summary line (CHECKED name=count ...), then one line per broken invariant \
            (VIOLATION <invariant> <ARN>: <what is wrong>), then the number of violations. Exit status: \
            0 when the state is consistent, 1 when an invariant is broken, 2 when the state could not be \
            read. Safe while `admiral server` runs on the folder: the databases are opened read-only and \
            each is read in one transaction.
            """
    )

    /// Exit status when the state could not be read.
    static let unreadable: Int32 = 2

    @Option(help: "The data folder `admiral server --data-dir` keeps its state in.")
    var dataDir: String

    @Option(help: "Also compare this Docker host with the store (unix:///path/to/docker.sock or tcp://host:port).")
    var dockerHost: String?

    @Option(help: "The region to write ARNs in (the store keeps names; ARNs are rendered per request).")
    var region: String = "us-east-1"

    @Option(help: "The account id to write ARNs with.")
    var accountId: String = "000000000000"

    func run() async throws {
        let snapshot: StateSnapshot
        do {
            snapshot = try StateSnapshot.read(dataFolder: dataDir, region: region, accountId: accountId)
        } catch {
            Self.printError("admiral check: cannot read the state: \(error)")
            throw ExitCode(Self.unreadable)
        }
        var counts = snapshot.counts
        let checker = InvariantChecker(region: region, accountId: accountId)
        var violations = checker.check(snapshot)
        if let dockerHost {
            let containers: [HostContainer]
            do {
                containers = try await Self.containers(on: dockerHost)
            } catch {
                Self.printError("admiral check: cannot list the containers of \(dockerHost): \(error)")
                throw ExitCode(Self.unreadable)
            }
            counts.append(("host_containers", containers.count))
            violations += checker.checkHost(snapshot, containers: containers, host: dockerHost)
        }
        print("CHECKED " + counts.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        for violation in violations { print(violation) }
        print(violations.isEmpty ? "OK no invariant is broken" : "FAILED \(violations.count) violation(s)")
        if !violations.isEmpty { throw ExitCode(1) }
    }

    /// Every container of the host that carries the agent's cluster label, as the
    /// checker sees it.
    static func containers(on host: String) async throws -> [HostContainer] {
        let client = try DockerClient(host: host)
        let summaries = try await client.listContainers(labels: [TaskContainers.Label.cluster], all: true)
        return summaries.map { summary in
            let labels = summary.labels ?? [:]
            let name = summary.names?.first.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 } ?? summary.id
            return HostContainer(
                id: summary.id, name: name, state: summary.state ?? "unknown",
                cluster: labels[TaskContainers.Label.cluster], taskArn: labels[TaskContainers.Label.taskArn],
                containerName: labels[TaskContainers.Label.containerName],
                containerInstanceId: labels[TaskContainers.Label.containerInstance])
        }
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
