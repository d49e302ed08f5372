import AWSWire
import AdmiralModel
import Foundation
import Testing

/// Bodies captured from botocore 1.43.11's query serializer (an elbv2 client with a
/// `before-send` handler, parameter validation off), decoded into the generated ELBv2
/// input shapes.
@Suite("ELBv2 Query decoding of botocore's bodies into the generated shapes")
struct ELBv2QueryDecodingTests {
    static let bodies: [String: String] = [
        "CreateLoadBalancer":
            #"Action=CreateLoadBalancer&Version=2015-12-01&Name=web&Subnets.member.1=subnet-us-east-1a&Subnets.member.2=subnet-us-east-1b&SecurityGroups.member.1=sg-0123&Scheme=internal&Tags.member.1.Key=team&Tags.member.1.Value=platform&Type=application&IpAddressType=ipv4"#,
        "CreateLoadBalancerMappings":
            #"Action=CreateLoadBalancer&Version=2015-12-01&Name=web&SubnetMappings.member.1.SubnetId=subnet-a&SubnetMappings.member.2.SubnetId=subnet-b"#,
        "DescribeLoadBalancers":
            #"Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=web&Names.member.2=api&Marker=bWFya2Vy&PageSize=2"#,
        "ModifyLoadBalancerAttributes":
            #"Action=ModifyLoadBalancerAttributes&Version=2015-12-01&LoadBalancerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Aloadbalancer%2Fapp%2Fweb%2F50dc6c495c0c9188&Attributes.member.1.Key=idle_timeout.timeout_seconds&Attributes.member.1.Value=120&Attributes.member.2.Key=deletion_protection.enabled&Attributes.member.2.Value=true"#,
        "CreateTargetGroup":
            #"Action=CreateTargetGroup&Version=2015-12-01&Name=blue&Protocol=HTTP&Port=8080&VpcId=vpc-1&TargetType=ip&HealthCheckPath=%2Fhealth&HealthCheckIntervalSeconds=10&HealthCheckTimeoutSeconds=4&HealthyThresholdCount=3&UnhealthyThresholdCount=4&HealthCheckPort=traffic-port&Matcher.HttpCode=200-299"#,
        "ModifyTargetGroupAttributes":
            #"Action=ModifyTargetGroupAttributes&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&Attributes.member.1.Key=deregistration_delay.timeout_seconds&Attributes.member.1.Value=30&Attributes.member.2.Key=stickiness.enabled&Attributes.member.2.Value=true"#,
        "RegisterTargets":
            #"Action=RegisterTargets&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&Targets.member.1.Id=i-0123456789abcdef0&Targets.member.1.Port=32768&Targets.member.2.Id=i-0123456789abcdef1"#,
        "DescribeTargetHealth":
            #"Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&Targets.member.1.Id=10.0.0.1&Targets.member.1.Port=80&Targets.member.1.AvailabilityZone=all&Include.member.1=All"#,
        "CreateListener":
            #"Action=CreateListener&Version=2015-12-01&LoadBalancerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Aloadbalancer%2Fapp%2Fweb%2F50dc6c495c0c9188&Protocol=HTTP&Port=80&DefaultActions.member.1.Type=forward&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight=80&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fgreen%2F09e8bc1f2a3d4b5c&DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.Weight=20&DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled=true&DefaultActions.member.1.ForwardConfig.TargetGroupStickinessConfig.DurationSeconds=300"#,
        "CreateListenerRedirect":
            #"Action=CreateListener&Version=2015-12-01&LoadBalancerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Aloadbalancer%2Fapp%2Fweb%2F50dc6c495c0c9188&Protocol=HTTP&Port=8080&DefaultActions.member.1.Type=redirect&DefaultActions.member.1.RedirectConfig.Protocol=HTTPS&DefaultActions.member.1.RedirectConfig.Port=443&DefaultActions.member.1.RedirectConfig.StatusCode=HTTP_301"#,
        "ModifyListenerFixed":
            #"Action=ModifyListener&Version=2015-12-01&ListenerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Alistener%2Fapp%2Fweb%2F50dc6c495c0c9188%2Ff2f7dc8efc522ab2&DefaultActions.member.1.Type=fixed-response&DefaultActions.member.1.FixedResponseConfig.StatusCode=503&DefaultActions.member.1.FixedResponseConfig.ContentType=text%2Fplain&DefaultActions.member.1.FixedResponseConfig.MessageBody=down+for+%3Cmaintenance%3E+%26+more"#,
        "CreateRule":
            #"Action=CreateRule&Version=2015-12-01&ListenerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Alistener%2Fapp%2Fweb%2F50dc6c495c0c9188%2Ff2f7dc8efc522ab2&Priority=10&Conditions.member.1.Field=path-pattern&Conditions.member.1.Values.member.1=%2Fapi%2F%2A&Conditions.member.2.Field=host-header&Conditions.member.2.HostHeaderConfig.Values.member.1=%2A.example.com&Conditions.member.2.HostHeaderConfig.Values.member.2=example.org&Conditions.member.3.Field=http-header&Conditions.member.3.HttpHeaderConfig.HttpHeaderName=X-Env&Conditions.member.3.HttpHeaderConfig.Values.member.1=blue&Conditions.member.4.Field=http-request-method&Conditions.member.4.HttpRequestMethodConfig.Values.member.1=GET&Conditions.member.5.Field=query-string&Conditions.member.5.QueryStringConfig.Values.member.1.Key=v&Conditions.member.5.QueryStringConfig.Values.member.1.Value=2&Conditions.member.5.QueryStringConfig.Values.member.2.Value=beta&Conditions.member.6.Field=source-ip&Conditions.member.6.SourceIpConfig.Values.member.1=10.0.0.0%2F8&Actions.member.1.Type=forward&Actions.member.1.TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&Tags.member.1.Key=k&Tags.member.1.Value=v"#,
        "SetRulePriorities":
            #"Action=SetRulePriorities&Version=2015-12-01&RulePriorities.member.1.RuleArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Alistener-rule%2Fapp%2Fweb%2F50dc6c495c0c9188%2Ff2f7dc8efc522ab2%2F9683b2d02a6cabee&RulePriorities.member.1.Priority=5&RulePriorities.member.2.RuleArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Alistener-rule%2Fapp%2Fweb%2F50dc6c495c0c9188%2Ff2f7dc8efc522ab2%2F0000000000000001&RulePriorities.member.2.Priority=6"#,
        "RemoveTags":
            #"Action=RemoveTags&Version=2015-12-01&ResourceArns.member.1=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Aloadbalancer%2Fapp%2Fweb%2F50dc6c495c0c9188&ResourceArns.member.2=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&TagKeys.member.1=team&TagKeys.member.2=env"#,
        "DescribeRules":
            #"Action=DescribeRules&Version=2015-12-01&ListenerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Alistener%2Fapp%2Fweb%2F50dc6c495c0c9188%2Ff2f7dc8efc522ab2&PageSize=1"#,
    ]

