import AdmiralModel

/// Turns readings of containers' cumulative CPU time into each task's CPU units and
/// memory: a pure state machine that keeps the previous reading of every container.
///
/// A task's CPU units are its containers' CPU time between two readings over the wall
/// time between them, times 1,024 (one busy core is 1,024 units), summed over its running
/// containers; its memory is their current memory. A task is reported only when every one
/// of its running containers has a previous reading: a container's first reading after it
/// starts (or after the agent starts) only sets the baseline, so a rate is never made of
/// half a task.
struct UsageSampler: Sendable {
    /// One container's reading and when it was taken.
    struct Reading: Sendable, Equatable {
        var usage: ContainerUsage
        var at: ContinuousClock.Instant
    }

    /// What was read of one running container this round.
    enum Outcome: Sendable, Equatable {
        /// Measured.
        case measured(Reading)
        /// The runtime could not say this time; the previous reading is kept.
        case failed
    }

    /// CPU units of one core.
    static let unitsPerCore = 1024.0
    /// Bytes in a MiB.
    static let bytesPerMiB = 1_048_576.0

    private var previous: [String: Reading] = [:]

    /// Whether a container has no previous reading, so that its next one would only set
    /// the baseline.
    func lacksBaseline(_ id: String) -> Bool {
        previous[id] == nil
    }

    /// Records readings as the previous ones of their containers (by task ARN, then
    /// container id), leaving every other container's as it is.
    mutating func setBaselines(_ readings: [String: [String: Reading]]) {
        for containers in readings.values {
            previous.merge(containers) { $1 }
        }
    }

    /// Takes one round of readings, by task ARN and then container id, and returns the
    /// usage of every task that can be computed, ordered by ARN. Containers missing from
    /// the round (stopped, removed) are forgotten.
    mutating func take(_ round: [String: [String: Outcome]]) -> [SubmitTaskUsageRequest.TaskUsage] {
        var next: [String: Reading] = [:]
        var usages: [SubmitTaskUsageRequest.TaskUsage] = []
        for arn in round.keys.sorted() {
            guard let containers = round[arn], !containers.isEmpty else { continue }
            var complete = true
            var cpuUnits = 0.0
            var memoryBytes = 0.0
            for (id, outcome) in containers {
                guard case .measured(let reading) = outcome else {
                    complete = false
                    if let kept = previous[id] { next[id] = kept }
                    continue
                }
                next[id] = reading
                guard let rate = previous[id].flatMap({ Self.cpuUnits(from: $0, to: reading) }) else {
                    complete = false
                    continue
                }
                cpuUnits += rate
                memoryBytes += Double(reading.usage.memoryBytes)
            }
            if complete {
                usages.append(
                    SubmitTaskUsageRequest.TaskUsage(
                        taskArn: arn, cpuUnits: cpuUnits, memoryMiB: memoryBytes / Self.bytesPerMiB))
            }
        }
        previous = next
        return usages
    }

    /// The CPU units a container used between two readings; nil when no time passed or
    /// its CPU time went backwards (a new container under the same id).
    static func cpuUnits(from earlier: Reading, to later: Reading) -> Double? {
        let wall = Self.nanoseconds(later.at - earlier.at)
        guard wall > 0, later.usage.cpuNanoseconds >= earlier.usage.cpuNanoseconds else { return nil }
        let cpu = Double(later.usage.cpuNanoseconds - earlier.usage.cpuNanoseconds)
        return cpu / wall * unitsPerCore
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}
