import AdmiralScheduler
import ArgumentParser
import Foundation

/// `admiral bench`: benchmarks of parts of Admiral that run inside one process.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark of one part of Admiral (benchmarks/ has the scripts that compare them).",
        subcommands: [SchedulerBench.self]
    )
}

/// `admiral bench scheduler`: the placement engine alone, one fleet size and scenario,
/// one JSON object on stdout (peak memory is the whole process's, so run one per process).
struct SchedulerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Place tasks on a synthetic fleet with the placement engine and print the figures as JSON."
    )

    @Option(help: "Container instances in the fleet (over three availability zones).")
    var instances: Int = 10_000

    @Option(help: "Tasks to place.")
    var tasks: Int = 100_000

    @Option(help: "Tasks per placement request.")
    var perRequest: Int = 10

    @Option(help: "spread, binpack, memberOf or combined.")
    var scenario: String = SchedulerBenchmark.Scenario.combined.rawValue

    @Flag(help: "Score every instance for every task (the engine's linear reference pass): the baseline.")
    var reference = false

    func validate() throws {
        guard SchedulerBenchmark.Scenario(rawValue: scenario) != nil else {
            throw ValidationError(
                "Unknown scenario '\(scenario)'; use one of "
                    + SchedulerBenchmark.Scenario.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        guard instances > 0, tasks > 0, perRequest > 0 else {
            throw ValidationError("--instances, --tasks and --per-request must be positive.")
        }
    }

    func run() throws {
        let scenario = SchedulerBenchmark.Scenario(rawValue: scenario) ?? .combined
        let result = SchedulerBenchmark.measure(
            instances: instances, tasks: tasks, perRequest: perRequest, scenario: scenario, reference: reference)
        let figures: [String: Any] = [
            "scenario": scenario.rawValue, "engine": reference ? "reference" : "indexed",
            "instances": result.instances, "requested": result.requested, "placed": result.placed,
            "seconds": result.seconds, "first_request_seconds": result.firstRequestSeconds,
            "placements_per_second": result.placementsPerSecond, "peak_rss_kib": result.peakResidentKiB ?? -1,
        ]
        let data = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