    static let loadBalancerArn =
        "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/50dc6c495c0c9188"
    static let blueArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/blue/73e2d6bc24d8a067"
    static let greenArn = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/green/09e8bc1f2a3d4b5c"

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        let body = try #require(bodies[name])
        let request = try QueryRequest.parse(body: body)
        #expect(request.version == ELBv2.version)
        return try QueryDecoder().decode(T.self, from: request)
    }

    @Test("CreateLoadBalancer: lists of strings, enums and tags")
    func createLoadBalancer() throws {
        let input = try Self.decode(ELBv2.CreateLoadBalancerInput.self, "CreateLoadBalancer")
        #expect(
            input
                == ELBv2.CreateLoadBalancerInput(
                    name: "web", subnets: ["subnet-us-east-1a", "subnet-us-east-1b"], securityGroups: ["sg-0123"],
                    scheme: .internal, tags: [ELBv2.Tag(key: "team", value: "platform")], type: .application,
                    ipAddressType: .ipv4))
        let mappings = try Self.decode(ELBv2.CreateLoadBalancerInput.self, "CreateLoadBalancerMappings")
        #expect(mappings.subnetMappings == [.init(subnetId: "subnet-a"), .init(subnetId: "subnet-b")])
        #expect(mappings.subnets == nil)
    }

    @Test("DescribeLoadBalancers: names, marker and page size")
    func describeLoadBalancers() throws {
        let input = try Self.decode(ELBv2.DescribeLoadBalancersInput.self, "DescribeLoadBalancers")
        #expect(input == ELBv2.DescribeLoadBalancersInput(names: ["web", "api"], marker: "bWFya2Vy", pageSize: 2))
    }

    @Test("attribute lists of load balancers and target groups")
    func attributes() throws {
        let balancer = try Self.decode(ELBv2.ModifyLoadBalancerAttributesInput.self, "ModifyLoadBalancerAttributes")
        #expect(balancer.loadBalancerArn == Self.loadBalancerArn)
        #expect(
            balancer.attributes == [
                .init(key: "idle_timeout.timeout_seconds", value: "120"),
                .init(key: "deletion_protection.enabled", value: "true"),
            ])
        let group = try Self.decode(ELBv2.ModifyTargetGroupAttributesInput.self, "ModifyTargetGroupAttributes")
        #expect(
            group.attributes == [
                .init(key: "deregistration_delay.timeout_seconds", value: "30"),
                .init(key: "stickiness.enabled", value: "true"),
            ])
    }

    @Test("CreateTargetGroup: health check members and the matcher")
    func createTargetGroup() throws {
        let input = try Self.decode(ELBv2.CreateTargetGroupInput.self, "CreateTargetGroup")
        #expect(
            input
                == ELBv2.CreateTargetGroupInput(
                    name: "blue", protocol: .http, port: 8080, vpcId: "vpc-1", healthCheckPort: "traffic-port",
                    healthCheckPath: "/health", healthCheckIntervalSeconds: 10, healthCheckTimeoutSeconds: 4,
                    healthyThresholdCount: 3, unhealthyThresholdCount: 4, matcher: .init(httpCode: "200-299"),
                    targetType: .ip))
    }

    @Test("RegisterTargets and DescribeTargetHealth: target descriptions with and without ports")
    func targets() throws {
        let register = try Self.decode(ELBv2.RegisterTargetsInput.self, "RegisterTargets")
        #expect(register.targets == [.init(id: "i-0123456789abcdef0", port: 32768), .init(id: "i-0123456789abcdef1")])
        let health = try Self.decode(ELBv2.DescribeTargetHealthInput.self, "DescribeTargetHealth")
        #expect(health.targets == [.init(id: "10.0.0.1", port: 80, availabilityZone: "all")])
        #expect(health.include == [.all])
    }

    @Test("CreateListener: a weighted forward with group stickiness, and a redirect")
    func createListener() throws {
        let input = try Self.decode(ELBv2.CreateListenerInput.self, "CreateListener")
        #expect(input.protocol == .http)
        #expect(input.port == 80)
        #expect(
            input.defaultActions == [
                ELBv2.Action(
                    type: .forward,
                    forwardConfig: .init(
                        targetGroups: [
                            .init(targetGroupArn: Self.blueArn, weight: 80),
                            .init(targetGroupArn: Self.greenArn, weight: 20),
                        ],
                        targetGroupStickinessConfig: .init(enabled: true, durationSeconds: 300)))
            ])
        let redirect = try Self.decode(ELBv2.CreateListenerInput.self, "CreateListenerRedirect")
        #expect(
            redirect.defaultActions == [
                ELBv2.Action(
                    type: .redirect, redirectConfig: .init(protocol: "HTTPS", port: "443", statusCode: .http301))
            ])
    }

    @Test("ModifyListener: a fixed response whose body has reserved characters")
    func modifyListener() throws {
        let input = try Self.decode(ELBv2.ModifyListenerInput.self, "ModifyListenerFixed")
        #expect(
            input.defaultActions?.first?.fixedResponseConfig
                == .init(messageBody: "down for <maintenance> & more", statusCode: "503", contentType: "text/plain"))
    }

    @Test("CreateRule: every condition form, the old Values form among them")
    func createRule() throws {
        let input = try Self.decode(ELBv2.CreateRuleInput.self, "CreateRule")
        #expect(input.priority == 10)
        #expect(
            input.conditions == [
                .init(field: "path-pattern", values: ["/api/*"]),
                .init(field: "host-header", hostHeaderConfig: .init(values: ["*.example.com", "example.org"])),
                .init(field: "http-header", httpHeaderConfig: .init(httpHeaderName: "X-Env", values: ["blue"])),
                .init(field: "http-request-method", httpRequestMethodConfig: .init(values: ["GET"])),
                .init(
                    field: "query-string",
                    queryStringConfig: .init(values: [.init(key: "v", value: "2"), .init(value: "beta")])),
                .init(field: "source-ip", sourceIpConfig: .init(values: ["10.0.0.0/8"])),
            ])
        #expect(input.actions == [ELBv2.Action(type: .forward, targetGroupArn: Self.blueArn)])
        #expect(input.tags == [.init(key: "k", value: "v")])
    }

    @Test("SetRulePriorities, RemoveTags and DescribeRules")
    func others() throws {
        let priorities = try Self.decode(ELBv2.SetRulePrioritiesInput.self, "SetRulePriorities")
        #expect(priorities.rulePriorities.map(\.priority) == [5, 6])
        #expect(priorities.rulePriorities.first?.ruleArn?.hasSuffix("/9683b2d02a6cabee") == true)
        let remove = try Self.decode(ELBv2.RemoveTagsInput.self, "RemoveTags")
        #expect(remove.resourceArns == [Self.loadBalancerArn, Self.blueArn])
        #expect(remove.tagKeys == ["team", "env"])
        let rules = try Self.decode(ELBv2.DescribeRulesInput.self, "DescribeRules")
        #expect(rules.pageSize == 1)
        #expect(rules.ruleArns == nil)
    }

    @Test("a value outside an enumeration is a ValidationError that lists the valid values")
    func badEnum() throws {
        let request = try QueryRequest.parse(body: "Action=CreateTargetGroup&Version=2015-12-01&Name=x&Protocol=SPDY")
        let error = #expect(throws: AWSWireError.self) {
            try QueryDecoder().decode(ELBv2.CreateTargetGroupInput.self, from: request)
        }
        #expect(error?.code == "ValidationError")
        #expect(error?.message.contains("Value 'SPDY' at 'protocol' failed to satisfy constraint") == true)
        #expect(error?.message.contains("[HTTP, HTTPS, TCP") == true)
    }

    @Test("a missing required member is a ValidationError naming it")
    func missingRequired() throws {
        let request = try QueryRequest.parse(body: "Action=CreateRule&Version=2015-12-01&Priority=1")
        let error = #expect(throws: AWSWireError.self) {
            try QueryDecoder().decode(ELBv2.CreateRuleInput.self, from: request)
        }
        #expect(error?.code == "ValidationError")
        #expect(error?.message.contains("'ListenerArn'") == true)
    }

    @Test("a nested enum in a list reports its path in AWS's notation")
    func nestedEnum() throws {
        let request = try QueryRequest.parse(
            body:
                "Action=CreateListener&Version=2015-12-01&LoadBalancerArn=x&DefaultActions.member.1.Type=forward"
                + "&DefaultActions.member.2.Type=teleport")
        let error = #expect(throws: AWSWireError.self) {
            try QueryDecoder().decode(ELBv2.CreateListenerInput.self, from: request)
        }
        #expect(error?.message.contains("at 'defaultActions.2.member.type'") == true)
    }
}
