/// The lifecycle of a task as ECS names it, in ECS's order: a task only ever moves
/// forward, so progress is `<` and a late or repeated report of an earlier status is
/// ignored.
public enum TaskStatus: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case provisioning = "PROVISIONING"
    case pending = "PENDING"
    case activating = "ACTIVATING"
    case running = "RUNNING"
    case deactivating = "DEACTIVATING"
    case stopping = "STOPPING"
    case deprovisioning = "DEPROVISIONING"
    case stopped = "STOPPED"

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Whether `lhs` comes before `rhs` in a task's life.
    public static func < (lhs: TaskStatus, rhs: TaskStatus) -> Bool { lhs.rank < rhs.rank }

    /// Whether the task still holds its container instance's resources.
    public var holdsResources: Bool { self != .stopped }
}

/// The lifecycle of one container of a task, as ECS reports it (`PENDING`, `RUNNING`,
/// `STOPPED`), in order.
public enum ContainerStatus: String, Sendable, Hashable, CaseIterable, Comparable, Codable {
    case pending = "PENDING"
    case running = "RUNNING"
    case stopped = "STOPPED"

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// Whether `lhs` comes before `rhs` in a container's life.
    public static func < (lhs: ContainerStatus, rhs: ContainerStatus) -> Bool { lhs.rank < rhs.rank }
}

/// The status of a container instance as ECS names it.
public enum ContainerInstanceStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case registering = "REGISTERING"
    case registrationFailed = "REGISTRATION_FAILED"
    case active = "ACTIVE"
    case draining = "DRAINING"
    case deregistering = "DEREGISTERING"
    case inactive = "INACTIVE"
}
