import AWSWire
import AdmiralControlPlane
import AdmiralModel

/// Requests signed with an EC2 instance's credentials (the instance role the server
/// issues at launch): the agent's calls only. The services then hold each call to the
/// instance's own cluster and container instance (`RequestContext.instance`).
extension AWSEndpoint {
    /// The ECS and agent operations an instance's agent makes.
    static let instanceECSOperations: Set<String> = [
        "RegisterContainerInstance", "SubmitTaskStateChange", "SubmitContainerStateChange",
        "SubmitAttachmentStateChanges", "DiscoverPollEndpoint",
    ]
    /// The CloudWatch Logs operations its awslogs shipping makes.
    static let instanceLogsOperations: Set<String> = [
        "CreateLogGroup", "CreateLogStream", "PutLogEvents", "DescribeLogStreams",
    ]

    /// The principal ARN of an instance's requests.
    func instancePrincipalARN(_ grant: InstanceCredentials.Grant) -> String {
        "arn:aws:sts::\(configuration.accountId):assumed-role/\(InstanceCredentials.roleName)/\(grant.instanceId)"
    }

    /// Refuses what an instance's role does not allow, in the words of the service asked.
    func checkInstancePermission(
        _ grant: InstanceCredentials.Grant, service: String, targetHeader: String?
    ) throws {
        let target = targetHeader.flatMap { try? AWSJSONTarget(header: $0) }
        let operation = target?.operation ?? "*"
        switch (service, target?.servicePrefix) {
        case (ECS.signingName, AgentProtocol.targetPrefix):
            return
        case (ECS.signingName, ECS.targetPrefix) where Self.instanceECSOperations.contains(operation):
            return
        case (Logs.signingName, Logs.targetPrefix) where Self.instanceLogsOperations.contains(operation):
            return
        default:
            break
        }
        let message =
            "User: \(instancePrincipalARN(grant)) is not authorized to perform: \(service):\(operation) "
            + "because no identity-based policy allows the \(service):\(operation) action"
        switch service {
        case ECS.signingName, Logs.signingName, ApplicationAutoScaling.signingName, CloudWatch.signingName:
            throw AWSWireError(code: "AccessDeniedException", message: message)
        case "ec2":
            throw AWSWireError(
                code: "UnauthorizedOperation", message: "You are not authorized to perform this operation. \(message)",
                httpStatus: 403)
        default:
            throw AWSWireError(code: "AccessDenied", message: message, httpStatus: 403)
        }
    }
}
