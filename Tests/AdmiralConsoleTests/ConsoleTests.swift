import AdmiralConsole
import AdmiralControlPlane
import AdmiralModel
import Foundation
import HTTPTypes
import Testing

@Suite("Console sign-in, sessions and actions")
struct ConsoleTests {
    @Test("without a session a page redirects to the sign-in form with the contract's field names")
    func redirectsToSignIn() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.run { browser in
            let page = try await browser.get("/console/")
            #expect(page.status == 303)
            #expect(page.headers[.location] == "/console/sign-in")
            let form = try await browser.get("/console/sign-in")
            #expect(form.status == 200)
            #expect(form.body.contains("name=\"accessKeyId\""))
            #expect(form.body.contains("name=\"secretAccessKey\""))
        }
    }

    @Test("bad keys show an error; good keys set an HttpOnly, SameSite=Strict, expiring session cookie")
    func signsIn() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.run { browser in
            let refused = try await browser.signIn(
                accessKeyId: ConsoleHarness.user.accessKeyId, secretAccessKey: "not-the-secret")
            #expect(refused.status == 401)
            #expect(refused.body.contains("class=\"error\""))
            #expect(browser.cookies["admiral_console"] == nil)

            let signedIn = try await browser.signIn()
            #expect(signedIn.status == 303)
            let cookie = try #require(signedIn.setCookies.first { $0.hasPrefix("admiral_console=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Max-Age="))
            let home = try await browser.get("/console/")
            #expect(home.status == 200)
            #expect(home.body.contains("Signed in as tester"))
        }
    }

    @Test("the sign-in form is refused without its anti-CSRF token")
    func signInNeedsToken() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.run { browser in
            let page = try await browser.post(
                "/console/sign-in",
                form: [
                    ("accessKeyId", ConsoleHarness.user.accessKeyId),
                    ("secretAccessKey", ConsoleHarness.user.secretAccessKey),
                ])
            #expect(page.status == 403)
        }
    }

    @Test("sign-out ends the session: the old cookie no longer opens a page")
    func signsOut() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.run { browser in
            _ = try await browser.signIn()
            let home = try await browser.get("/console/")
            let session = try #require(browser.cookies["admiral_console"])
            let out = try await browser.post("/console/sign-out", form: [("csrfToken", home.csrfToken ?? "")])
            #expect(out.status == 303)
            browser.cookies["admiral_console"] = session
            let after = try await browser.get("/console/")
            #expect(after.status == 303)
        }
    }

    @Test("an action without a session or without the anti-CSRF token is refused with 403")
    func actionsNeedSessionAndToken() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 1)
        try await harness.run { browser in
            let anonymous = try await browser.post(
                "/console/clusters/default/services/web/scale", form: [("desiredCount", "3")])
            #expect(anonymous.status == 403)
            _ = try await browser.signIn()
            let tokenless = try await browser.post(
                "/console/clusters/default/services/web/scale", form: [("desiredCount", "3")])
            #expect(tokenless.status == 403)
            let wrong = try await browser.post(
                "/console/clusters/default/services/web/scale",
                form: [("desiredCount", "3"), ("csrfToken", "0000")])
            #expect(wrong.status == 403)
        }
        let service = try await harness.describeService()
        #expect(service.desiredCount == 1)
    }

    @Test("the service page shows its counts and scaling goes through UpdateService")
    func scalesAService() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 1)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/clusters/default/services/web")
            #expect(page.status == 200)
            #expect(page.body.contains("name=\"desiredCount\""))
            #expect(page.body.contains("<span class=\"label\">desired</span> <strong class=\"value\">1</strong>"))
            #expect(page.body.contains("<span class=\"label\">running</span>"))
            #expect(page.body.contains("<span class=\"label\">pending</span>"))
            let scaled = try await browser.post(
                "/console/clusters/default/services/web/scale",
                form: [("desiredCount", "4"), ("csrfToken", page.csrfToken ?? "")])
            #expect(scaled.status == 303)
            #expect(scaled.headers[.location] == "/console/clusters/default/services/web")
        }
        #expect(try await harness.describeService().desiredCount == 4)
    }

    @Test("a refused action shows the API's error message next to its form")
    func showsRefusals() async throws {
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
            #expect(refused.body.contains("InvalidParameterException"))
            #expect(refused.body.contains("data-form=\"scale\""))
        }
        #expect(try await harness.describeService().desiredCount == 1)
    }

    @Test("a task definition's command and environment render as text, secret values masked unless asked")
    func escapesTaskDefinitions() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        _ = try await harness.controlPlane.taskDefinitions.register(
            ECS.RegisterTaskDefinitionRequest(
                family: "inert",
                containerDefinitions: [
                    ECS.ContainerDefinition(
                        name: "app", image: "busybox", memory: 32, command: ["<script>alert(1)</script>"],
                        environment: [
                            ECS.KeyValuePair(name: "DB_PASSWORD", value: "hunter2"),
                            ECS.KeyValuePair(name: "GREETING", value: "<img src=x onerror=alert(2)>"),
                        ])
                ]), context: harness.context)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let page = try await browser.get("/console/task-definitions/inert/1")
            #expect(page.status == 200)
            #expect(!page.body.contains("<script>alert(1)"))
            #expect(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!page.body.contains("<img src=x"))
            #expect(!page.body.contains("hunter2"))
            #expect(page.body.contains("DB_PASSWORD=••••"))
            let revealed = try await browser.get("/console/task-definitions/inert/1?reveal=secrets")
            #expect(revealed.body.contains("hunter2"))
        }
    }

    @Test("a live page's event stream needs a session")
    func streamsLiveSections() async throws {
        let harness = try ConsoleHarness()
        defer { harness.cleanup() }
        try await harness.makeService(desiredCount: 2)
        try await harness.run { browser in
            _ = try await browser.signIn()
            let anonymous = Browser(client: browser.client)
            let refused = try await anonymous.get(
                "/console/clusters/default/services/web", headers: [(.accept, "text/event-stream")])
            #expect(refused.status == 403)
        }
    }
}

extension ConsoleHarness {
    func makeService(desiredCount: Int) async throws {
        _ = try await controlPlane.clusters.createCluster(
            ECS.CreateClusterRequest(clusterName: "default"), context: context)
        _ = try await controlPlane.taskDefinitions.register(
            ECS.RegisterTaskDefinitionRequest(
                family: "app",
                containerDefinitions: [ECS.ContainerDefinition(name: "app", image: "busybox", memory: 32)]),
            context: context)
        _ = try await controlPlane.services.createService(
            ECS.CreateServiceRequest(
                cluster: "default", serviceName: "web", taskDefinition: "app", desiredCount: desiredCount),
            context: context)
    }

    func describeService() async throws -> ECS.Service {
        let described = try await controlPlane.services.describeServices(
            ECS.DescribeServicesRequest(cluster: "default", services: ["web"]), context: context)
        return try #require(described.services?.first)
    }
}
