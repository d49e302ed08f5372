import AdmiralConsole
import AdmiralControlPlane
import AdmiralModel
import Foundation
import HTTPTypes
import Testing

@Suite("Console actions beyond scaling")
struct ConsoleActionTests {
    @Test("an instance is set DRAINING and back to ACTIVE through UpdateContainerInstancesState")
    func drainsInstances() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        _ = try await harness.controlPlane.clusters.createCluster(
            ECS.CreateClusterRequest(clusterName: "default"), context: harness.context)
        let registered = try await harness.controlPlane.containerInstances.register(
            ECS.RegisterContainerInstanceRequest(
                cluster: "default", instanceIdentityDocument: #"{"instanceId": "i-0123456789abcdef0"}"#,
                totalResources: [
                    ECS.Resource(name: "CPU", type: "INTEGER", integerValue: 2048),
                    ECS.Resource(name: "MEMORY", type: "INTEGER", integerValue: 4096),
                ]), context: harness.context)
        let arn = try #require(registered.containerInstance?.containerInstanceArn)
        let id = String(arn.split(separator: "/").last ?? "")
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/clusters/default")
            #expect(page.body.contains("i-0123456789abcdef0"))
            #expect(page.body.contains("<meter class=\"reserved\" min=\"0\" max=\"4096\" value=\"0\""))
            let drained = try await browser.post(
                "/console/clusters/default/instances/\(id)/state",
                form: [("status", "DRAINING"), ("csrfToken", page.csrfToken ?? "")])
            #expect(drained.status == 303)
            #expect(try await harness.instanceStatus(id) == "DRAINING")
            let refused = try await browser.post(
                "/console/clusters/default/instances/\(id)/state",
                form: [("status", "ASLEEP"), ("csrfToken", page.csrfToken ?? "")])
            #expect(refused.status == 400)
            #expect(refused.body.contains("ACTIVE or DRAINING"))
            _ = try await browser.post(
                "/console/clusters/default/instances/\(id)/state",
                form: [("status", "ACTIVE"), ("csrfToken", page.csrfToken ?? "")])
            #expect(try await harness.instanceStatus(id) == "ACTIVE")
        }
    }

    @Test("a new revision is registered from edited JSON, masked values keeping their value")
    func registersRevisions() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        _ = try await harness.controlPlane.taskDefinitions.register(
            ECS.RegisterTaskDefinitionRequest(
                family: "edit",
                containerDefinitions: [
                    ECS.ContainerDefinition(
                        name: "app", image: "busybox", memory: 32,
                        environment: [ECS.KeyValuePair(name: "API_TOKEN", value: "s3cret")])
                ]), context: harness.context)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/task-definitions/edit/1")
            #expect(!page.body.contains("s3cret"))
            let json = try #require(page.textarea("definition"))
            #expect(!json.contains("taskDefinitionArn"))
            let edited = json.replacingOccurrences(of: "\"busybox\"", with: "\"busybox:1.36\"")
            let registered = try await browser.post(
                "/console/task-definitions/edit/1/register",
                form: [("definition", edited), ("csrfToken", page.csrfToken ?? "")])
            #expect(registered.status == 303)
            #expect(registered.headers[.location] == "/console/task-definitions/edit/2")
            let refused = try await browser.post(
                "/console/task-definitions/edit/1/register",
                form: [("definition", "{\"family\": \"edit\"}"), ("csrfToken", page.csrfToken ?? "")])
            #expect(refused.status == 400)
            #expect(refused.body.contains("containerDefinitions"))
            let diff = try await browser.get("/console/task-definitions/edit/2?compare=1")
            #expect(diff.body.contains("<span class=\"removed\">-       &quot;image&quot; : &quot;busybox&quot;"))
            #expect(diff.body.contains("<span class=\"added\">+       &quot;image&quot; : &quot;busybox:1.36&quot;"))
        }
        let second = try await harness.controlPlane.taskDefinitions.describe(
            ECS.DescribeTaskDefinitionRequest(taskDefinition: "edit:2"), context: harness.context)
        let container = try #require(second.taskDefinition?.containerDefinitions?.first)
        #expect(container.image == "busybox:1.36")
        #expect(container.environment?.first?.value == "s3cret")
        #expect(second.taskDefinition?.registeredBy == "arn:aws:iam::000000000000:user/tester")
    }

    @Test("a service is created from the form, and a refused one keeps what was typed")
    func createsServices() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 1)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/clusters/default/services")
            let token = page.csrfToken ?? ""
            let created = try await browser.post(
                "/console/clusters/default/create-service",
                form: [
                    ("serviceName", "api"), ("taskDefinition", "app"), ("desiredCount", "2"),
                    ("minimumHealthyPercent", "50"), ("maximumPercent", "150"),
                    ("placementStrategy", "spread:attribute:ecs.availability-zone"), ("csrfToken", token),
                ])
            #expect(created.status == 303)
            #expect(created.headers[.location] == "/console/clusters/default/services/api")
            let refused = try await browser.post(
                "/console/clusters/default/create-service",
                form: [("serviceName", "other"), ("taskDefinition", "no-such-family"), ("csrfToken", token)])
            #expect(refused.status == 400)
            #expect(refused.body.contains("class=\"error\""))
            #expect(refused.body.contains("value=\"no-such-family\""))
        }
        let described = try await harness.controlPlane.services.describeServices(
            ECS.DescribeServicesRequest(cluster: "default", services: ["api"]), context: harness.context)
        let service = try #require(described.services?.first)
        #expect(service.desiredCount == 2)
        #expect(service.deploymentConfiguration?.minimumHealthyPercent == 50)
        #expect(service.placementStrategy?.first?.field == "attribute:ecs.availability-zone")
        #expect(service.createdBy == "arn:aws:iam::000000000000:user/tester")
    }

    @Test("a service's task definition is changed from its page; stopping an unknown task is refused")
    func updatesServicesAndStopsTasks() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 0)
        _ = try await harness.controlPlane.taskDefinitions.register(
            ECS.RegisterTaskDefinitionRequest(
                family: "app", containerDefinitions: [ECS.ContainerDefinition(name: "app", image: "nginx", memory: 32)]),
            context: harness.context)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/clusters/default/services/web")
            let updated = try await browser.post(
                "/console/clusters/default/services/web/update",
                form: [("taskDefinition", "app:2"), ("csrfToken", page.csrfToken ?? "")])
            #expect(updated.status == 303)
            let missing = try await browser.post(
                "/console/clusters/default/tasks/0123456789abcdef0123456789abcdef/stop",
                form: [("csrfToken", page.csrfToken ?? "")])
            #expect(missing.status == 404 || missing.status == 400)
        }
        #expect(try await harness.describeService().taskDefinition?.hasSuffix("app:2") == true)
    }
}

extension ConsoleHarness {
    func instanceStatus(_ id: String) async throws -> String? {
        let described = try await controlPlane.containerInstances.describe(
            ECS.DescribeContainerInstancesRequest(cluster: "default", containerInstances: [id]), context: context)
        return described.containerInstances?.first?.status
    }
}

extension Page {
    /// The text of a textarea, unescaped.
    func textarea(_ name: String) -> String? {
        guard let start = body.range(of: "name=\"\(name)\""),
            let open = body[start.upperBound...].range(of: ">"),
            let close = body[open.upperBound...].range(of: "</textarea>")
        else { return nil }
        return String(body[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
