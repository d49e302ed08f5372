import AdmiralControlPlane
import AdmiralModel
import Foundation

/// The latest log lines of a task's containers that log with `awslogs`, read from
/// CloudWatch Logs where the agent ships them.
extension Console {
    /// How many lines a container shows.
    static let logLines = 100

    func taskLogs(_ task: ECS.Task, context: AdmiralControlPlane.RequestContext) async -> HTML {
        guard let arn = task.taskDefinitionArn,
            let definition = try? await controlPlane.taskDefinitions.describe(
                ECS.DescribeTaskDefinitionRequest(taskDefinition: arn), context: context
            ).taskDefinition
        else { return .empty }
        let taskId = Paths.lastComponent(task.taskArn)
        var html = HTML.el(.h2) { "Logs" }
        var any = false
        for container in definition.containerDefinitions ?? [] {
            guard let configuration = container.logConfiguration, configuration.logDriver == .awslogs,
                let group = configuration.options?["awslogs-group"], let name = container.name
            else { continue }
            any = true
            let stream =
                configuration.options?["awslogs-stream-prefix"].map {
                    LogNames.awslogsStreamName(prefix: $0, containerName: name, taskId: taskId)
                } ?? "\(taskId)/\(name)"
            let events =
                (try? await controlPlane.logs.getLogEvents(
                    Logs.GetLogEventsRequest(
                        logGroupName: group, logStreamName: stream, limit: Self.logLines, startFromHead: false),
                    context: context))?.events ?? []
            html.append(HTML.el(.h3) { "\(name): \(group) / \(stream)" })
            if events.isEmpty {
                html.append(HTML.el(.p, .class("empty")) { "No log lines yet." })
            } else {
                html.append(
                    HTML.el(.pre, .class("logs")) {
                        for event in events {
                            Format.time(event.timestamp.map { Date(timeIntervalSince1970: Double($0) / 1000) }) + "  "
                                + (event.message ?? "") + "\n"
                        }
                    })
            }
        }
        if !any {
            html.append(
                HTML.el(.p, .class("empty")) {
                    "No container of this task logs with the awslogs driver, so its lines are not in CloudWatch Logs."
                })
        }
        return html
    }
}
