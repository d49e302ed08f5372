import AdmiralControlPlane
import AdmiralModel
import Foundation

/// A cluster's services, and a service's page: its counts, deployments, tasks and
/// events (all live), and the forms that scale it and force a new deployment.
extension Console {
    func servicesPage(_ cluster: String, view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        guard let described = try await self.cluster(cluster, context), described.status == "ACTIVE" else {
            return Layout.notFound("There is no active cluster named \(cluster).", view: view)
        }
        // A screen of services at a time, by name: each one's counts cost a read of its tasks.
        let after = view.query["after"].flatMap { $0.isEmpty ? nil : $0 }
        let (services, more) = try await serviceSummaries(
            cluster, after: after, limit: Self.servicePageSize, context)
        let total = described.activeServicesCount ?? services.count
        return Page(
            title: "Services of " + cluster,
            breadcrumbs: [("Clusters", Paths.home), (cluster, Paths.cluster(cluster)), ("Services", nil)],
            sections: [
                Page.section("services", live: true) {
                    serviceTable(services, cluster: cluster)
                    if after != nil || more {
                        HTML.el(.p, .class("note")) {
                            "Showing \(services.count) of \(total) services"
                            if let first = services.first?.serviceName, let last = services.last?.serviceName {
                                " (\(first) to \(last))"
                            }
                            ": "
                            if after != nil {
                                HTML.link(Paths.services(cluster), "first \(Self.servicePageSize)")
                                " · "
                            }
                            if more, let last = services.last?.serviceName {
                                HTML.link(
                                    Paths.services(cluster) + "?after=" + Paths.encode(last),
                                    "next \(Self.servicePageSize)")
                            }
                        }
                    }
                },
                Page.section("create") {
                    HTML.el(.h2) { "Create a service" }
                    createServiceForm(cluster, view: view)
                },
            ])
    }

    /// How many services the services page lists at a time.
    static let servicePageSize = 100
    /// How many of a service's stopped tasks its page lists, the last stopped first.
    static let stoppedTaskLimit = 20

    func serviceTable(_ services: [ECS.Service], cluster: String) -> HTML {
        HTML.table(
            ["Service", "Status", "Desired", "Pending", "Running", "Task definition", "Deployments"], services,
            empty: "No services in this cluster."
        ) { service in
            let name = service.serviceName ?? ""
            HTML.el(.td) { HTML.link(Paths.service(cluster, name), name) }
            HTML.cell(Format.text(service.status))
            HTML.cell(Format.number(service.desiredCount))
            HTML.cell(Format.number(service.pendingCount))
            HTML.cell(Format.number(service.runningCount))
            HTML.cell(Format.taskDefinition(service.taskDefinition))
            HTML.cell(
                (service.deployments ?? []).map { "\($0.status ?? "") \($0.rolloutState?.rawValue ?? "")" }
                    .joined(separator: ", "))
        }
    }

