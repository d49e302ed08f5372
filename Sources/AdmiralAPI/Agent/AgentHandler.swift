import AWSWire
import AdmiralControlPlane
import AdmiralModel

/// Admiral's agent operations (`AdmiralAgentV1.*`): awsJson 1.1 on the same endpoint,
/// signed like ECS calls.
struct AgentHandler: Sendable {
    let operations: [String: ECSHandler.Operation]

    init(agent: AgentService, tasks: TaskService) {
        self.operations = [
            AgentProtocol.pollOperation: ECSHandler.operation(agent.poll),
            AgentProtocol.healthOperation: ECSHandler.operation(tasks.submitContainerHealth),
        ]
    }

    init(_ controlPlane: ControlPlane) {
        self.init(agent: controlPlane.agent, tasks: controlPlane.tasks)
    }

    func handle(operation name: String, body: [UInt8], context: RequestContext) async throws -> [UInt8] {
        guard let operation = operations[name] else {
            throw AWSWireError.unknownOperation("\(AgentProtocol.targetPrefix).\(name)")
        }
        return try await operation(body, context)
    }
}
