import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@Suite("Load balancing service: load balancers, target groups, listeners and rules")
struct LoadBalancingServiceTests {
    @Test("a load balancer gets ARN, zones and its own loopback address, provisioning then active")
    func createLoadBalancer() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer("web")
        #expect(
            web.loadBalancerArn
                == "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/0000000000000001")
        #expect(web.dnsName == "127.0.1.1")
        #expect(web.state?.code == .provisioning)
        #expect(web.type == .application)
        #expect(web.scheme == .internetFacing)
        #expect(web.ipAddressType == .ipv4)
        #expect(web.canonicalHostedZoneId == "Z35SXDOTRQ7X7K")
        #expect(web.availabilityZones?.map(\.zoneName) == ["us-east-1a", "us-east-1b"])
        let api = try await harness.createLoadBalancer("api", subnets: ["subnet-0aaa", "subnet-0bbb", "subnet-0ccc"])
        #expect(api.dnsName == "127.0.1.2")
        #expect(api.availabilityZones?.map(\.zoneName) == ["us-east-1a", "us-east-1b", "us-east-1c"])
        let described = try await harness.service.describeLoadBalancers(.init(names: ["web"]), context: harness.context)
        #expect(described.loadBalancers?.first?.state?.code == .active)
        // The same request again returns the same load balancer; a round-robin subnet keeps its zone.
        let again = try await harness.createLoadBalancer("web")
        #expect(again.loadBalancerArn == web.loadBalancerArn)
        let other = try await harness.createLoadBalancer("other", subnets: ["subnet-0ccc", "subnet-us-east-1a"])
        #expect(other.availabilityZones?.map(\.zoneName) == ["us-east-1c", "us-east-1a"])
    }

    @Test("refused load balancers change nothing")
    func refusedLoadBalancers() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        _ = try await harness.createLoadBalancer("web")
        try await harness.refuses(.duplicateLoadBalancerName, "different settings") {
            _ = try await harness.createLoadBalancer("web", subnets: ["subnet-us-east-1a", "subnet-us-east-1c"])
        }
        try await harness.refuses(.validationError, "At least two subnets") {
            _ = try await harness.createLoadBalancer("one", subnets: ["subnet-us-east-1a"])
        }
        try await harness.refuses(.invalidConfigurationRequest, "same Availability Zone") {
            _ = try await harness.createLoadBalancer(
                "same", subnets: ["subnet-us-east-1a", "subnet-x", "subnet-y", "subnet-z"])
        }
        try await harness.refuses(.invalidConfigurationRequest, "application load balancers only") {
            _ = try await harness.service.createLoadBalancer(
                .init(name: "net", subnets: ["subnet-us-east-1a", "subnet-us-east-1b"], type: .network),
                context: harness.context)
        }
        try await harness.refuses(.validationError, "internal-") {
            _ = try await harness.createLoadBalancer("internal-web")
        }
        try await harness.refuses(.duplicateTagKeys) {
            _ = try await harness.service.createLoadBalancer(
                .init(
                    name: "tagged", subnets: ["subnet-us-east-1a", "subnet-us-east-1b"],
                    tags: [.init(key: "a", value: "1"), .init(key: "a", value: "2")]),
                context: harness.context)
        }
    }

    @Test("deletion protection blocks DeleteLoadBalancer; deleting removes listeners and rules")
    func deleteLoadBalancer() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer()
        let group = try await harness.createTargetGroup()
        let listener = try await harness.createListener(web, forwardTo: group)
        _ = try await harness.createRule(listener, priority: 1, path: "/a", forwardTo: group)
        let arn = try #require(web.loadBalancerArn)
        _ = try await harness.service.modifyLoadBalancerAttributes(
            .init(loadBalancerArn: arn, attributes: [.init(key: "deletion_protection.enabled", value: "true")]),
            context: harness.context)
        try await harness.refuses(.operationNotPermitted, "deletion protection") {
            _ = try await harness.service.deleteLoadBalancer(.init(loadBalancerArn: arn), context: harness.context)
        }
        _ = try await harness.service.modifyLoadBalancerAttributes(
            .init(loadBalancerArn: arn, attributes: [.init(key: "deletion_protection.enabled", value: "false")]),
            context: harness.context)
        _ = try await harness.service.deleteLoadBalancer(.init(loadBalancerArn: arn), context: harness.context)
        let state = try await harness.store.loadBalancingState()
        #expect(state.loadBalancers.isEmpty && state.listeners.isEmpty && state.rules.isEmpty)
        #expect(state.targetGroups.count == 1)
        // Deleting again succeeds, as on AWS.
        _ = try await harness.service.deleteLoadBalancer(.init(loadBalancerArn: arn), context: harness.context)
        try await harness.refuses(.validationError, "not a valid load balancer ARN") {
            _ = try await harness.service.deleteLoadBalancer(.init(loadBalancerArn: "web"), context: harness.context)
        }
    }

    @Test("a listener has a default rule, listed last with priority default")
    func defaultRule() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer()
        let blue = try await harness.createTargetGroup("blue")
        let green = try await harness.createTargetGroup("green")
        let listener = try await harness.createListener(web, forwardTo: blue)
        #expect(listener.defaultActions?.first?.forwardConfig?.targetGroups?.first?.weight == 1)
        _ = try await harness.createRule(listener, priority: 5, path: "/green/*", forwardTo: green)
        let rules = try #require(
            try await harness.service.describeRules(.init(listenerArn: listener.listenerArn), context: harness.context)
                .rules)
        #expect(rules.map(\.priority) == ["5", "default"])
        #expect(rules.map(\.isDefault) == [false, true])
        let defaultRule = try #require(rules.last)
        #expect(defaultRule.conditions == [])
        #expect(defaultRule.actions == listener.defaultActions)
        let ruleArn = try #require(defaultRule.ruleArn)
        try await harness.refuses(.operationNotPermitted, "default rule cannot be deleted") {
            _ = try await harness.service.deleteRule(.init(ruleArn: ruleArn), context: harness.context)
        }
        try await harness.refuses(.operationNotPermitted, "conditions of a default rule") {
            _ = try await harness.service.modifyRule(
                .init(ruleArn: ruleArn, conditions: [.init(field: "path-pattern", values: ["/x"])]),
                context: harness.context)
        }
        try await harness.refuses(.operationNotPermitted) {
            _ = try await harness.service.setRulePriorities(
                .init(rulePriorities: [.init(ruleArn: ruleArn, priority: 9)]), context: harness.context)
        }
        // Changing the default rule's actions changes the listener's default actions.
        _ = try await harness.service.modifyRule(
            .init(ruleArn: ruleArn, actions: [.init(type: .forward, targetGroupArn: green.targetGroupArn)]),
            context: harness.context)
        let listeners = try await harness.service.describeListeners(
            .init(listenerArns: [listener.listenerArn ?? ""]), context: harness.context)
        #expect(listeners.listeners?.first?.defaultActions?.first?.targetGroupArn == green.targetGroupArn)
    }

    @Test("SetRulePriorities swaps priorities atomically and refuses priorities in use")
    func setRulePriorities() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer()
        let group = try await harness.createTargetGroup()
        let listener = try await harness.createListener(web, forwardTo: group)
        let one = try await harness.createRule(listener, priority: 1, path: "/one", forwardTo: group)
        let two = try await harness.createRule(listener, priority: 2, path: "/two", forwardTo: group)
        _ = try await harness.createRule(listener, priority: 3, path: "/three", forwardTo: group)
        try await harness.refuses(.priorityInUse, "'2' is currently in use") {
            _ = try await harness.createRule(listener, priority: 2, path: "/dup", forwardTo: group)
        }
        let swapped = try await harness.service.setRulePriorities(
            .init(rulePriorities: [.init(ruleArn: one.ruleArn, priority: 2), .init(ruleArn: two.ruleArn, priority: 1)]),
            context: harness.context)
        #expect(swapped.rules?.map(\.priority) == ["2", "1"])
        let order = try await harness.service.describeRules(
            .init(listenerArn: listener.listenerArn), context: harness.context)
        #expect(
            order.rules?.compactMap { $0.conditions?.first?.values?.first } == ["/two", "/one", "/three"])
        try await harness.refuses(.priorityInUse, "'3' is currently in use") {
            _ = try await harness.service.setRulePriorities(
                .init(rulePriorities: [
                    .init(ruleArn: one.ruleArn, priority: 3), .init(ruleArn: two.ruleArn, priority: 7),
                ]),
                context: harness.context)
        }
        try await harness.refuses(.priorityInUse, "more than one rule") {
            _ = try await harness.service.setRulePriorities(
                .init(rulePriorities: [
                    .init(ruleArn: one.ruleArn, priority: 8), .init(ruleArn: two.ruleArn, priority: 8),
                ]),
                context: harness.context)
        }
        let unknown = (one.ruleArn ?? "").replacingOccurrences(of: "/0000000000000005", with: "/00000000000000ff")
        try await harness.refuses(.ruleNotFound) {
            _ = try await harness.service.setRulePriorities(
                .init(rulePriorities: [.init(ruleArn: unknown, priority: 9)]), context: harness.context)
        }
    }

    @Test("a target group in use cannot be deleted, nor be used by a second load balancer")
    func targetGroupInUse() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer("web")
        let api = try await harness.createLoadBalancer("api")
        let group = try await harness.createTargetGroup()
        let listener = try await harness.createListener(web, forwardTo: group)
        let groupArn = try #require(group.targetGroupArn)
        try await harness.refuses(.resourceInUse, "currently in use") {
            _ = try await harness.service.deleteTargetGroup(.init(targetGroupArn: groupArn), context: harness.context)
        }
        try await harness.refuses(.targetGroupAssociationLimit, "more than one load balancer") {
            _ = try await harness.createListener(api, forwardTo: group)
        }
        let described = try await harness.service.describeTargetGroups(
            .init(loadBalancerArn: web.loadBalancerArn), context: harness.context)
        #expect(described.targetGroups?.map(\.targetGroupArn) == [groupArn])
        #expect(described.targetGroups?.first?.loadBalancerArns == [web.loadBalancerArn ?? ""])
        _ = try await harness.service.deleteListener(
            .init(listenerArn: listener.listenerArn ?? ""), context: harness.context)
        _ = try await harness.service.deleteTargetGroup(.init(targetGroupArn: groupArn), context: harness.context)
        #expect(try await harness.store.loadBalancingState().targetGroups.isEmpty)
    }

    @Test("listeners: HTTP only, one per port, and ports shared only between separate addresses")
    func listeners() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer("web")
        let api = try await harness.createLoadBalancer("api")
        let blue = try await harness.createTargetGroup("blue")
        let green = try await harness.createTargetGroup("green")
        let first = try await harness.createListener(web, forwardTo: blue)
        #expect(try await harness.createListener(web, forwardTo: blue).listenerArn == first.listenerArn)
        try await harness.refuses(.duplicateListener, "already exists on port 80") {
            _ = try await harness.createListener(web, forwardTo: green)
        }
        // Two load balancers on their own loopback addresses both listen on port 80.
        _ = try await harness.createListener(api, forwardTo: green)
        try await harness.refuses(.unsupportedProtocol, "HTTP listeners only") {
            _ = try await harness.service.createListener(
                .init(
                    loadBalancerArn: web.loadBalancerArn ?? "", protocol: .https, port: 443,
                    defaultActions: [.init(type: .forward, targetGroupArn: blue.targetGroupArn)]),
                context: harness.context)
        }
        try await harness.refuses(.loadBalancerNotFound) {
            _ = try await harness.service.createListener(
                .init(
                    loadBalancerArn:
                        "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/00000000000000ff",
                    protocol: .http, port: 81,
                    defaultActions: [.init(type: .forward, targetGroupArn: blue.targetGroupArn)]),
                context: harness.context)
        }
        try await harness.refuses(.targetGroupNotFound) {
            _ = try await harness.service.createListener(
                .init(
                    loadBalancerArn: web.loadBalancerArn ?? "", protocol: .http, port: 82,
                    defaultActions: [
                        .init(
                            type: .forward,
                            targetGroupArn:
                                "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/x/00000000000000ff")
                    ]),
                context: harness.context)
        }
        let moved = try await harness.service.modifyListener(
            .init(listenerArn: first.listenerArn ?? "", port: 8080), context: harness.context)
        #expect(moved.listeners?.first?.port == 8080)
    }

    @Test("with one shared address, listener ports must differ between load balancers")
    func sharedAddress() async throws {
        let harness = try LoadBalancingServiceHarness(addressing: .shared("0.0.0.0"))
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer("web")
        let api = try await harness.createLoadBalancer("api")
        #expect(web.dnsName == "0.0.0.0" && api.dnsName == "0.0.0.0")
        let blue = try await harness.createTargetGroup("blue")
        let green = try await harness.createTargetGroup("green")
        _ = try await harness.createListener(web, forwardTo: blue)
        try await harness.refuses(.duplicateListener, "share an address") {
            _ = try await harness.createListener(api, forwardTo: green)
        }
        _ = try await harness.createListener(api, port: 81, forwardTo: green)
    }

    @Test("Describe calls page with markers that neither repeat nor skip")
    func pagination() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        for name in ["e", "c", "a", "d", "b"] { _ = try await harness.createTargetGroup(name) }
        var names: [String] = []
        var marker: String?
        var pages = 0
        repeat {
            let page = try await harness.service.describeTargetGroups(
                .init(marker: marker, pageSize: 2), context: harness.context)
            names += page.targetGroups?.compactMap(\.targetGroupName) ?? []
            marker = page.nextMarker
            pages += 1
        } while marker != nil
        #expect(names == ["a", "b", "c", "d", "e"])
        #expect(pages == 3)
        try await harness.refuses(.validationError, "Invalid Marker") {
            _ = try await harness.service.describeTargetGroups(.init(marker: "bm9wZQ=="), context: harness.context)
        }
        try await harness.refuses(.targetGroupNotFound) {
            _ = try await harness.service.describeTargetGroups(.init(names: ["a", "zz"]), context: harness.context)
        }
    }

    @Test("tags on load balancers, target groups, listeners and rules; limits and duplicates refused")
    func tags() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer()
        let group = try await harness.createTargetGroup()
        let listener = try await harness.createListener(web, forwardTo: group)
        let rule = try await harness.createRule(listener, priority: 1, path: "/a", forwardTo: group)
        let arns = [web.loadBalancerArn, group.targetGroupArn, listener.listenerArn, rule.ruleArn].compactMap { $0 }
        _ = try await harness.service.addTags(
            .init(resourceArns: arns, tags: [.init(key: "env", value: "dev"), .init(key: "team", value: "web")]),
            context: harness.context)
        _ = try await harness.service.removeTags(
            .init(resourceArns: [arns[0]], tagKeys: ["team"]), context: harness.context)
        let described = try await harness.service.describeTags(.init(resourceArns: arns), context: harness.context)
        #expect(described.tagDescriptions?.map(\.resourceArn) == arns)
        #expect(described.tagDescriptions?.map { $0.tags?.count ?? 0 } == [1, 2, 2, 2])
        try await harness.refuses(.duplicateTagKeys) {
            _ = try await harness.service.addTags(
                .init(resourceArns: arns, tags: [.init(key: "k", value: "1"), .init(key: "k", value: "2")]),
                context: harness.context)
        }
        let many = (0..<49).map { ELBv2.Tag(key: "k\($0)", value: "v") }
        try await harness.refuses(.tooManyTags) {
            _ = try await harness.service.addTags(.init(resourceArns: arns, tags: many), context: harness.context)
        }
        let missing = (group.targetGroupArn ?? "").replacingOccurrences(
            of: "0000000000000002", with: "00000000000000ff")
        try await harness.refuses(.targetGroupNotFound) {
            _ = try await harness.service.addTags(
                .init(resourceArns: [arns[0], missing], tags: [.init(key: "x")]), context: harness.context)
        }
    }

    @Test("a rule's conditions and actions are validated before anything is stored")
    func ruleValidation() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer()
        let group = try await harness.createTargetGroup()
        let listener = try await harness.createListener(web, forwardTo: group)
        let arn = try #require(listener.listenerArn)
        try await harness.refuses(.validationError, "at most 3 values") {
            _ = try await harness.service.createRule(
                .init(
                    listenerArn: arn,
                    conditions: [
                        .init(field: "path-pattern", pathPatternConfig: .init(values: ["/a", "/b", "/c", "/d"]))
                    ],
                    priority: 1, actions: [.init(type: .forward, targetGroupArn: group.targetGroupArn)]),
                context: harness.context)
        }
        try await harness.refuses(.validationError, "less than or equal to 50000") {
            _ = try await harness.createRule(listener, priority: 50001, path: "/a", forwardTo: group)
        }
        try await harness.refuses(.listenerNotFound) {
            _ = try await harness.service.createRule(
                .init(
                    listenerArn: arn.replacingOccurrences(of: "0000000000000003", with: "00000000000000ff"),
                    conditions: [.init(field: "path-pattern", values: ["/a"])], priority: 1,
                    actions: [.init(type: .forward, targetGroupArn: group.targetGroupArn)]),
                context: harness.context)
        }
    }
}
