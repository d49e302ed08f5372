import AdmiralControlPlane
import AdmiralModel
import Foundation

/// The forms that create a service and change its task definition, and the requests
/// they make (CreateService, UpdateService) from the fields.
extension Console {
    /// The placement strategies the create form offers, as `type:field` (ECS's CLI shorthand).
    static let placementChoices: [(value: String, label: String)] = [
        ("", "none (ECS's default)"),
        ("spread:attribute:ecs.availability-zone", "spread over availability zones"),
        ("spread:attribute:ecs.availability-zone,spread:instanceId", "spread over zones, then instances"),
        ("spread:instanceId", "spread over instances"),
        ("binpack:memory", "binpack on memory"),
        ("binpack:cpu", "binpack on CPU"),
        ("random:", "random"),
    ]

    func createServiceForm(_ cluster: String, view: ViewContext) -> HTML {
        Layout.form("create", action: Paths.cluster(cluster) + "/create-service", view: view) {
            HTML.el(.div, .class("fields")) {
                field("Service name", "serviceName", view: view, required: true)
                field("Task definition (family or family:revision)", "taskDefinition", view: view, required: true)
                field("Desired count", "desiredCount", type: "number", view: view, default: "1")
                field("Minimum healthy percent", "minimumHealthyPercent", type: "number", view: view, default: "100")
                field("Maximum percent", "maximumPercent", type: "number", view: view, default: "200")
                HTML.el(.label) {
                    "Placement strategy"
                    HTML.element(
                        .select,
                        [.name("placementStrategy")]
                            + Layout.fieldAttributes("create", "placementStrategy", view: view)
                    ) {
                        for choice in Self.placementChoices {
                            if view.values["placementStrategy"] == choice.value {
                                HTML.el(.option, .value(choice.value), HTMLAttribute("selected", nil)) { choice.label }
                            } else {
                                HTML.el(.option, .value(choice.value)) { choice.label }
                            }
                        }
                    }
                    Layout.fieldError("create", "placementStrategy", view: view)
                }
                HTML.el(.label) {
                    "Placement constraints (one a line: distinctInstance, or memberOf and an expression)"
                    HTML.element(
                        .textarea,
                        [
                            .name("placementConstraints"), HTMLAttribute("rows", "2"),
                            HTMLAttribute("placeholder", "memberOf attribute:ecs.availability-zone in [us-east-1a]"),
                        ] + Layout.fieldAttributes("create", "placementConstraints", view: view)
                    ) { view.values["placementConstraints"] ?? "" }
                    Layout.fieldError("create", "placementConstraints", view: view)
                }
                field("Load balancer target group ARN (optional)", "targetGroupArn", view: view)
                field("Container name", "containerName", view: view)
                field("Container port", "containerPort", type: "number", view: view)
            }
            HTML.el(.button, .type("submit")) { "Create service" }
        }
    }

    /// A field of the create form, followed by the refused form's message when it concerns it.
    func field(
        _ label: String, _ name: String, type: String = "text", view: ViewContext, default value: String = "",
        required: Bool = false
    ) -> HTML {
        var attributes: [HTMLAttribute] = [.type(type), .name(name), .value(view.values[name] ?? value)]
        if required { attributes.append(.required) }
        attributes += Layout.fieldAttributes("create", name, view: view)
        return HTML.el(.label) {
            label
            HTML.element(.input, attributes)
            Layout.fieldError("create", name, view: view)
        }
    }

    /// Which field of the create form a refusal's message concerns, by the words the
    /// API's messages use for it (the first field that matches); nil when none does.
    static func createFormField(concernedBy message: String) -> String? {
        let lowered = message.lowercased()
        return createFormFieldWords.first { entry in entry.words.contains { lowered.contains($0) } }?.field
    }

