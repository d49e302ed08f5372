import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation

/// The clusters list and a cluster's page: its instances by availability zone, with
/// their registered and reserved CPU and memory, and its services.
extension Console {
    func clustersPage(view: ViewContext) async throws -> Page {
        let (clusters, more) = try await clusterList(domainContext(view.session))
        return Page(
            title: "Clusters", breadcrumbs: [("Clusters", nil)],
            sections: [
                Page.section("clusters", live: true) {
                    HTML.table(
                        ["Cluster", "Status", "Instances", "Services", "Running tasks", "Pending tasks"],
                        clusters, empty: "No clusters yet: aws ecs create-cluster makes one."
                    ) { cluster in
                        let name = cluster.clusterName ?? ""
                        HTML.el(.td) { HTML.link(Paths.cluster(name), name) }
                        HTML.cell(Format.text(cluster.status))
                        HTML.cell(Format.number(cluster.registeredContainerInstancesCount))
                        HTML.el(.td) {
                            HTML.link(Paths.services(name), Format.number(cluster.activeServicesCount))
                        }
                        HTML.cell(Format.number(cluster.runningTasksCount))
                        HTML.cell(Format.number(cluster.pendingTasksCount))
                    }
                    if more { HTML.el(.p, .class("note")) { "Showing the first \(Self.listLimit) clusters." } }
                }
            ])
    }

    func clusterPage(_ name: String, view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        guard let cluster = try await cluster(name, context), cluster.status == "ACTIVE" else {
            return Layout.notFound("There is no active cluster named \(name).", view: view)
        }
        // One screen of instances (all when asked), each with its tasks, and the first
        // services by name: what the page shows, not the whole cluster.
        let showAll = view.query["instances"] == "all"
        let after = showAll ? nil : view.query["instancesAfter"].flatMap { $0.isEmpty ? nil : $0 }
        let (shown, moreInstances) = try await instanceSummaries(
            name, after: after, limit: showAll ? nil : Self.instanceLimit, context)
        let instanceCount = cluster.registeredContainerInstancesCount ?? shown.count
        // What the agents last reported of each task's use (the metrics publisher's table).
        let usage = controlPlane.taskUsage.snapshot(since: context.now.addingTimeInterval(-Self.usageWindow))
        let (services, moreServices) = try await serviceSummaries(
            name, after: nil, limit: Self.clusterServiceLimit, context)
        let zones = Dictionary(grouping: shown) { $0.instance.attributeValue("ecs.availability-zone") ?? "no zone" }
        return Page(
            title: "Cluster " + name, breadcrumbs: [("Clusters", Paths.home), (name, nil)],
            sections: [
                Page.section("summary", live: true) {
                    HTML.el(.div, .class("counts")) {
                        count("instances", cluster.registeredContainerInstancesCount)
                        count("services", cluster.activeServicesCount)
                        count("running tasks", cluster.runningTasksCount)
                        count("pending tasks", cluster.pendingTasksCount)
                    }
                },
                Page.section("instances", live: true) {
                    HTML.el(.h2) { "Container instances" }
                    if shown.isEmpty && after == nil {
                        HTML.el(.p, .class("empty")) {
                            "No container instances: start an agent with --cluster \(name)."
                        }
                    }
                    if !showAll && (after != nil || moreInstances) {
                        HTML.el(.p, .class("note")) {
                            "Showing \(shown.count) of \(instanceCount) instances: "
                            if after != nil {
                                HTML.link(Paths.cluster(name), "first \(Self.instanceLimit)")
                                " · "
                            }
                            if moreInstances, let last = shown.last {
                                HTML.link(
                                    Paths.cluster(name) + "?instancesAfter="
                                        + Paths.encode(Paths.lastComponent(last.instance.containerInstanceArn)),
                                    "next \(Self.instanceLimit)")
                                " · "
                            }
                            HTML.link(Paths.cluster(name) + "?instances=all", "show all")
                        }
                    }
                    for zone in zones.keys.sorted() {
                        HTML.el(.h3) { "Availability zone " + zone }
                        HTML.el(.div, .class("instances")) {
                            for (instance, tasks) in (zones[zone] ?? []).sorted(by: {
                                ($0.instance.ec2InstanceId ?? "") < ($1.instance.ec2InstanceId ?? "")
                            }) {
                                instanceCard(instance, cluster: name, tasks: tasks, usage: usage, view: view)
                            }
                        }
                    }
                },
                Page.section("services", live: true) {
                    HTML.el(.h2) { "Services" }
                    serviceTable(services, cluster: name)
                    if moreServices {
                        HTML.el(.p, .class("note")) {
                            "Showing \(services.count) of \(cluster.activeServicesCount ?? services.count) services: "
                            HTML.link(Paths.services(name), "all services")
                        }
                    }
                },
            ])
    }

    /// How old a task's reported use may be to count as its current use: a few metrics
    /// intervals (agents report every 60 s by default).
    static let usageWindow: TimeInterval = 300
    /// How many instance cards a cluster page shows at once unless asked for all.
    static let instanceLimit = 50
    /// How many of an instance's tasks its card lists.
    static let cardTaskLimit = 10
    /// How many services a cluster page lists (the services page lists them all).
    static let clusterServiceLimit = 50

