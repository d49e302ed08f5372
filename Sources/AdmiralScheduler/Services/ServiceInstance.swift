/// A container instance of the service's cluster, as the service reconciler sees it.
public struct ServiceInstance: Sendable, Hashable {
    /// The container instance ARN.
    public var arn: String
    /// ACTIVE accepts tasks; DRAINING keeps none of the service's; INACTIVE is deregistered.
    public var status: InstanceSnapshot.Status
    /// Whether its agent is connected.
    public var agentConnected: Bool
    /// Its `ecs.availability-zone`, used to keep zones balanced when stopping tasks.
    public var availabilityZone: String?
    /// For DAEMON services: whether the instance satisfies the service's placement
    /// constraints and the task definition's required attributes (the control plane
    /// evaluates them with the placement engine's filters).
    public var satisfiesDaemonConstraints: Bool
    /// For DAEMON services on a DRAINING instance: how many tasks of REPLICA services
    /// it still runs. Daemon tasks are the last to stop, after those.
    public var replicaTasksRemaining: Int

    /// Creates the reconciler's view of a container instance.
    public init(
        arn: String,
        status: InstanceSnapshot.Status = .active,
        agentConnected: Bool = true,
        availabilityZone: String? = nil,
        satisfiesDaemonConstraints: Bool = true,
        replicaTasksRemaining: Int = 0
    ) {
        self.arn = arn
        self.status = status
        self.agentConnected = agentConnected
        self.availabilityZone = availabilityZone
        self.satisfiesDaemonConstraints = satisfiesDaemonConstraints
        self.replicaTasksRemaining = replicaTasksRemaining
    }

    /// The instance's 32-hex id, as service events name it.
    public var instanceId: String { ServiceTask.lastComponent(arn) }
}
