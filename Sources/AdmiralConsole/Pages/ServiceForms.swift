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
                    HTML.el(.select, .name("placementStrategy")) {
                        for choice in Self.placementChoices {
                            if view.values["placementStrategy"] == choice.value {
                                HTML.el(.option, .value(choice.value), HTMLAttribute("selected", nil)) { choice.label }
                            } else {
                                HTML.el(.option, .value(choice.value)) { choice.label }
                            }
                        }
                    }
                }
                field("Load balancer target group ARN (optional)", "targetGroupArn", view: view)
                field("Container name", "containerName", view: view)
                field("Container port", "containerPort", type: "number", view: view)
            }
            HTML.el(.button, .type("submit")) { "Create service" }
        }
    }

    func field(
        _ label: String, _ name: String, type: String = "text", view: ViewContext, default value: String = "",
        required: Bool = false
    ) -> HTML {
        var attributes: [HTMLAttribute] = [.type(type), .name(name), .value(view.values[name] ?? value)]
        if required { attributes.append(.required) }
        return HTML.el(.label) {
            label
            HTML.element(.input, attributes)
        }
    }

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
}
