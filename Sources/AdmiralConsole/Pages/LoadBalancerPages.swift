import AdmiralControlPlane
import AdmiralModel
import Foundation

/// Load balancers: the list, and one with its listeners, their rules in priority order
/// (conditions and actions), and its target groups with each target's health.
extension Console {
    func loadBalancersPage(view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        var balancers: [ELBv2.LoadBalancer] = []
        var marker: String?
        repeat {
            let page = try await controlPlane.loadBalancing.describeLoadBalancers(
                ELBv2.DescribeLoadBalancersInput(marker: marker, pageSize: 400), context: context)
            balancers += page.loadBalancers ?? []
            marker = page.nextMarker
        } while marker != nil && balancers.count < Self.listLimit
        return Page(
            title: "Load balancers", breadcrumbs: [("Load balancers", nil)],
            sections: [
                Page.section("load-balancers", live: true) {
                    HTML.table(
                        ["Load balancer", "State", "Scheme", "DNS name", "Zones", "Created"], balancers,
                        empty: "No load balancers: aws elbv2 create-load-balancer makes one."
                    ) { balancer in
                        let name = balancer.loadBalancerName ?? ""
                        HTML.el(.td) { HTML.link(Paths.loadBalancer(name), name) }
                        HTML.cell(Format.text(balancer.state?.code?.rawValue))
                        HTML.cell(Format.text(balancer.scheme?.rawValue))
                        HTML.cell(Format.text(balancer.dnsName))
                        HTML.cell(
                            (balancer.availabilityZones ?? []).compactMap(\.zoneName).joined(separator: ", "))
                        HTML.cell(Format.time(balancer.createdTime))
                    }
                }
            ])
    }

    func loadBalancerPage(_ name: String, view: ViewContext) async throws -> Page {
        let context = domainContext(view.session)
        let found = try? await controlPlane.loadBalancing.describeLoadBalancers(
            ELBv2.DescribeLoadBalancersInput(names: [name]), context: context)
        guard let balancer = found?.loadBalancers?.first, let arn = balancer.loadBalancerArn else {
            return Layout.notFound("There is no load balancer named \(name).", view: view)
        }
        let listeners =
            try await controlPlane.loadBalancing.describeListeners(
                ELBv2.DescribeListenersInput(loadBalancerArn: arn), context: context
            ).listeners ?? []
        var rules: [String: [ELBv2.Rule]] = [:]
        for listener in listeners {
            guard let listenerArn = listener.listenerArn else { continue }
            let described = try await controlPlane.loadBalancing.describeRules(
                ELBv2.DescribeRulesInput(listenerArn: listenerArn), context: context)
            rules[listenerArn] = (described.rules ?? []).sorted { Self.priority($0) < Self.priority($1) }
        }
        let groups =
            try await controlPlane.loadBalancing.describeTargetGroups(
                ELBv2.DescribeTargetGroupsInput(loadBalancerArn: arn), context: context
            ).targetGroups ?? []
        var health: [String: [ELBv2.TargetHealthDescription]] = [:]
        for group in groups {
            guard let groupArn = group.targetGroupArn else { continue }
            health[groupArn] =
                try await controlPlane.loadBalancing.describeTargetHealth(
                    ELBv2.DescribeTargetHealthInput(targetGroupArn: groupArn), context: context
                ).targetHealthDescriptions ?? []
        }
        let groupNames = Dictionary(
            groups.compactMap { group in group.targetGroupArn.map { ($0, group.targetGroupName ?? $0) } },
            uniquingKeysWith: { first, _ in first })
        let metrics = view.streaming ? .empty : await loadBalancerMetrics(name: name, arn: arn, view: view)
        return Page(
            title: "Load balancer " + name,
            breadcrumbs: [("Load balancers", Paths.loadBalancers), (name, nil)],
            sections: [
                Page.section("summary") {
                    HTML.el(.dl, .class("facts")) {
                        fact("State", Format.text(balancer.state?.code?.rawValue))
                        fact("DNS name", Format.text(balancer.dnsName))
                        fact("Scheme", Format.text(balancer.scheme?.rawValue))
                        fact("ARN", arn)
                    }
                },
                Page.section("listeners", live: true) {
                    HTML.el(.h2) { "Listeners and rules" }
                    if listeners.isEmpty { HTML.el(.p, .class("empty")) { "No listeners." } }
                    for listener in listeners {
                        HTML.el(.h3) {
                            "\(listener.protocol?.rawValue ?? "") port \(Format.number(listener.port))"
                        }
                        HTML.table(
                            ["Priority", "Conditions", "Actions"], rules[listener.listenerArn ?? ""] ?? [],
                            empty: "No rules."
                        ) { rule in
                            HTML.cell(rule.isDefault == true ? "default" : Format.text(rule.priority))
                            HTML.cell(Self.describe(conditions: rule.conditions ?? []))
                            HTML.cell(Self.describe(actions: rule.actions ?? [], groupNames: groupNames))
                        }
                    }
                },
                Page.section("metrics") { metrics },
                Page.section("targets", live: true) {
                    HTML.el(.h2) { "Target groups" }
                    if groups.isEmpty { HTML.el(.p, .class("empty")) { "No target groups." } }
                    for group in groups {
                        HTML.el(.h3) {
                            (group.targetGroupName ?? "") + " · \(group.protocol?.rawValue ?? "") port "
                                + Format.number(group.port) + " · health check "
                                + (group.healthCheckPath ?? group.healthCheckProtocol?.rawValue ?? "—")
                        }
                        HTML.table(
                            ["Target", "Port", "Zone", "State", "Reason", "Description"],
                            health[group.targetGroupArn ?? ""] ?? [], empty: "No registered targets."
                        ) { description in
                            HTML.cell(Format.text(description.target?.id))
                            HTML.cell(Format.number(description.target?.port))
                            HTML.cell(Format.text(description.target?.availabilityZone))
                            HTML.el(.td) {
                                let state = description.targetHealth?.state?.rawValue ?? "—"
                                HTML.el(.span, .class("badge " + (state == "healthy" ? "ok" : state))) { state }
                            }
                            HTML.cell(Format.text(description.targetHealth?.reason?.rawValue))
                            HTML.cell(Format.text(description.targetHealth?.description))
                        }
                    }
                },
            ])
    }

