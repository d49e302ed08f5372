import AdmiralModel
import Foundation

/// One deployment of a service as ECS reports it in `DescribeServices`.
public struct ServiceDeployment: Sendable, Hashable {
    /// A deployment's status.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// The most recent deployment: the one the scheduler keeps `desiredCount` of.
        case primary = "PRIMARY"
        /// An older deployment that still has tasks being replaced.
        case active = "ACTIVE"
        /// A deployment that has been completely replaced.
        case inactive = "INACTIVE"
    }

    /// The id, `ecs-svc/` followed by 19 digits.
    public var id: String
    /// The deployment's status.
    public var status: Status
    /// The task definition ARN its tasks run.
    public var taskDefinition: String
    /// When the deployment was created.
    public var createdAt: Date
    /// When the deployment last changed.
    public var updatedAt: Date
    /// The rollout state.
    public var rolloutState: ECS.DeploymentRolloutState
    /// Why the rollout is in that state, in ECS's wording.
    public var rolloutStateReason: String
    /// Consecutive failed tasks, as the circuit breaker counts them.
    public var failedTasks: Int
    /// The tasks the deployment means to run.
    public var desiredCount: Int
    /// Its tasks in PENDING (or earlier) states.
    public var pendingCount: Int
    /// Its tasks in the RUNNING state.
    public var runningCount: Int

    /// Creates the reconciler's view of a deployment.
    public init(
        id: String,
        status: Status,
        taskDefinition: String,
        createdAt: Date,
        updatedAt: Date? = nil,
        rolloutState: ECS.DeploymentRolloutState = .inProgress,
        rolloutStateReason: String? = nil,
        failedTasks: Int = 0,
        desiredCount: Int = 0,
        pendingCount: Int = 0,
        runningCount: Int = 0
    ) {
        self.id = id
        self.status = status
        self.taskDefinition = taskDefinition
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.rolloutState = rolloutState
        self.rolloutStateReason = rolloutStateReason ?? ServiceMessages.inProgressReason(deployment: id)
        self.failedTasks = failedTasks
        self.desiredCount = desiredCount
        self.pendingCount = pendingCount
        self.runningCount = runningCount
    }

    /// The prefix of every deployment id.
    public static let identifierPrefix = "ecs-svc/"
    /// How many decimal digits follow the prefix.
    public static let identifierDigits = 19

    /// A new deployment id, `ecs-svc/` and 19 digits (the first not zero), from a generator.
    public static func makeIdentifier<G: RandomNumberGenerator>(using generator: inout G) -> String {
        var digits = String(Int.random(in: 1...9, using: &generator))
        for _ in 1..<identifierDigits { digits.append(String(Int.random(in: 0...9, using: &generator))) }
        return identifierPrefix + digits
    }

    /// Whether a string has the shape of a deployment id.
    public static func isValidIdentifier(_ id: String) -> Bool {
        guard id.hasPrefix(identifierPrefix) else { return false }
        let digits = id.dropFirst(identifierPrefix.count)
        return digits.count == identifierDigits && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// The deployment as it appears in `DescribeServices`.
    public var ecsDeployment: ECS.Deployment {
        ECS.Deployment(
            id: id, status: status.rawValue, taskDefinition: taskDefinition, desiredCount: desiredCount,
            pendingCount: pendingCount, runningCount: runningCount, failedTasks: failedTasks, createdAt: createdAt,
            updatedAt: updatedAt, launchType: .ec2, rolloutState: rolloutState, rolloutStateReason: rolloutStateReason)
    }
}
