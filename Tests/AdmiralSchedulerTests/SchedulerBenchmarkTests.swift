import AdmiralScheduler
import Foundation
import Testing

@Suite("Scheduler benchmark")
struct SchedulerBenchmarkTests {
    @Test("the engine benchmark places every task (runs only with ADMIRAL_SCHEDULER_BENCH=1)")
    func benchmark() {
        guard ProcessInfo.processInfo.environment["ADMIRAL_SCHEDULER_BENCH"] == "1" else { return }
        let sizes = [1_000, 10_000, 50_000]
        var lines = ["placement engine: " + SchedulerBenchmark.constraintExpression]
        for size in sizes {
            let result = SchedulerBenchmark.measure(instances: size, tasks: 100_000)
            #expect(result.placed == result.requested)
            lines.append(
                "instances=\(size) placed=\(result.placed) seconds=\(result.seconds) "
                    + "first-request=\(result.firstRequestSeconds) "
                    + "placements/s=\(Int(result.placementsPerSecond)) peakRSS=\(result.peakResidentKiB ?? -1)KiB")
        }
        print(lines.joined(separator: "\n"))
    }

    @Test("a small benchmark run places every task")
    func smallRun() {
        let result = SchedulerBenchmark.measure(instances: 60, tasks: 500)
        #expect(result.placed == 500)
        #expect(SchedulerBenchmark.run(fleetSizes: [30], tasks: 100).contains("placements/s"))
    }
}

@Suite("Scheduler benchmark setup")
struct SchedulerBenchmarkSetupTests {
    @Test("the benchmark's memberOf expression parses")
    func constraintParses() throws {
        _ = try ClusterQuery(SchedulerBenchmark.constraintExpression)
    }
}
