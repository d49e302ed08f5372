import Foundation

/// Everything the service reconciler decides from: one service, its deployments, its
/// tasks, the cluster's container instances and the service's recent events. The
/// control plane reads it from the store; the reconciler never does I/O.
public struct ServiceState: Sendable, Hashable {
    /// The service's settings.
    public var service: ServiceSpec
    /// Its deployments, any order (INACTIVE ones may be left out, except the COMPLETED
    /// ones a rollback could return to).
    public var deployments: [ServiceDeployment]
    /// Its tasks: every task not yet STOPPED, and stopped tasks of the PRIMARY
    /// deployment the circuit breaker has not acknowledged yet.
    public var tasks: [ServiceTask]
    /// The cluster's container instances.
    public var instances: [ServiceInstance]
    /// The service's events, newest first (for throttling repeated messages).
    public var events: [ServiceEvent]

    /// Creates a state.
    public init(
        service: ServiceSpec,
        deployments: [ServiceDeployment],
        tasks: [ServiceTask] = [],
        instances: [ServiceInstance] = [],
        events: [ServiceEvent] = []
    ) {
        self.service = service
        self.deployments = deployments
        self.tasks = tasks
        self.instances = instances
        self.events = events
    }

    /// The PRIMARY deployment (the most recent one if the store holds several).
    public var primary: ServiceDeployment? {
        deployments.filter { $0.status == .primary }.max { $0.createdAt < $1.createdAt }
    }
}

/// A service event: the message and when it happened. The store gives it an id.
public struct ServiceEvent: Sendable, Hashable {
    /// The message, `(service <name>) ...`.
    public var message: String
    /// When it happened.
    public var createdAt: Date

    /// Creates an event.
    public init(message: String, createdAt: Date) {
        self.message = message
        self.createdAt = createdAt
    }
}
