import AdmiralModel
import Testing

@Suite("ELBv2 names, ARNs, subnets, targets and addresses")
struct ELBv2NamesTests {
    let names = ELBv2Names(region: "eu-west-1", accountId: "123456789012")

    @Test("ARNs have AWS's exact shapes and read back")
    func arns() {
        let balancer = names.loadBalancerARN(name: "web", id: "50dc6c495c0c9188")
        #expect(balancer == "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188")
        #expect(ELBv2Resource(arn: balancer) == .loadBalancer(name: "web", id: "50dc6c495c0c9188"))
        let group = names.targetGroupARN(name: "blue", id: "73e2d6bc24d8a067")
        #expect(group == "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/73e2d6bc24d8a067")
        #expect(ELBv2Resource(arn: group) == .targetGroup(name: "blue", id: "73e2d6bc24d8a067"))
        let listener = names.listenerARN(
            loadBalancerName: "web", loadBalancerId: "50dc6c495c0c9188", id: "f2f7dc8efc522ab2")
        #expect(
            listener
                == "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2"
        )
        #expect(ELBv2Resource(arn: listener)?.kind == .listener)
        let rule = names.ruleARN(
            loadBalancerName: "web", loadBalancerId: "50dc6c495c0c9188", listenerId: "f2f7dc8efc522ab2",
            id: "9683b2d02a6cabee")
        #expect(
            rule
                == "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee"
        )
        #expect(
            ELBv2Resource(arn: rule)
                == .rule(
                    loadBalancerName: "web", loadBalancerId: "50dc6c495c0c9188", listenerId: "f2f7dc8efc522ab2",
                    id: "9683b2d02a6cabee"))
    }

    @Test("malformed ARNs and other load balancer types are not resources")
    func malformed() {
        for text in [
            "arn:aws:elasticloadbalancing:us-east-1:0:loadbalancer/net/web/50dc6c495c0c9188",
            "arn:aws:elasticloadbalancing:us-east-1:0:loadbalancer/app/web/50DC6C495C0C9188",
            "arn:aws:elasticloadbalancing:us-east-1:0:loadbalancer/app/web/50dc6c49",
            "arn:aws:elasticloadbalancing:us-east-1:0:targetgroup/blue",
            "arn:aws:ecs:us-east-1:0:targetgroup/blue/73e2d6bc24d8a067",
            "arn:aws:elasticloadbalancing:us-east-1:0:listener/app/web/50dc6c495c0c9188",
            "not-an-arn",
        ] {
            #expect(ELBv2Resource(arn: text) == nil, "\(text)")
        }
        refuses(.validationError, "is not a valid target group ARN") {
            _ = try ELBv2Resource.parse(names.loadBalancerARN(name: "web", id: "50dc6c495c0c9188"), as: .targetGroup)
        }
    }

    @Test("names: 1-32 alphanumerics and hyphens, no hyphen at the ends, load balancers not internal-")
    func nameRules() throws {
        for name in ["a", "web", "Web-1", String(repeating: "x", count: 32)] {
            try ELBv2NameRules.validateLoadBalancerName(name)
            try ELBv2NameRules.validateTargetGroupName(name)
        }
        refuses(.validationError, "longer than 32") {
            try ELBv2NameRules.validateLoadBalancerName(String(repeating: "x", count: 33))
        }
        refuses(.validationError, "begin or end with a hyphen") { try ELBv2NameRules.validateLoadBalancerName("-web") }
        refuses(.validationError, "begin or end with a hyphen") { try ELBv2NameRules.validateTargetGroupName("web-") }
        refuses(.validationError, "alphanumeric characters and hyphens") {
            try ELBv2NameRules.validateTargetGroupName("web_1")
        }
        refuses(.validationError, "cannot begin with 'internal-'") {
            try ELBv2NameRules.validateLoadBalancerName("internal-web")
        }
        try ELBv2NameRules.validateTargetGroupName("internal-web")
        refuses(.validationError, "cannot be empty") { try ELBv2NameRules.validateLoadBalancerName("") }
    }

    @Test("subnet zones follow the suffix convention, other subnets go round-robin")
    func subnetZones() {
        #expect(SubnetZones.conventionalZone(ofSubnet: "subnet-us-east-1a") == "us-east-1a")
        #expect(SubnetZones.conventionalZone(ofSubnet: "subnet-eu-central-2c") == "eu-central-2c")
        #expect(SubnetZones.conventionalZone(ofSubnet: "subnet-us-gov-west-1b") == "us-gov-west-1b")
        for other in ["subnet-0123456789abcdef0", "subnet-a", "subnet-us-east-1", "subnet-us-east-1A", "us-east-1a"] {
            #expect(SubnetZones.conventionalZone(ofSubnet: other) == nil, "\(other)")
        }
        #expect(
            (0..<4).map { SubnetZones.roundRobinZone(region: "us-east-1", position: $0) }
                == ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a"])
    }

    @Test("target ids: instance ids of 8 or 17 hex digits, IPv4 addresses")
    func targets() {
        #expect(TargetRules.isInstanceId("i-0123456789abcdef0"))
        #expect(TargetRules.isInstanceId("i-12345678"))
        #expect(!TargetRules.isInstanceId("i-123"))
        #expect(!TargetRules.isInstanceId("i-0123456789ABCDEF0"))
        #expect(TargetRules.isIPv4Address("127.0.0.1"))
        #expect(!TargetRules.isIPv4Address("127.0.0"))
        #expect(!TargetRules.isIPv4Address("300.1.1.1"))
        #expect(!TargetRules.isIPv4Address("01.1.1.1"))
    }

    @Test("loopback addresses are allocated in order from 127.0.1.1, reusing freed ones first")
    func addresses() {
        let loopback = LoadBalancerAddressing.loopbackPerLoadBalancer
        #expect(loopback.allocate(taken: []) == "127.0.1.1")
        #expect(loopback.allocate(taken: ["127.0.1.1"]) == "127.0.1.2")
        #expect(loopback.allocate(taken: ["127.0.1.2"]) == "127.0.1.1")
        let full = Set((1...254).map { "127.0.1.\($0)" })
        #expect(loopback.allocate(taken: full) == "127.0.2.1")
        #expect(LoadBalancerAddressing.shared("0.0.0.0").allocate(taken: ["0.0.0.0"]) == "0.0.0.0")
        #expect(LoadBalancerAddressing.overlaps("0.0.0.0", "127.0.1.1"))
        #expect(!LoadBalancerAddressing.overlaps("127.0.1.2", "127.0.1.1"))
    }
}
