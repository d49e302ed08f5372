import AWSWire
import AdmiralControlPlane
import AdmiralModel
import Logging

/// Admiral's agent operations (`AdmiralAgentV1.*`): awsJson 1.1 on the same endpoint,
/// signed like ECS calls.
struct AgentHandler: Sendable {
    let operations: [String: ECSHandler.Operation]

    init(agent: AgentService, tasks: TaskService, usage: TaskUsageService) {
        self.operations = [
            AgentProtocol.pollOperation: ECSHandler.operation(agent.poll),
            AgentProtocol.healthOperation: ECSHandler.operation(tasks.submitContainerHealth),
            AgentProtocol.usageOperation: ECSHandler.operation(usage.submit),
        ]
    }

    init(_ controlPlane: ControlPlane, logger: Logger = Logger(label: "admiral.agents")) {
        self.init(
            agent: controlPlane.agent, tasks: controlPlane.tasks,
            usage: TaskUsageService(
                store: controlPlane.store, presence: controlPlane.presence, table: controlPlane.taskUsage,
                logger: logger))
    }

    func handle(operation name: String, body: [UInt8], context: RequestContext) async throws -> [UInt8] {
        guard let operation = operations[name] else {
            throw AWSWireError.unknownOperation("\(AgentProtocol.targetPrefix).\(name)")
        }
        return try await operation(body, context)
    }
}
