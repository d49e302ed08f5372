import Foundation

extension TaskDefinitionRules {
    /// Task-level CPU units and memory (MiB) after conversion from their string forms.
    struct TaskSize: Equatable {
        var cpuUnits: Int?
        var memoryMiB: Int?
    }

    /// Converts task-level `cpu` to CPU units: an integer (`"1024"`) or vCPUs
    /// (`"1 vCPU"`, `"0.5 vcpu"`, `".25vcpu"`). Returns nil for anything else, and for a vCPU
    /// count that is not a whole number of units.
    static func parseCPUUnits(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let units = Int(trimmed) { return units }
        let lowered = trimmed.lowercased()
        guard lowered.hasSuffix("vcpu") else { return nil }
        let number = lowered.dropLast("vcpu".count).trimmingCharacters(in: .whitespaces)
        return scaleDecimal(number, by: cpuUnitsPerVCPU)
    }

    /// Converts task-level `memory` to MiB: an integer (`"2048"`) or GB (`"2GB"`, `"2 GB"`,
    /// `"0.5 gb"`). Returns nil for anything else, and for a GB count that is not a whole
    /// number of MiB.
    static func parseMemoryMiB(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let mebibytes = Int(trimmed) { return mebibytes }
        let lowered = trimmed.lowercased()
        guard lowered.hasSuffix("gb") else { return nil }
        let number = lowered.dropLast("gb".count).trimmingCharacters(in: .whitespaces)
        return scaleDecimal(number, by: mebibytesPerGigabyte)
    }

    /// Multiplies a plain decimal (`"2"`, `"0.5"`, `".25"`) by `factor` exactly, or returns
    /// nil when the text is not such a decimal or the product is not a whole number.
    private static func scaleDecimal(_ text: String, by factor: Int) -> Int? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        let digits = whole + fraction
        // Twelve digits keep the product far from overflow; six of them may be decimals.
        guard !digits.isEmpty, digits.count <= 12, fraction.count <= 6,
            digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let numerator = Int(digits)
        else { return nil }
        var denominator = 1
        for _ in 0..<fraction.count { denominator *= 10 }
        let scaled = numerator * factor
        guard scaled % denominator == 0 else { return nil }
        return scaled / denominator
    }

    /// Parses and range-checks task-level `cpu` and `memory`.
    static func validateTaskSize(cpu: String?, memory: String?) throws -> TaskSize {
        var size = TaskSize()
        if let cpu {
            guard let units = parseCPUUnits(cpu), taskCPUUnitsRange.contains(units) else {
                throw invalid(
                    "Invalid 'cpu' setting for task. Give CPU units as an integer (for example "
                        + "'1024') or vCPUs (for example '1 vCPU'), between \(taskCPUUnitsRange.lowerBound) "
                        + "and \(taskCPUUnitsRange.upperBound) units; '\(cpu)' is not.")
            }
            size.cpuUnits = units
        }
        if let memory {
            guard let mebibytes = parseMemoryMiB(memory), mebibytes >= minimumContainerMemoryMiB else {
                throw invalid(
                    "Invalid 'memory' setting for task. Give MiB as an integer (for example "
                        + "'2048') or GB (for example '2GB' or '2 GB'), at least "
                        + "\(minimumContainerMemoryMiB) MiB; '\(memory)' is not.")
            }
            size.memoryMiB = mebibytes
        }
        return size
    }

    /// Checks the containers' CPU and memory against the task-level sizes, when given.
    static func validateContainerResources(
        _ containers: [ECS.ContainerDefinition], against size: TaskSize
    ) throws {
        if let taskMemory = size.memoryMiB {
            for container in containers {
                if let memory = container.memory, memory > taskMemory {
                    throw invalid(
                        "The 'memory' setting for container '\(container.name ?? "")' is greater than "
                            + "for the task. Lower the container's 'memory' to at most \(taskMemory) MiB "
                            + "or raise the task's.")
                }
            }
            let reserved = containers.reduce(0) { $0 + ($1.memoryReservation ?? $1.memory ?? 0) }
            if reserved > taskMemory {
                throw invalid(
                    "The sum of all container 'memoryReservation' values cannot be greater than the "
                        + "value of the task 'memory'. The containers reserve \(reserved) MiB and the "
                        + "task has \(taskMemory) MiB.")
            }
        }
        if let taskCPU = size.cpuUnits {
            let reserved = containers.reduce(0) { $0 + ($1.cpu ?? 0) }
            if reserved > taskCPU {
                throw invalid(
                    "The sum of all container 'cpu' values cannot be greater than the value of the "
                        + "task 'cpu'. The containers reserve \(reserved) CPU units and the task has "
                        + "\(taskCPU).")
            }
        }
    }
}