    func instanceCard(
        _ instance: ECS.ContainerInstance, cluster: String, tasks: [TaskRecord], usage: [String: TaskUsage],
        view: ViewContext
    ) -> HTML {
        let measured = tasks.compactMap { usage[names.taskARN(cluster: cluster, id: $0.id)] }
        let used =
            measured.isEmpty
            ? nil : (cpu: measured.reduce(0) { $0 + $1.cpuUnits }, memory: measured.reduce(0) { $0 + $1.memoryMiB })
        let id = Paths.lastComponent(instance.containerInstanceArn)
        let connected = instance.agentConnected ?? false
        let status = instance.status ?? "—"
        return HTML.el(.div, .class("card instance"), .data("instance", id)) {
            HTML.el(.h4) {
                HTML.el(.span, .title(instance.containerInstanceArn ?? "")) { instance.ec2InstanceId ?? id }
                HTML.el(.span, .class("badge " + status.lowercased())) { status }
                HTML.el(.span, .class(connected ? "badge ok" : "badge bad")) {
                    connected ? "agent connected" : "agent disconnected"
                }
            }
            if let reason = instance.statusReason, !reason.isEmpty { HTML.el(.p, .class("note")) { reason } }
            resourceBar("CPU", instance, resource: "CPU", unit: "units", used: used?.cpu)
            resourceBar("Memory", instance, resource: "MEMORY", unit: "MiB", used: used?.memory)
            HTML.el(.p) {
                "Tasks: \(instance.runningTasksCount ?? 0) running, \(instance.pendingTasksCount ?? 0) pending"
            }
            if !tasks.isEmpty {
                HTML.el(.ul, .class("task-list")) {
                    for task in tasks.sorted(by: { $0.createdAt < $1.createdAt }).prefix(Self.cardTaskLimit) {
                        HTML.el(.li) {
                            HTML.link(Paths.task(cluster, task.id), task.id)
                            " " + task.group + " " + task.lastStatus.rawValue
                        }
                    }
                    if tasks.count > Self.cardTaskLimit {
                        HTML.el(.li, .class("note")) { "and \(tasks.count - Self.cardTaskLimit) more" }
                    }
                }
            }
            let attributes = (instance.attributes ?? []).filter {
                !$0.name.hasPrefix("com.amazonaws.ecs.capability") && !$0.name.hasPrefix("ecs.capability.")
            }
            if !attributes.isEmpty {
                HTML.el(.p, .class("attributes")) {
                    for attribute in attributes.sorted(by: { $0.name < $1.name }).prefix(12) {
                        HTML.el(.code) { attribute.name + (attribute.value.map { "=" + $0 } ?? "") }
                        " "
                    }
                }
            }
            Layout.form("state-\(id)", action: Paths.instance(cluster, id) + "/state", view: view) {
                if status == "DRAINING" {
                    HTML.el(.input, .type("hidden"), .name("status"), .value("ACTIVE"))
                    HTML.el(.button, .type("submit")) { "Set ACTIVE" }
                } else {
                    HTML.el(.input, .type("hidden"), .name("status"), .value("DRAINING"))
                    HTML.el(.button, .type("submit")) { "Set DRAINING" }
                }
            }
        }
    }

    /// Registered against reserved (registered minus remaining) as a meter.
    /// Registered against reserved (registered minus remaining) and, when the agents
    /// report it, used (the tasks' latest measured use) as meters.
    func resourceBar(
        _ label: String, _ instance: ECS.ContainerInstance, resource: String, unit: String, used: Double?
    ) -> HTML {
        let registered = instance.registeredResources?.first { $0.name == resource }?.integerValue ?? 0
        let remaining = instance.remainingResources?.first { $0.name == resource }?.integerValue ?? 0
        let reserved = max(0, registered - remaining)
        let usedText = used.map { ", \(Int($0.rounded())) used" } ?? ""
        return HTML.el(.div, .class("resource")) {
            HTML.el(.span, .class("label")) { label }
            HTML.el(
                .meter, .class("reserved"), HTMLAttribute("min", "0"), HTMLAttribute("max", String(max(registered, 1))),
                .value(String(reserved)), HTMLAttribute("high", String(Int(Double(registered) * 0.9))),
                .title("reserved")
            ) { "\(reserved) of \(registered)" }
            if let used {
                HTML.el(
                    .meter, .class("used"), HTMLAttribute("min", "0"), HTMLAttribute("max", String(max(registered, 1))),
                    .value(String(Int(used.rounded()))), .title("used")
                ) { "\(Int(used.rounded())) of \(registered)" }
            }
            HTML.el(.span, .class("figures")) { "\(reserved) reserved\(usedText) of \(registered) \(unit)" }
        }
    }

    func count(_ label: String, _ value: Int?) -> HTML {
        HTML.el(.div, .class("count"), .data("count", label)) {
            HTML.el(.span, .class("label")) { label }
            " "
            HTML.el(.strong, .class("value")) { Format.number(value) }
        }
    }
}

extension ECS.ContainerInstance {
    func attributeValue(_ name: String) -> String? {
        attributes?.first { $0.name == name }?.value
    }
}