    /// The words of the API's messages that name each field of the create form.
    static let createFormFieldWords: [(field: String, words: [String])] = [
        ("containerPort", ["containerport", "container port"]),
        ("containerName", ["containername", "the container "]),
        ("targetGroupArn", ["targetgrouparn", "target group"]),
        ("placementConstraints", ["placement constraint", "memberof", "distinctinstance", "expression"]),
        ("placementStrategy", ["placement strateg", "placementstrateg"]),
        ("minimumHealthyPercent", ["minimumhealthypercent", "minimum healthy percent"]),
        ("maximumPercent", ["maximumpercent", "maximum percent"]),
        ("desiredCount", ["desiredcount", "desired count"]),
        ("taskDefinition", ["taskdefinition", "task definition"]),
        ("serviceName", ["service name", "servicename", "creation of service"]),
    ]

    /// CreateService from the form's fields; a field that is not a number where one is
    /// needed is refused before the call.
    func createService(cluster: String, form: FormData, context: AdmiralControlPlane.RequestContext) async throws
        -> String
    {
        func number(_ name: String, _ label: String) throws -> Int? {
            let text = (form[name] ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            guard let value = Int(text) else {
                throw AdmiralError.invalidParameter("\(label) must be a whole number; '\(text)' is not one.")
            }
            return value
        }
        let name = (form["serviceName"] ?? "").trimmingCharacters(in: .whitespaces)
        let strategies = try Self.placementStrategies(form["placementStrategy"] ?? "")
        let constraints = try Self.placementConstraints(form["placementConstraints"] ?? "")
        var loadBalancers: [ECS.LoadBalancer]?
        let targetGroup = (form["targetGroupArn"] ?? "").trimmingCharacters(in: .whitespaces)
        if !targetGroup.isEmpty {
            loadBalancers = [
                ECS.LoadBalancer(
                    targetGroupArn: targetGroup,
                    containerName: (form["containerName"] ?? "").trimmingCharacters(in: .whitespaces),
                    containerPort: try number("containerPort", "The container port"))
            ]
        }
        let request = ECS.CreateServiceRequest(
            cluster: cluster, serviceName: name,
            taskDefinition: (form["taskDefinition"] ?? "").trimmingCharacters(in: .whitespaces),
            loadBalancers: loadBalancers, desiredCount: try number("desiredCount", "The desired count"),
            deploymentConfiguration: ECS.DeploymentConfiguration(
                maximumPercent: try number("maximumPercent", "The maximum percent"),
                minimumHealthyPercent: try number("minimumHealthyPercent", "The minimum healthy percent")),
            placementConstraints: constraints.isEmpty ? nil : constraints,
            placementStrategy: strategies.isEmpty ? nil : strategies)
        _ = try await controlPlane.services.createService(request, context: context)
        return name
    }

    /// `spread:attribute:ecs.availability-zone,binpack:memory` as placement strategies.
    static func placementStrategies(_ text: String) throws -> [ECS.PlacementStrategy] {
        try text.split(separator: ",").map { item in
            let parts = item.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let type = ECS.PlacementStrategyType(rawValue: String(parts[0])) else {
                throw AdmiralError.invalidParameter("'\(parts[0])' is not a placement strategy type.")
            }
            let field = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
            return ECS.PlacementStrategy(type: type, field: field)
        }
    }

    /// Placement constraints, one a line: `distinctInstance`, or `memberOf` followed by
    /// its cluster query language expression.
    static func placementConstraints(_ text: String) throws -> [ECS.PlacementConstraint] {
        try text.split(whereSeparator: \.isNewline).compactMap { raw -> ECS.PlacementConstraint? in
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { return nil }
            let word = String(line.prefix { !$0.isWhitespace })
            let expression = line.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
            guard let type = ECS.PlacementConstraintType(rawValue: word) else {
                throw AdmiralError.invalidParameter(
                    "'\(word)' is not a placement constraint type: use distinctInstance, or memberOf and an expression."
                )
            }
            return ECS.PlacementConstraint(type: type, expression: expression.isEmpty ? nil : expression)
        }
    }
}
