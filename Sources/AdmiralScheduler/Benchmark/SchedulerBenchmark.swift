import Foundation

/// A benchmark of the placement engine alone: a fleet of instances over three zones,
/// tasks placed ten per request with AZ-balanced spread, binpack on memory, a `memberOf`
/// constraint, or all three. `admiral bench scheduler` runs one ``measure(instances:tasks:perRequest:scenario:reference:seed:)``;
/// `benchmarks/scheduler/run.sh` runs each in a process of its own.
public enum SchedulerBenchmark {
    /// What every request asks for.
    public enum Scenario: String, Sendable, CaseIterable {
        /// `spread` on `attribute:ecs.availability-zone` (AZ-balanced spread).
        case spread
        /// `binpack` on `memory`.
        case binpack
        /// The `memberOf` constraint, placed `random`ly among the members.
        case memberOf
        /// AZ spread, then binpack on memory, within the `memberOf` constraint.
        case combined

        var strategies: [PlacementStrategy] {
            switch self {
            case .spread: [.spread(.attribute("ecs.availability-zone"))]
            case .binpack: [.binpack(.memory)]
            case .memberOf: [.random]
            case .combined: [.spread(.attribute("ecs.availability-zone")), .binpack(.memory)]
            }
        }

        var constrained: Bool { self == .memberOf || self == .combined }
    }

    /// The figures of one run.
    public struct Result: Sendable {
        /// Instances in the fleet.
        public var instances: Int
        /// Tasks requested.
        public var requested: Int
        /// Tasks placed.
        public var placed: Int
        /// Wall time of all requests, including building the engine's indexes.
        public var seconds: Double
        /// Wall time of the first request alone, which builds the engine's indexes.
        public var firstRequestSeconds: Double
        /// Placements per second.
        public var placementsPerSecond: Double { seconds > 0 ? Double(placed) / seconds : 0 }
        /// Peak resident memory of the process so far (VmHWM), in KiB, when known.
        public var peakResidentKiB: Int?
    }

    /// The availability zones of the benchmark fleet.
    static let zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
    /// Instance types: name, CPU units, memory MiB. The constraint admits m5 and c5 only.
    static let types: [(name: String, cpu: Int, memory: Int)] = [
        ("m5.4xlarge", 16_384, 65_536), ("c5.4xlarge", 32_768, 32_768), ("t3.xlarge", 8_192, 16_384),
    ]

    /// The `memberOf` expression of every request.
    public static let constraintExpression = "attribute:ecs.instance-type =~ (m5|c5)\\..*"

    /// Runs the benchmark for each fleet size and returns a table of the figures.
    public static func run(
        fleetSizes: [Int] = [1_000, 10_000, 50_000], tasks: Int = 100_000, perRequest: Int = 10
    ) -> String {
        var lines = [
            "Placement engine: \(tasks) tasks, \(perRequest) per request; spread attribute:ecs.availability-zone, "
                + "binpack memory, memberOf \(constraintExpression)",
            "instances  placed   seconds  first request (s)  placements/s  peak RSS (MiB)",
        ]
        for size in fleetSizes {
            let result = measure(instances: size, tasks: tasks, perRequest: perRequest)
            let rss = result.peakResidentKiB.map { String($0 / 1024) } ?? "?"
            lines.append(
                "\(pad(size, 9))  \(pad(result.placed, 7))  \(pad(String(format: "%.3f", result.seconds), 7))  "
                    + "\(pad(String(format: "%.3f", result.firstRequestSeconds), 17))  "
                    + "\(pad(Int(result.placementsPerSecond), 12))  \(pad(rss, 14))")
        }
        return lines.joined(separator: "\n")
    }

    /// Places `tasks` tasks on a fleet of `instances` and measures it. With `reference`,
    /// every request takes the engine's linear reference pass (what a scheduler without
    /// indexes does: score every instance for every task), the baseline of the figures.
    public static func measure(
        instances: Int, tasks: Int, perRequest: Int = 10, scenario: Scenario = .combined, reference: Bool = false,
        seed: UInt64 = 42
    ) -> Result {
        var random = SplitMix64(seed: seed)
        let snapshot = fleet(instances, random: &random)
        let constraint =
            scenario.constrained
            ? (try? ClusterQuery(constraintExpression)).map { [PlacementConstraint.memberOf($0)] } : []
        var requests: [PlacementRequest] = []
        var remaining = tasks
        var number = 0
        while remaining > 0 {
            let count = min(perRequest, remaining)
            requests.append(
                PlacementRequest(
                    count: count, cpu: [32, 64, 128][number % 3], memory: [64, 128, 256][(number / 3) % 3],
                    group: "family:bench-\(number % 10)",
                    strategies: scenario.strategies,
                    constraints: constraint ?? [], seed: random.next()))
            remaining -= count
            number += 1
        }
        let clock = ContinuousClock()
        var placed = 0
        let start = clock.now
        var firstDone = start
        var engine = PlacementEngine(snapshot: snapshot)
        engine.alwaysUseReferencePass = reference
        for request in requests {
            placed += engine.place(request).placements.count
            if firstDone == start { firstDone = clock.now }
        }
        let end = clock.now
        return Result(
            instances: instances, requested: tasks, placed: placed, seconds: seconds(end - start),
            firstRequestSeconds: seconds(firstDone - start), peakResidentKiB: peakResidentKiB())
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// A fleet spread evenly over the zones with a mix of instance types.
    static func fleet(_ size: Int, random: inout SplitMix64) -> ClusterSnapshot {
        let instances = (0..<size).map { number in
            let type = types[Int(random.next() % UInt64(types.count))]
            let id = String(format: "%032x", number)
            return InstanceSnapshot(
                id: "arn:aws:ecs:us-east-1:000000000000:container-instance/bench/\(id)",
                ec2InstanceId: "i-\(id.suffix(17))",
                attributes: ["ecs.availability-zone": zones[number % zones.count], "ecs.instance-type": type.name],
                remainingCPU: type.cpu, remainingMemory: type.memory)
        }
        return ClusterSnapshot(instances: instances)
    }

    /// VmHWM from /proc/self/status, in KiB (Linux only).
    static func peakResidentKiB() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        }
        return nil
    }

    private static func pad(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
