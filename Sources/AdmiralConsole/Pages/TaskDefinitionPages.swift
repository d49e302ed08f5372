import AdmiralControlPlane
import AdmiralModel
import Foundation

/// Task definitions: the families, a family's revisions, and a revision with its
/// containers and its JSON (secret-looking environment values masked unless asked for).
extension Console {
    func familiesPage(view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        var families: [String] = []
        var token: String?
        repeat {
            let page = try await controlPlane.taskDefinitions.listFamilies(
                ECS.ListTaskDefinitionFamiliesRequest(status: .all, nextToken: token, maxResults: 100),
                context: context)
            families += page.families ?? []
            token = page.nextToken
        } while token != nil && families.count < Self.listLimit
        return Page(
            title: "Task definitions", breadcrumbs: [("Task definitions", nil)],
            sections: [
                Page.section("families") {
                    HTML.table(["Family"], families, empty: "No task definitions yet.") { family in
                        HTML.el(.td) { HTML.link(Paths.family(family), family) }
                    }
                }
            ])
    }

    func familyPage(_ family: String, view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        var revisions: [(arn: String, status: String)] = []
        for status in [ECS.TaskDefinitionStatus.active, .inactive] {
            var token: String?
            repeat {
                let page = try await controlPlane.taskDefinitions.list(
                    ECS.ListTaskDefinitionsRequest(
                        familyPrefix: family, status: status, sort: .desc, nextToken: token, maxResults: 100),
                    context: context)
                revisions += (page.taskDefinitionArns ?? []).map { ($0, status.rawValue) }
                token = page.nextToken
            } while token != nil && revisions.count < Self.listLimit
        }
        return Page(
            title: "Family " + family, breadcrumbs: [("Task definitions", Paths.taskDefinitions), (family, nil)],
            sections: [
                Page.section("revisions") {
                    HTML.table(["Revision", "Status"], revisions, empty: "No revisions of this family.") { revision in
                        HTML.el(.td) {
                            if let path = Format.taskDefinitionPath(revision.arn) {
                                HTML.link(path, Format.taskDefinition(revision.arn))
                            } else {
                                Format.taskDefinition(revision.arn)
                            }
                        }
                        HTML.cell(revision.status)
                    }
                }
            ])
    }

    func revisionPage(_ family: String, _ revision: Int, view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        let described: ECS.DescribeTaskDefinitionResponse
        do {
            described = try await controlPlane.taskDefinitions.describe(
                ECS.DescribeTaskDefinitionRequest(taskDefinition: "\(family):\(revision)", include: [.tags]),
                context: context)
        } catch is AdmiralError {
            return Layout.notFound("There is no task definition \(family):\(revision).", view: view)
        }
        guard let definition = described.taskDefinition else {
            return Layout.notFound("There is no task definition \(family):\(revision).", view: view)
        }
        let reveal = view.query["reveal"] == "secrets"
        let path = Paths.revision(family, revision)
        let diff = try await diffSection(family: family, revision: revision, definition: definition, view: view)
        return Page(
            title: "\(family):\(revision)",
            breadcrumbs: [
                ("Task definitions", Paths.taskDefinitions), (family, Paths.family(family)), ("\(revision)", nil),
            ],
            sections: [
                Page.section("summary") {
                    HTML.el(.dl, .class("facts")) {
                        fact("Status", Format.text(definition.status?.rawValue))
                        fact("Network mode", Format.text(definition.networkMode?.rawValue))
                        fact("CPU / memory", "\(definition.cpu ?? "—") / \(definition.memory ?? "—")")
                        fact("Registered", Format.time(definition.registeredAt))
                        fact("Registered by", Format.text(definition.registeredBy))
                        fact(
                            "Tags",
                            (described.tags ?? []).map { "\($0.key ?? "")=\($0.value ?? "")" }.joined(separator: ", ")
                                .ifEmpty("none"))
                    }
                    HTML.el(.p) {
                        if reveal {
                            HTML.link(path, "Mask secret values")
                        } else {
                            HTML.link(path + "?reveal=secrets", "Show secret values")
                        }
                    }
                },
                Page.section("containers") {
                    HTML.el(.h2) { "Containers" }
                    HTML.table(
                        ["Container", "Image", "Command", "CPU", "Memory", "Ports", "Environment"],
                        definition.containerDefinitions ?? [], empty: "No containers."
                    ) { container in
                        HTML.cell(Format.text(container.name))
                        HTML.cell(Format.text(container.image))
                        HTML.el(.td) {
                            HTML.el(.code) {
                                ((container.entryPoint ?? []) + (container.command ?? [])).joined(separator: " ")
                            }
                        }
                        HTML.cell(container.cpu.map(String.init) ?? "—")
                        HTML.cell(
                            (container.memory ?? container.memoryReservation).map { "\($0) MiB" } ?? "—")
                        HTML.cell(
                            (container.portMappings ?? []).map {
                                "\($0.hostPort.map(String.init) ?? "")→\($0.containerPort.map(String.init) ?? "")"
                            }.joined(separator: ", "))
                        HTML.el(.td) {
                            HTML.el(.ul, .class("env")) {
                                for variable in container.environment ?? [] {
                                    HTML.el(.li) {
                                        HTML.el(.code) {
                                            (variable.name ?? "") + "="
                                                + SecretMasking.display(
                                                    name: variable.name ?? "", value: variable.value ?? "",
                                                    reveal: reveal)
                                        }
                                    }
                                }
                            }
                        }
                    }
                },
                Page.section("json") {
                    HTML.el(.h2) { "JSON" }
                    HTML.el(.pre, .class("json")) { Self.json(definition, reveal: reveal) }
                },
                Page.section("diff") {
                    HTML.el(.h2) { "Compare with another revision" }
                    diff
                },
                Page.section("edit") {
                    HTML.el(.h2) { "Register a new revision" }
                    HTML.el(.p, .class("note")) {
                        "Edit this revision's JSON and register it as the next revision of its family (or of "
                            + "another family, when you change \"family\"). Masked values keep their current value."
                    }
                    Layout.form("register", action: path + "/register", view: view) {
                        HTML.element(
                            .textarea,
                            [.name("definition"), HTMLAttribute("rows", "24"), .class("json")]
                                + Layout.fieldAttributes("register", "definition", view: view)
                        ) {
                            view.values["definition"] ?? Self.registrationJSON(definition)
                        }
                        Layout.fieldError("register", "definition", view: view)
                        HTML.el(.button, .type("submit")) { "Register new revision" }
                    }
                },
            ])
    }