    func servicePage(_ cluster: String, _ name: String, view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        guard let service = try await service(cluster, name, context) else {
            return Layout.notFound("There is no service named \(name) in cluster \(cluster).", view: view)
        }
        let (running, stopped) = try await serviceTaskLists(
            cluster, service: name, stoppedLimit: Self.stoppedTaskLimit, context)
        let path = Paths.service(cluster, name)
        let metrics = view.streaming ? .empty : await serviceMetrics(cluster: cluster, service: name, view: view)
        let scaling = await serviceScaling(cluster: cluster, service: name, view: view)
        var targetHealth: [(group: String, targets: [ELBv2.TargetHealthDescription])] = []
        for balancer in service.loadBalancers ?? [] {
            guard let group = balancer.targetGroupArn else { continue }
            let described = try? await controlPlane.loadBalancing.describeTargetHealth(
                ELBv2.DescribeTargetHealthInput(targetGroupArn: group), context: context)
            targetHealth.append((Paths.lastComponent(group), described?.targetHealthDescriptions ?? []))
        }
        return Page(
            title: "Service " + name,
            breadcrumbs: [
                ("Clusters", Paths.home), (cluster, Paths.cluster(cluster)), ("Services", Paths.services(cluster)),
                (name, nil),
            ],
            sections: [
                Page.section("counts", live: true) {
                    HTML.el(.div, .class("counts")) {
                        count("desired", service.desiredCount)
                        count("pending", service.pendingCount)
                        count("running", service.runningCount)
                    }
                    HTML.el(.dl, .class("facts")) {
                        fact("Status", Format.text(service.status))
                        HTML.el(.dt) { "Task definition" }
                        HTML.el(.dd) {
                            if let link = Format.taskDefinitionPath(service.taskDefinition) {
                                HTML.link(link, Format.taskDefinition(service.taskDefinition))
                            } else {
                                Format.text(service.taskDefinition)
                            }
                        }
                        fact("Deployment configuration", Format.deployment(service.deploymentConfiguration))
                        fact("Scheduling strategy", Format.text(service.schedulingStrategy?.rawValue))
                        fact("Created by", Format.text(service.createdBy))
                        fact(
                            "Tags",
                            (service.tags ?? []).map { "\($0.key ?? "")=\($0.value ?? "")" }.joined(separator: ", ")
                                .ifEmpty("none"))
                    }
                },
                Page.section("actions") {
                    HTML.el(.div, .class("actions")) {
                        Layout.form("scale", action: path + "/scale", view: view) {
                            HTML.el(.label) {
                                "Desired count "
                                HTML.element(
                                    .input,
                                    [
                                        .type("number"), .name("desiredCount"), HTMLAttribute("min", "0"),
                                        .value(view.values["desiredCount"] ?? String(service.desiredCount ?? 0)),
                                        .required,
                                    ] + Layout.fieldAttributes("scale", "desiredCount", view: view))
                                Layout.fieldError("scale", "desiredCount", view: view)
                            }
                            HTML.el(.button, .type("submit")) { "Update desired count" }
                        }
                        Layout.form("update", action: path + "/update", view: view) {
                            HTML.el(.label) {
                                "Task definition "
                                HTML.element(
                                    .input,
                                    [
                                        .type("text"), .name("taskDefinition"),
                                        .value(
                                            view.values["taskDefinition"]
                                                ?? Format.taskDefinition(service.taskDefinition)),
                                        .required,
                                    ] + Layout.fieldAttributes("update", "taskDefinition", view: view))
                                Layout.fieldError("update", "taskDefinition", view: view)
                            }
                            HTML.el(.button, .type("submit")) { "Deploy this revision" }
                        }
                        Layout.form("deploy", action: path + "/deploy", view: view) {
                            HTML.el(.button, .type("submit")) { "Force new deployment" }
                        }
                    }
                },
                Page.section("deployments", live: true) {
                    HTML.el(.h2) { "Deployments" }
                    deploymentTable(service.deployments ?? [])
                },
                Page.section("placement") {
                    HTML.el(.h2) { "Placement and load balancing" }
                    HTML.el(.dl, .class("facts")) {
                        fact(
                            "Placement strategy",
                            (service.placementStrategy ?? []).map { "\($0.type?.rawValue ?? "")(\($0.field ?? ""))" }
                                .joined(separator: ", ").ifEmpty("none"))
                        fact(
                            "Placement constraints",
                            (service.placementConstraints ?? []).map {
                                "\($0.type?.rawValue ?? "")\($0.expression.map { " " + $0 } ?? "")"
                            }.joined(separator: ", ").ifEmpty("none"))
                        fact(
                            "Load balancers",
                            (service.loadBalancers ?? []).map {
                                Paths.lastComponent($0.targetGroupArn) + " → " + ($0.containerName ?? "") + ":"
                                    + Format.number($0.containerPort)
                            }.joined(separator: ", ").ifEmpty("none"))
                    }
                },
                Page.section("target-health", live: true) {
                    for (group, targets) in targetHealth {
                        HTML.el(.h3) { "Targets of " + group }
                        HTML.table(
                            ["Target", "Port", "State", "Reason", "Description"], targets,
                            empty: "No registered targets."
                        ) { description in
                            HTML.cell(Format.text(description.target?.id))
                            HTML.cell(Format.number(description.target?.port))
                            HTML.cell(Format.text(description.targetHealth?.state?.rawValue))
                            HTML.cell(Format.text(description.targetHealth?.reason?.rawValue))
                            HTML.cell(Format.text(description.targetHealth?.description))
                        }
                    }
                },
                Page.section("tasks", live: true) {
                    HTML.el(.h2) { "Tasks" }
                    taskTable(running, cluster: cluster, empty: "No running tasks.")
                    HTML.el(.h3) { "Recently stopped" }
                    taskTable(stopped, cluster: cluster, empty: "No stopped tasks.")
                },
                Page.section("scaling", live: true) { scaling },
                Page.section("metrics") { metrics },
                Page.section("events", live: true) {
                    HTML.el(.h2) { "Events" }
                    let events = (service.events ?? []).prefix(50)
                    if events.isEmpty { HTML.el(.p, .class("empty")) { "No events yet." } }
                    HTML.el(.ol, .class("events")) {
                        for event in events {
                            HTML.el(.li) {
                                HTML.el(.time) { Format.time(event.createdAt) }
                                " "
                                HTML.el(.span) { event.message ?? "" }
                            }
                        }
                    }
                },
            ])
    }

