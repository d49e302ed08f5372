import AdmiralModel
import Testing

@Suite("Listener and rule actions, as ALB validates them")
struct ActionRulesTests {
    typealias F = ELBv2Fixture

    @Test("a forward to one target group gets a ForwardConfig of weight 1 without stickiness")
    func forwardNormalized() throws {
        let actions = try ActionRules.normalize([F.forward()])
        #expect(
            actions == [
                ELBv2.Action(
                    type: .forward, targetGroupArn: F.blueArn,
                    forwardConfig: .init(
                        targetGroups: [.init(targetGroupArn: F.blueArn, weight: 1)],
                        targetGroupStickinessConfig: .init(enabled: false)))
            ])
        #expect(ActionRules.targetGroups(of: actions).map(\.id) == ["73e2d6bc24d8a067"])
    }

    @Test("weighted target groups keep their weights and stickiness")
    func weighted() throws {
        let action = ELBv2.Action(
            type: .forward,
            forwardConfig: .init(
                targetGroups: [.init(targetGroupArn: F.blueArn, weight: 80), .init(targetGroupArn: F.greenArn)],
                targetGroupStickinessConfig: .init(enabled: true, durationSeconds: 300)))
        let normalized = try ActionRules.normalize([action])
        #expect(normalized[0].targetGroupArn == nil)
        #expect(normalized[0].forwardConfig?.targetGroups?.map(\.weight) == [80, 1])
        #expect(normalized[0].forwardConfig?.targetGroupStickinessConfig == .init(enabled: true, durationSeconds: 300))
    }

    @Test("forward actions: at most 5 distinct groups, weights 0-999, stickiness needs a duration")
    func forwardLimits() {
        let six = (0..<6).map {
            ELBv2.TargetGroupTuple(
                targetGroupArn:
                    "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/g\($0)/00000000000000a\($0)")
        }
        refuses(.validationError, "at most 5 target groups") {
            _ = try ActionRules.normalize([ELBv2.Action(type: .forward, forwardConfig: .init(targetGroups: six))])
        }
        refuses(.validationError, "more than once") {
            _ = try ActionRules.normalize([
                ELBv2.Action(
                    type: .forward,
                    forwardConfig: .init(targetGroups: [
                        .init(targetGroupArn: F.blueArn), .init(targetGroupArn: F.blueArn),
                    ]))
            ])
        }
        refuses(.validationError, "between 0 and 999") {
            _ = try ActionRules.normalize([
                ELBv2.Action(
                    type: .forward, forwardConfig: .init(targetGroups: [.init(targetGroupArn: F.blueArn, weight: 1000)])
                )
            ])
        }
        refuses(.validationError, "DurationSeconds") {
            _ = try ActionRules.normalize([
                ELBv2.Action(
                    type: .forward,
                    forwardConfig: .init(
                        targetGroups: [.init(targetGroupArn: F.blueArn)],
                        targetGroupStickinessConfig: .init(enabled: true)))
            ])
        }
        refuses(.validationError, "same single target group") {
            _ = try ActionRules.normalize([
                ELBv2.Action(
                    type: .forward, targetGroupArn: F.blueArn,
                    forwardConfig: .init(targetGroups: [.init(targetGroupArn: F.greenArn)]))
            ])
        }
        refuses(.validationError, "needs a TargetGroupArn or a ForwardConfig") {
            _ = try ActionRules.normalize([ELBv2.Action(type: .forward)])
        }
        refuses(.validationError, "not a valid target group ARN") {
            _ = try ActionRules.normalize([F.forward("arn:aws:elasticloadbalancing:us-east-1:0:targetgroup/x/zz")])
        }
        refuses(.validationError, "cannot have a RedirectConfig") {
            _ = try ActionRules.normalize([
                ELBv2.Action(type: .forward, targetGroupArn: F.blueArn, redirectConfig: .init(statusCode: .http301))
            ])
        }
    }

    @Test("redirects get every component and refuse loops")
    func redirects() throws {
        let normalized = try ActionRules.normalize([
            ELBv2.Action(type: .redirect, redirectConfig: .init(protocol: "HTTPS", port: "443", statusCode: .http301))
        ])
        #expect(
            normalized[0].redirectConfig
                == .init(
                    protocol: "HTTPS", port: "443", host: "#{host}", path: "/#{path}", query: "#{query}",
                    statusCode: .http301))
        refuses(.invalidLoadBalancerAction, "loop") {
            _ = try ActionRules.normalize([ELBv2.Action(type: .redirect, redirectConfig: .init(statusCode: .http302))])
        }
        refuses(.validationError, "must start with a '/'") {
            _ = try ActionRules.normalize([
                ELBv2.Action(type: .redirect, redirectConfig: .init(path: "new", statusCode: .http302))
            ])
        }
        refuses(.validationError, "#{port} or a port") {
            _ = try ActionRules.normalize([
                ELBv2.Action(type: .redirect, redirectConfig: .init(port: "70000", statusCode: .http302))
            ])
        }
        refuses(.validationError, "must not start with '?'") {
            _ = try ActionRules.normalize([
                ELBv2.Action(type: .redirect, redirectConfig: .init(query: "?a=1", statusCode: .http302))
            ])
        }
        refuses(.validationError, "needs a RedirectConfig") {
            _ = try ActionRules.normalize([ELBv2.Action(type: .redirect)])
        }
    }

    @Test("fixed responses take ALB's content types")
    func fixedResponses() throws {
        let action = ELBv2.Action(
            type: .fixedResponse,
            fixedResponseConfig: .init(messageBody: "{}", statusCode: "404", contentType: "application/json"))
        #expect(try ActionRules.normalize([action]) == [action])
        refuses(.validationError, "content type 'text/xml'") {
            _ = try ActionRules.normalize([
                ELBv2.Action(
                    type: .fixedResponse, fixedResponseConfig: .init(statusCode: "200", contentType: "text/xml"))
            ])
        }
    }

    @Test("exactly one action; authentication actions need HTTPS")
    func counts() {
        refuses(.validationError, "At least one action") { _ = try ActionRules.normalize([]) }
        refuses(.invalidLoadBalancerAction, "exactly one") {
            _ = try ActionRules.normalize([F.forward(), F.forward(F.greenArn)])
        }
        refuses(.invalidLoadBalancerAction, "HTTPS listeners") {
            _ = try ActionRules.normalize([ELBv2.Action(type: .authenticateOidc), F.forward()])
        }
    }
}
