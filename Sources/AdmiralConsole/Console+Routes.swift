import AdmiralControlPlane
import AdmiralModel
import Foundation
import Hummingbird

/// Which page a path names, and what each action does.
extension Console {
    /// Renders the page a route names; nil when none does.
    func render(route: [String], view: ViewContext) async throws -> Page? {
        switch route.count {
        case 0:
            return try await clustersPage(view: view)
        case 1 where route[0] == "clusters":
            return try await clustersPage(view: view)
        case 1 where route[0] == "task-definitions":
            return try await familiesPage(view: view)
        case 1 where route[0] == "load-balancers":
            return try await loadBalancersPage(view: view)
        case 2 where route[0] == "load-balancers":
            return try await loadBalancerPage(route[1], view: view)
        case 2 where route[0] == "clusters":
            return try await clusterPage(route[1], view: view)
        case 2 where route[0] == "task-definitions":
            return try await familyPage(route[1], view: view)
        case 3 where route[0] == "clusters" && route[2] == "services":
            return try await servicesPage(route[1], view: view)
        case 3 where route[0] == "task-definitions":
            guard let revision = Int(route[2]) else { return nil }
            return try await revisionPage(route[1], revision, view: view)
        case 4 where route[0] == "clusters" && route[2] == "services":
            return try await servicePage(route[1], route[3], view: view)
        case 4 where route[0] == "clusters" && route[2] == "tasks":
            return try await taskPage(route[1], route[3], view: view)
        default:
            return nil
        }
    }

    /// The path of a route, as the browser asked for it.
    static func path(of route: [String]) -> String {
        route.isEmpty ? Paths.home : Self.pathPrefix + "/" + route.map(Paths.encode).joined(separator: "/")
    }

    func page(route: [String], view: ViewContext, status: HTTPResponse.Status? = nil) async -> Response {
        do {
            guard let page = try await render(route: route, view: view) else {
                return Self.html(
                    .notFound,
                    Layout.render(
                        Layout.notFound("The console has no page at this address.", view: view), view: view,
                        path: Self.path(of: route)))
            }
            return Self.html(
                status ?? HTTPResponse.Status(code: page.status),
                Layout.render(page, view: view, path: Self.path(of: route)))
        } catch {
            let page = Page(
                title: "Something went wrong", breadcrumbs: [("Clusters", Paths.home)],
                sections: [Page.section("failure") { HTML.el(.p, .class("error")) { Self.message(of: error) } }])
            return Self.html(.internalServerError, Layout.render(page, view: view, path: Self.path(of: route)))
        }
    }