    func deploymentTable(_ deployments: [ECS.Deployment]) -> HTML {
        HTML.table(
            [
                "Deployment", "Status", "Task definition", "Desired", "Pending", "Running", "Failed", "Rollout",
                "Updated",
            ],
            deployments, empty: "No deployments."
        ) { deployment in
            HTML.cell(Format.text(deployment.id))
            HTML.cell(Format.text(deployment.status))
            HTML.cell(Format.taskDefinition(deployment.taskDefinition))
            HTML.cell(Format.number(deployment.desiredCount), .data("count", "desired"))
            HTML.cell(Format.number(deployment.pendingCount), .data("count", "pending"))
            HTML.cell(Format.number(deployment.runningCount), .data("count", "running"))
            HTML.cell(Format.number(deployment.failedTasks))
            HTML.el(.td) {
                HTML.el(.span, .class("badge " + (deployment.rolloutState?.rawValue.lowercased() ?? ""))) {
                    deployment.rolloutState?.rawValue ?? "—"
                }
                if let reason = deployment.rolloutStateReason { HTML.el(.small) { " " + reason } }
            }
            HTML.cell(Format.time(deployment.updatedAt))
        }
    }

    func taskTable(_ tasks: [ECS.Task], cluster: String, empty: String) -> HTML {
        HTML.table(
            ["Task", "Last status", "Desired", "Health", "Task definition", "Zone", "Started", "Stopped reason"], tasks,
            empty: empty
        ) { task in
            let id = Paths.lastComponent(task.taskArn)
            HTML.el(.td) { HTML.link(Paths.task(cluster, id), id) }
            HTML.cell(Format.text(task.lastStatus))
            HTML.cell(Format.text(task.desiredStatus))
            HTML.cell(Format.text(task.healthStatus?.rawValue))
            HTML.cell(Format.taskDefinition(task.taskDefinitionArn))
            HTML.cell(Format.text(task.availabilityZone))
            HTML.cell(Format.time(task.startedAt))
            HTML.cell(task.stoppedReason ?? "")
        }
    }

    func fact(_ term: String, _ description: String) -> HTML {
        HTML.el(.dt) { term } + HTML.el(.dd) { description }
    }
}

extension String {
    func ifEmpty(_ replacement: String) -> String { isEmpty ? replacement : self }
}
