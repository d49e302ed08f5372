import ArgumentParser

/// The `admiral` command: a self-hosted container orchestrator that speaks the Amazon
/// ECS API.
@main
struct Admiral: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admiral",
        abstract: "A self-hosted container orchestrator that implements the Amazon ECS API.",
        subcommands: [DevCommand.self, ServerCommand.self, AgentCommand.self, CheckCommand.self, BenchCommand.self]
    )
}