    /// Rules in ELB's order: by priority, the default rule last.
    static func priority(_ rule: ELBv2.Rule) -> Int {
        rule.isDefault == true ? Int.max : Int(rule.priority ?? "") ?? Int.max - 1
    }

    static func describe(conditions: [ELBv2.RuleCondition]) -> String {
        guard !conditions.isEmpty else { return "any request" }
        return conditions.map { condition in
            let values =
                condition.values ?? condition.hostHeaderConfig?.values ?? condition.pathPatternConfig?.values
                ?? condition.httpRequestMethodConfig?.values ?? condition.sourceIpConfig?.values ?? []
            return "\(condition.field ?? "") is \(values.joined(separator: " or "))"
        }.joined(separator: " and ")
    }

    static func describe(actions: [ELBv2.Action], groupNames: [String: String]) -> String {
        actions.sorted { ($0.order ?? 0) < ($1.order ?? 0) }.map { action in
            switch action.type {
            case .forward:
                let tuples =
                    action.forwardConfig?.targetGroups?.map {
                        "\(groupNames[$0.targetGroupArn ?? ""] ?? Paths.lastComponent($0.targetGroupArn))"
                            + ($0.weight.map { " (weight \($0))" } ?? "")
                    } ?? []
                let targets =
                    tuples.isEmpty
                    ? [groupNames[action.targetGroupArn ?? ""] ?? Paths.lastComponent(action.targetGroupArn)] : tuples
                return "forward to " + targets.joined(separator: ", ")
            case .fixedResponse:
                return "fixed response \(action.fixedResponseConfig?.statusCode ?? "")"
            case .redirect:
                let redirect = action.redirectConfig
                return "redirect \(redirect?.statusCode.rawValue ?? "") to "
                    + "\(redirect?.protocol ?? "#{protocol}")://\(redirect?.host ?? "#{host}"):"
                    + "\(redirect?.port ?? "#{port}")\(redirect?.path ?? "/#{path}")"
            default:
                return action.type.rawValue
            }
        }.joined(separator: "; ")
    }
}
