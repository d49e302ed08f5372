import AdmiralModel
import Testing

@Suite("The model's constraints, checked by the generated conformances")
struct ModelConstraintsTests {
    @Test("a priority outside 1-50000 is reported in AWS's words")
    func priority() {
        let input = ELBv2.CreateRuleInput(listenerArn: "x", conditions: [], priority: 50001, actions: [])
        #expect(
            input.constraintViolationMessage()
                == "1 validation error detected: Value '50001' at 'priority' failed to satisfy constraint: "
                + "Member must have value less than or equal to 50000")
        #expect(
            ELBv2.CreateRuleInput(listenerArn: "x", conditions: [], priority: 1, actions: [])
                .constraintViolationMessage() == nil)
    }

    @Test("nested members report their path, and several violations are counted")
    func nested() throws {
        let input = ELBv2.CreateTargetGroupInput(
            name: "web", port: 70000, healthCheckIntervalSeconds: 301,
            tags: [ELBv2.Tag(key: String(repeating: "k", count: 129))])
        let message = try #require(input.constraintViolationMessage())
        #expect(message.hasPrefix("3 validation errors detected: "))
        #expect(
            message.contains(
                "at 'port' failed to satisfy constraint: Member must have value less than or equal to 65535"))
        #expect(message.contains("at 'healthCheckIntervalSeconds'"))
        #expect(
            message.contains(
                "at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"
            ))
    }

    @Test("patterns are checked: tag characters, fixed response codes")
    func patterns() throws {
        let tags = ELBv2.AddTagsInput(resourceArns: ["x"], tags: [ELBv2.Tag(key: "bad#key")])
        #expect(tags.constraintViolationMessage()?.contains("Member must satisfy regular expression pattern") == true)
        #expect(
            ELBv2.AddTagsInput(resourceArns: ["x"], tags: [ELBv2.Tag(key: "Team Name:é_1")])
                .constraintViolationMessage() == nil)
        let listener = ELBv2.ModifyListenerInput(
            listenerArn: "x",
            defaultActions: [ELBv2.Action(type: .fixedResponse, fixedResponseConfig: .init(statusCode: "302"))])
        #expect(
            listener.constraintViolationMessage()?.contains(
                "at 'defaultActions.1.member.fixedResponseConfig.statusCode'") == true)
    }

    @Test("list lengths are checked: at most 20 attributes")
    func listLength() {
        let input = ELBv2.ModifyLoadBalancerAttributesInput(
            loadBalancerArn: "x", attributes: (0..<21).map { _ in ELBv2.LoadBalancerAttribute(key: "a", value: "b") })
        #expect(
            input.constraintViolationMessage()?.contains("Member must have length less than or equal to 20") == true)
    }
}
