import AdmiralAPI
import AdmiralControlPlane
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@Suite("Agents' task usage reports")
struct AgentUsageTests {
    static let usageTarget = "AdmiralAgentV1.SubmitTaskUsage"

    /// Runs `body` against the application over `controlPlane`, with a test client.
    func run(_ controlPlane: ControlPlane, _ body: @escaping @Sendable (APIClient) async throws -> Void) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = buildServer(
            configuration: APIConfiguration(principals: [APITestHarness.principal]), controlPlane: controlPlane,
            address: .hostname("127.0.0.1", port: 0), logger: logger)
        try await app.test(.router) { client in try await body(APIClient(client: client)) }
    }

    /// Registers an instance in the `usage` cluster; returns its ARN.
    func register(_ instanceId: String, client: APIClient) async throws -> String {
        let document = #"{\"instanceId\": \"\#(instanceId)\"}"#
        let response = try await client.ecs(
            "RegisterContainerInstance",
            #"{"cluster": "usage", "instanceIdentityDocument": "\#(document)", "totalResources": ["#
                + #"{"name": "CPU", "type": "INTEGER", "integerValue": 2048}, "#
                + #"{"name": "MEMORY", "type": "INTEGER", "integerValue": 2048}]}"#)
        let instance = try #require(response.json["containerInstance"] as? [String: Any], "\(response.json)")
        return try #require(instance["containerInstanceArn"] as? String)
    }

    func submit(
        _ client: APIClient, instance: String, tasks: [(String, Double, Double)], cluster: String = "usage"
    ) async throws -> APIResponse {
        let entries = tasks.map { #"{"taskArn": "\#($0.0)", "cpuUnits": \#($0.1), "memoryMiB": \#($0.2)}"# }
        return try await client.ecs(
            "",
            #"{"cluster": "\#(cluster)", "containerInstanceArn": "\#(instance)", "tasks": [\#(entries.joined(separator: ", "))], "#
                + #""measuredAt": 0}"#,
            target: Self.usageTarget)
    }

    @Test("SubmitTaskUsage records the instance's tasks by ECS task ARN, timed when the server received it")
    func recordsUsage() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        let controlPlane = ControlPlane(store: harness.store)
        try await run(controlPlane) { client in
            _ = try await client.ecs("CreateCluster", #"{"clusterName": "usage"}"#)
            let first = try await register("i-0000000000000000a", client: client)
            _ = try await client.ecs(
                "RegisterTaskDefinition",
                #"{"family": "busy", "containerDefinitions": [{"name": "busy", "image": "busybox", "cpu": 256, "memory": 64}]}"#
            )
            let run = try await client.ecs("RunTask", #"{"cluster": "usage", "taskDefinition": "busy"}"#)
            let task = try #require((run.json["tasks"] as? [[String: Any]])?.first, "\(run.json)")
            let taskArn = try #require(task["taskArn"] as? String)
            #expect(task["containerInstanceArn"] as? String == first)
            let second = try await register("i-0000000000000000b", client: client)

            let before = Date()
            let response = try await submit(client, instance: first, tasks: [(taskArn, 987.5, 12.25)])
            #expect(response.status == 200, "\(response.json)")
            #expect(response.json["acknowledgment"] as? String == "ACK")
            let recorded = try #require(controlPlane.taskUsage.snapshot(since: before.addingTimeInterval(-1))[taskArn])
            #expect(recorded.cpuUnits == 987.5 && recorded.memoryMiB == 12.25)
            // The server's receipt, not the agent's clock (which said 1970).
            #expect(recorded.measuredAt >= before.addingTimeInterval(-1) && recorded.measuredAt <= Date())

            // Another instance cannot report a task that is not placed on it.
            let stray = try await submit(client, instance: second, tasks: [(taskArn, 1, 1)])
            #expect(stray.status == 200)
            #expect(controlPlane.taskUsage.snapshot(since: .distantPast)[taskArn]?.cpuUnits == 987.5)
        }
    }

    @Test("SubmitTaskUsage from an unregistered instance, or with negative figures, is refused")
    func refusesBadReports() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        let controlPlane = ControlPlane(store: harness.store)
        try await run(controlPlane) { client in
            _ = try await client.ecs("CreateCluster", #"{"clusterName": "usage"}"#)
            let instance = try await register("i-0000000000000000c", client: client)
            let taskArn = "arn:aws:ecs:us-east-1:000000000000:task/usage/0123456789abcdef0123456789abcdef"
            let unknown = try await submit(
                client,
                instance:
                    "arn:aws:ecs:us-east-1:000000000000:container-instance/usage/ffffffffffffffffffffffffffffffff",
                tasks: [(taskArn, 1, 1)])
            #expect(unknown.status == 400)
            #expect(unknown.errorType == "InvalidParameterException")
            #expect(unknown.errorMessage?.contains("not registered") == true)
            let negative = try await submit(client, instance: instance, tasks: [(taskArn, -1, 1)])
            #expect(negative.status == 400)
            #expect(negative.errorType == "InvalidParameterException")
            let otherCluster = try await submit(client, instance: instance, tasks: [(taskArn, 1, 1)], cluster: "nope")
            #expect(otherCluster.status == 400)
            #expect(controlPlane.taskUsage.snapshot(since: .distantPast).isEmpty)
        }
    }
}