    /// Carries out one action: the same domain operation the API would call, as the
    /// signed-in principal. Success goes back to the page; a refusal shows the page
    /// again with the operation's error next to its form.
    func act(route: [String], form: FormData, session: SessionStore.Session) async -> Response {
        let view = ViewContext(session: session, query: FormData(urlEncoded: ""), errors: [:])
        let context = domainContext(session)
        if route == ["sign-out"] { return signOut(session) }
        if route.count == 4, route[0] == "task-definitions", route[3] == "register", let revision = Int(route[2]) {
            return await registerRevision(family: route[1], revision: revision, form: form, view: view)
        }
        if route.count == 3, route[0] == "clusters", route[2] == "create-service" {
            do {
                let name = try await createService(cluster: route[1], form: form, context: context)
                return Self.redirect(to: Paths.service(route[1], name))
            } catch {
                var view = view
                view.values = Dictionary(
                    form.fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                let message = Self.message(of: error)
                return await refused(
                    [route[0], route[1], "services"], form: "create", message: message,
                    field: Self.createFormField(concernedBy: message), view: view)
            }
        }
        guard route.count == 5, route[0] == "clusters" else {
            return Self.plain(.notFound, "The console has no action at this address.")
        }
        let cluster = route[1]
        let pageRoute = Array(route.prefix(4))
        switch (route[2], route[4]) {
        case ("services", "scale"):
            let text = (form["desiredCount"] ?? "").trimmingCharacters(in: .whitespaces)
            var view = view
            view.values["desiredCount"] = text
            guard let desiredCount = Int(text) else {
                return await refused(
                    pageRoute, form: "scale",
                    message: "The desired count must be a whole number; '\(text)' is not one.", field: "desiredCount",
                    view: view)
            }
            do {
                _ = try await controlPlane.services.updateService(
                    ECS.UpdateServiceRequest(cluster: cluster, service: route[3], desiredCount: desiredCount),
                    context: context)
            } catch {
                return await refused(
                    pageRoute, form: "scale", message: Self.message(of: error), field: "desiredCount", view: view)
            }
            return Self.redirect(to: Paths.service(cluster, route[3]))
        case ("services", "update"):
            let taskDefinition = (form["taskDefinition"] ?? "").trimmingCharacters(in: .whitespaces)
            do {
                _ = try await controlPlane.services.updateService(
                    ECS.UpdateServiceRequest(cluster: cluster, service: route[3], taskDefinition: taskDefinition),
                    context: context)
            } catch {
                var view = view
                view.values["taskDefinition"] = taskDefinition
                return await refused(
                    pageRoute, form: "update", message: Self.message(of: error), field: "taskDefinition", view: view)
            }
            return Self.redirect(to: Paths.service(cluster, route[3]))
        case ("services", "deploy"):
            do {
                _ = try await controlPlane.services.updateService(
                    ECS.UpdateServiceRequest(cluster: cluster, service: route[3], forceNewDeployment: true),
                    context: context)
            } catch {
                return await refused(pageRoute, form: "deploy", message: Self.message(of: error), view: view)
            }
            return Self.redirect(to: Paths.service(cluster, route[3]))
        case ("tasks", "stop"):
            do {
                _ = try await controlPlane.tasks.stopTask(
                    ECS.StopTaskRequest(
                        cluster: cluster, task: route[3],
                        reason: "Stopped from the console by \(session.user.name)"),
                    context: context)
            } catch {
                return await refused(pageRoute, form: "stop", message: Self.message(of: error), view: view)
            }
            return Self.redirect(to: Paths.task(cluster, route[3]))
        case ("instances", "state"):
            let formName = "state-\(route[3])"
            guard let status = ECS.ContainerInstanceStatus(rawValue: form["status"] ?? "") else {
                return await refused(
                    [route[0], cluster], form: formName,
                    message: "The status must be ACTIVE or DRAINING.", view: view)
            }
            do {
                let result = try await controlPlane.containerInstances.updateState(
                    ECS.UpdateContainerInstancesStateRequest(
                        cluster: cluster, containerInstances: [route[3]], status: status),
                    context: context)
                if let failure = result.failures?.first {
                    return await refused(
                        [route[0], cluster], form: formName,
                        message: "\(failure.reason ?? "Refused")\(failure.detail.map { ": " + $0 } ?? "")",
                        view: view)
                }
            } catch {
                return await refused(
                    [route[0], cluster], form: formName, message: Self.message(of: error), view: view)
            }
            return Self.redirect(to: Paths.cluster(cluster))
        default:
            return Self.plain(.notFound, "The console has no action at this address.")
        }
    }

    func registerRevision(family: String, revision: Int, form: FormData, view: ViewContext) async -> Response {
        let pageRoute = ["task-definitions", family, String(revision)]
        let text = form["definition"] ?? ""
        do {
            let described = try await controlPlane.taskDefinitions.describe(
                ECS.DescribeTaskDefinitionRequest(taskDefinition: "\(family):\(revision)"),
                context: domainContext(view.session))
            guard let base = described.taskDefinition else {
                return Self.plain(.notFound, "There is no task definition \(family):\(revision).")
            }
            let registered = try await registerRevision(from: text, base: base, context: domainContext(view.session))
            return Self.redirect(to: Paths.revision(registered.family, registered.revision))
        } catch {
            var view = view
            view.values["definition"] = text
            return await refused(
                pageRoute, form: "register", message: Self.message(of: error), field: "definition", view: view)
        }
    }

    /// The page of `route` again, with the refused form's message beside `field` (under
    /// the form when it concerns no one field).
    func refused(_ route: [String], form: String, message: String, field: String? = nil, view: ViewContext) async
        -> Response
    {
        var view = view
        view.errors[form] = message
        view.errorFields[form] = field
        return await page(route: route, view: view, status: .badRequest)
    }

    /// What the API would say: the error's code and message.
    static func message(of error: any Error) -> String {
        if let error = error as? AdmiralError { return "\(error.message) (\(error.code.rawValue))" }
        return "The server failed to carry out the action: \(error)"
    }
}