    /// A GET form choosing the revision to compare with, and the line diff of the two JSONs.
    func diffSection(family: String, revision: Int, definition: ECS.TaskDefinition, view: ViewContext) async throws
        -> HTML
    {
        let other = view.query["compare"].flatMap(Int.init) ?? (revision > 1 ? revision - 1 : nil)
        var html = HTML.el(.form, HTMLAttribute("method", "get"), .action(Paths.revision(family, revision))) {
            HTML.el(.label) {
                "Revision "
                HTML.el(
                    .input, .type("number"), .name("compare"), HTMLAttribute("min", "1"),
                    .value(other.map(String.init) ?? ""))
            }
            HTML.el(.button, .type("submit")) { "Compare" }
        }
        guard let other, other != revision else { return html }
        let described = try? await controlPlane.taskDefinitions.describe(
            ECS.DescribeTaskDefinitionRequest(taskDefinition: "\(family):\(other)"),
            context: domainContext(view.session))
        guard let base = described?.taskDefinition else {
            html.append(HTML.el(.p, .class("note")) { "There is no revision \(other) of \(family)." })
            return html
        }
        let reveal = view.query["reveal"] == "secrets"
        guard let lines = LineDiff.diff(Self.json(base, reveal: reveal), Self.json(definition, reveal: reveal)) else {
            html.append(HTML.el(.p, .class("note")) { "These revisions are too long to compare here." })
            return html
        }
        html.append(HTML.el(.p) { "Changes from \(family):\(other) to \(family):\(revision):" })
        html.append(
            HTML.el(.pre, .class("json diff")) {
                for line in lines {
                    switch line {
                    case .same(let text): HTML.el(.span, .class("same")) { "  " + text + "\n" }
                    case .removed(let text): HTML.el(.span, .class("removed")) { "- " + text + "\n" }
                    case .added(let text): HTML.el(.span, .class("added")) { "+ " + text + "\n" }
                    }
                }
            })
        return html
    }

    /// The definition as `describe-task-definition` prints it, secrets masked unless revealed.
    static func json(_ definition: ECS.TaskDefinition, reveal: Bool) -> String {
        var shown = definition
        if !reveal {
            shown.containerDefinitions = shown.containerDefinitions?.map { container in
                var container = container
                container.environment = container.environment?.map { variable in
                    var variable = variable
                    variable.value = SecretMasking.display(
                        name: variable.name ?? "", value: variable.value ?? "", reveal: false)
                    return variable
                }
                return container
            }
        }
        let encoder = ECS.makeEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(shown) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
