import AdmiralControlPlane
import AdmiralModel
import Foundation

/// A task's page: its state, why it stopped, its containers, and the form that stops it.
extension Console {
    func taskPage(_ cluster: String, _ id: String, view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        guard let task = try await task(cluster, id, context) else {
            return Layout.notFound("There is no task \(id) in cluster \(cluster).", view: view)
        }
        var breadcrumbs: [(title: String, path: String?)] = [
            ("Clusters", Paths.home), (cluster, Paths.cluster(cluster)),
        ]
        if let group = task.group, group.hasPrefix("service:") {
            let service = String(group.dropFirst("service:".count))
            breadcrumbs.append((service, Paths.service(cluster, service)))
        }
        breadcrumbs.append((id, nil))
        let logs = await taskLogs(task, context: context)
        return Page(
            title: "Task " + id, breadcrumbs: breadcrumbs,
            sections: [
                Page.section("task", live: true) {
                    HTML.el(.dl, .class("facts")) {
                        fact("Last status", Format.text(task.lastStatus))
                        fact("Desired status", Format.text(task.desiredStatus))
                        fact("Health", Format.text(task.healthStatus?.rawValue))
                        HTML.el(.dt) { "Task definition" }
                        HTML.el(.dd) {
                            if let link = Format.taskDefinitionPath(task.taskDefinitionArn) {
                                HTML.link(link, Format.taskDefinition(task.taskDefinitionArn))
                            } else {
                                Format.text(task.taskDefinitionArn)
                            }
                        }
                        fact("Group", Format.text(task.group))
                        fact("Started by", Format.text(task.startedBy))
                        fact("Container instance", Paths.lastComponent(task.containerInstanceArn).ifEmpty("—"))
                        fact("Availability zone", Format.text(task.availabilityZone))
                        fact("CPU / memory", "\(task.cpu ?? "—") / \(task.memory ?? "—")")
                        fact("Created", Format.time(task.createdAt))
                        fact("Started", Format.time(task.startedAt))
                        fact("Stopping", Format.time(task.stoppingAt))
                        fact("Stopped", Format.time(task.stoppedAt))
                        fact("Stop code", Format.text(task.stopCode?.rawValue))
                        fact("Stopped reason", Format.text(task.stoppedReason))
                    }
                },
                Page.section("stop", live: true) {
                    if task.desiredStatus != "STOPPED" {
                        Layout.form("stop", action: Paths.task(cluster, id) + "/stop", view: view) {
                            HTML.el(.button, .type("submit"), .class("danger")) { "Stop task" }
                        }
                    } else if let error = view.errors["stop"] {
                        HTML.el(.p, .class("error")) { error }
                    }
                },
                Page.section("containers", live: true) {
                    HTML.el(.h2) { "Containers" }
                    HTML.table(
                        ["Container", "Image", "Last status", "Exit code", "Reason", "Health", "Ports"],
                        task.containers ?? [], empty: "No containers."
                    ) { container in
                        HTML.cell(Format.text(container.name))
                        HTML.cell(Format.text(container.image))
                        HTML.cell(Format.text(container.lastStatus))
                        HTML.cell(Format.number(container.exitCode))
                        HTML.cell(container.reason ?? "")
                        HTML.cell(Format.text(container.healthStatus?.rawValue))
                        HTML.cell(
                            (container.networkBindings ?? []).map { binding in
                                (binding.bindIP ?? "") + ":" + Format.number(binding.hostPort) + "→"
                                    + Format.number(binding.containerPort) + "/" + (binding.protocol?.rawValue ?? "tcp")
                            }.joined(separator: ", "))
                    }
                },
                Page.section("logs", live: true) { logs },
            ])
    }
}
