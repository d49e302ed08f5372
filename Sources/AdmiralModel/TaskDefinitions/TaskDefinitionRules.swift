import Foundation

/// ECS's rules for `RegisterTaskDefinition`: what a request must satisfy, and what the
/// stored task definition looks like once ECS has filled in its defaults.
///
/// Both functions are pure, so the control plane calls `validate` and then
/// `makeDefinition` with the ARN and revision it allocated.
///
/// Decisions that differ from Amazon ECS, because Admiral runs every task on its own
/// container instances (the EC2 and EXTERNAL launch types):
/// - `requiresCompatibilities` may list `EC2` and `EXTERNAL`; `FARGATE` and
///   `MANAGED_INSTANCES` are refused with a `ClientException`, since no task could ever be
///   placed on capacity Admiral does not have.
/// - `networkMode` may be `bridge` (the default when absent), `host` or `none`. `awsvpc`
///   is refused with a `ClientException`: it needs an elastic network interface per task,
///   and Admiral has none (ECS Anywhere makes the same choice for external instances).
/// - Registration errors are `ClientException`s, as ECS returns them, with ECS's message
///   where it is known.
public enum TaskDefinitionRules {
    /// The most containers one task definition may hold (the ECS quota).
    static let maximumContainers = 10
    /// The most placement constraints one task definition may hold.
    static let maximumPlacementConstraints = 10
    /// The longest family, container or volume name ECS accepts.
    static let maximumNameLength = 255
    /// The longest container image reference ECS accepts.
    static let maximumImageLength = 255
    /// The most environment files one container may name.
    static let maximumEnvironmentFiles = 10
    /// The largest task definition ECS registers: its JSON (tags aside) is at most 64 KiB.
    public static let maximumDefinitionBytes = 64 * 1024
    /// The smallest memory limit or reservation, in MiB, that Docker 20.10 and later accept.
    static let minimumContainerMemoryMiB = 6
    /// The task-level CPU units ECS accepts for the EC2 and EXTERNAL launch types.
    static let taskCPUUnitsRange = 128...196_608
    /// CPU units in one vCPU.
    static let cpuUnitsPerVCPU = 1024
    /// MiB in one GB, as ECS converts task memory.
    static let mebibytesPerGigabyte = 1024
    /// Valid container ports (and ports of a container port range).
    static let containerPortRange = 1...65_535
    /// Valid host ports; 0 asks for a dynamic host port.
    static let hostPortRange = 0...65_535
    /// Seconds between health checks.
    static let healthCheckIntervalRange = 5...300
    /// Seconds a health check may take.
    static let healthCheckTimeoutRange = 2...60
    /// Consecutive failures before a container is unhealthy.
    static let healthCheckRetriesRange = 1...10
    /// Seconds of grace before failed health checks count.
    static let healthCheckStartPeriodRange = 0...300
    /// The launch types Admiral can place tasks on.
    static let supportedCompatibilities: Set<ECS.Compatibility> = [.ec2, .external]
    /// The compatibilities ECS reports for a definition that validates for EC2.
    static let ec2Compatibilities: [ECS.Compatibility] = [.external, .ec2]

    /// Whether `name` is 1 to 255 ASCII letters, digits, underscores and hyphens — the
    /// pattern ECS applies to families, container names, volume names and link aliases.
    static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= maximumNameLength else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
            default: false
            }
        }
    }

    /// Whether `image` uses only the characters ECS documents for an image reference:
    /// letters, digits, hyphens, underscores, colons, periods, forward slashes and number
    /// signs, plus `@` for a reference by digest (`repository@sha256:...`).
    static func hasValidImageCharacters(_ image: String) -> Bool {
        image.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ":", ".", "/", "#", "@": true
            default: false
            }
        }
    }

    /// The network mode a request's tasks run with: `bridge` when none is given.
    static func effectiveNetworkMode(_ mode: ECS.NetworkMode?) -> ECS.NetworkMode {
        mode ?? .bridge
    }

    /// Whether a container is essential: containers are essential unless they say otherwise.
    static func isEssential(_ container: ECS.ContainerDefinition) -> Bool {
        container.essential ?? true
    }

    /// A `ClientException`, which is how ECS reports an invalid task definition.
    static func invalid(_ message: String) -> AdmiralError {
        .client(message)
    }
}
