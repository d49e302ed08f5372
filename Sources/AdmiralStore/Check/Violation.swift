/// One broken invariant of the stored state, as `admiral check` prints it: which rule,
/// the object it concerns (by ARN) and what is wrong, in words an operator can act on.
public struct Violation: Sendable, Hashable, CustomStringConvertible {
    /// The rules the checker verifies. The raw values are stable: scripts grep for them.
    public enum Invariant: String, Sendable, Hashable, CaseIterable {
        /// A row whose body the server could not decode either.
        case unreadableRow = "unreadable-row"
        /// A container instance's recorded usage differs from its live tasks' reservations.
        case instanceUsage = "instance-usage"
        /// Two live tasks on one instance reserve the same fixed host port.
        case portConflict = "port-conflict"
        /// A task, instance or service names a cluster, instance or definition that is not stored.
        case danglingReference = "dangling-reference"
        /// Two live tasks of a DAEMON service fill the one slot an instance has for it.
        case daemonSlot = "daemon-slot"
        /// A live service has no PRIMARY deployment, or more than one, or repeats an id.
        case deployments = "deployments"
        /// A PENDING or RUNNING task of a service that no ACTIVE or PRIMARY deployment counts.
        case deploymentCount = "deployment-count"
        /// A target in a service's target group that is no live task of the service.
        case strayTarget = "stray-target"
        /// Task definition revisions of a family that are not exactly 1...N.
        case revisions = "revisions"
        /// A stored ARN that does not parse as the ARN of its kind.
        case arn = "arn"
        /// A running container labelled for a task the store has STOPPED or does not know.
        case hostContainer = "host-container"
        /// A RUNNING task on an instance of the Docker host without its containers there.
        case hostTask = "host-task"
    }

    /// The rule that is broken.
    public var invariant: Invariant
    /// The object concerned, by ARN where it has one.
    public var subject: String
    /// What is wrong, and what it means.
    public var message: String

    /// Creates a violation.
    public init(_ invariant: Invariant, subject: String, _ message: String) {
        self.invariant = invariant
        self.subject = subject
        self.message = message
    }

    /// `VIOLATION <invariant> <subject>: <message>`, on one line.
    public var description: String {
        let flat = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "VIOLATION \(invariant.rawValue) \(subject): \(flat)"
    }
}
