import AdmiralControlPlane
import AdmiralModel
import Foundation
import Testing

@testable import AdmiralConsole

@Suite("Console forms")
struct ConsoleFormTests {
    @Test("a refused scale shows the API's message beside the desired count field and keeps what was typed")
    func showsErrorsBesideTheField() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 1)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/clusters/default/services/web")
            let refused = try await browser.post(
                "/console/clusters/default/services/web/scale",
                form: [("desiredCount", "-2"), ("csrfToken", page.csrfToken ?? "")])
            #expect(refused.status == 400)
            let form = try #require(refused.form("scale"))
            let field = try #require(form.range(of: "name=\"desiredCount\""))
            let message = try #require(form.range(of: "data-field=\"desiredCount\""))
            #expect(field.lowerBound < message.lowerBound)
            #expect(form.contains("aria-invalid=\"true\""))
            #expect(form.contains("value=\"-2\""))
            #expect(form.contains("desiredCount must be 0 or more"))
            #expect(refused.form("update")?.contains("class=\"error\"") == false)
        }
    }

    @Test("the create form sends placement constraints, and a refusal is shown beside the field it concerns")
    func createsWithPlacementConstraints() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 0)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/clusters/default/services")
            #expect(page.body.contains("name=\"placementConstraints\""))
            let token = page.csrfToken ?? ""
            let created = try await browser.post(
                "/console/clusters/default/create-service",
                form: [
                    ("serviceName", "placed"), ("taskDefinition", "app"), ("desiredCount", "0"),
                    (
                        "placementConstraints",
                        "distinctInstance\nmemberOf attribute:ecs.availability-zone in [us-east-1a, us-east-1b]"
                    ),
                    ("csrfToken", token),
                ])
            #expect(created.status == 303)
            let badConstraint = try await browser.post(
                "/console/clusters/default/create-service",
                form: [
                    ("serviceName", "other"), ("taskDefinition", "app"), ("placementConstraints", "sameZone"),
                    ("csrfToken", token),
                ])
            #expect(badConstraint.status == 400)
            #expect(badConstraint.body.contains("data-field=\"placementConstraints\""))
            #expect(badConstraint.body.contains("sameZone"))
            let badFamily = try await browser.post(
                "/console/clusters/default/create-service",
                form: [
                    ("serviceName", "other"), ("taskDefinition", "no-such-family"), ("desiredCount", "1"),
                    ("csrfToken", token),
                ])
            #expect(badFamily.status == 400)
            #expect(badFamily.body.contains("data-field=\"taskDefinition\""))
            let badCount = try await browser.post(
                "/console/clusters/default/create-service",
                form: [
                    ("serviceName", "other"), ("taskDefinition", "app"), ("desiredCount", "many"),
                    ("csrfToken", token),
                ])
            #expect(badCount.body.contains("data-field=\"desiredCount\""))
        }
        let described = try await harness.controlPlane.services.describeServices(
            ECS.DescribeServicesRequest(cluster: "default", services: ["placed"]), context: harness.context)
        let constraints = try #require(described.services?.first?.placementConstraints)
        #expect(constraints.map(\.type) == [.distinctInstance, .memberOf])
        #expect(constraints.last?.expression == "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]")
    }

    @Test("which field of the create form a message concerns")
    func mapsMessagesToFields() {
        #expect(Console.createFormField(concernedBy: "desiredCount must be 0 or more; -1 was given.") == "desiredCount")
        #expect(
            Console.createFormField(concernedBy: "The container web did not have a container port 80 defined.")
                == "containerPort")
        #expect(
            Console.createFormField(concernedBy: "The target group with targetGroupArn x does not exist.")
                == "targetGroupArn")
        #expect(Console.createFormField(concernedBy: "Unable to describe task definition.") == "taskDefinition")
        #expect(Console.createFormField(concernedBy: "Something else went wrong.") == nil)
    }
}

extension Page {
    /// The markup of the form named `name` (its data-form attribute).
    func form(_ name: String) -> String? {
        guard let start = body.range(of: "data-form=\"\(name)\""),
            let end = body[start.upperBound...].range(of: "</form>")
        else { return nil }
        return String(body[start.lowerBound..<end.upperBound])
    }
}
