import Foundation
import Testing

@testable import AWSWire

/// Bodies captured once from botocore 1.43.11's query serializer (elbv2 and autoscaling
/// clients with a `before-send` handler), decoded into small input types.
@Suite("Query protocol decoding of botocore's bodies")
struct QueryDecoderTests {
    static let decoder = QueryDecoder(keyStrategy: .upperCamelCase)

    static func decode<T: Decodable>(_ type: T.Type, body: String) throws -> (QueryRequest, T) {
        let request = try QueryRequest.parse(body: body)
        return (request, try decoder.decode(T.self, from: request))
    }

    struct Tag: Decodable, Equatable {
        var key: String
        var value: String?
    }

    enum TargetProtocol: String, Decodable, Equatable {
        case http = "HTTP", https = "HTTPS", tcp = "TCP"
    }

    struct CreateTargetGroupInput: Decodable, Equatable {
        struct Matcher: Decodable, Equatable {
            var httpCode: String?
            var grpcCode: String?
        }
        var name: String
        var `protocol`: TargetProtocol?
        var port: Int?
        var vpcId: String?
        var healthCheckProtocol: TargetProtocol?
        var healthCheckPath: String?
        var healthCheckEnabled: Bool?
        var healthCheckIntervalSeconds: Int?
        var healthyThresholdCount: Int?
        var unhealthyThresholdCount: Int?
        var matcher: Matcher?
        var targetType: String?
        var tags: [Tag]?
    }

    @Test("decodes elbv2 CreateTargetGroup: scalars, an enum, a nested structure and a list of tags")
    func createTargetGroup() throws {
        let (request, input) = try Self.decode(
            CreateTargetGroupInput.self,
            body:
                "Action=CreateTargetGroup&Version=2015-12-01&Name=web-tg&Protocol=HTTP&Port=8080&VpcId=vpc-0123456789abcdef0&HealthCheckProtocol=HTTP&HealthCheckPath=%2Fhealth+check%3Fx%3D1%26y%3D2&HealthCheckEnabled=true&HealthCheckIntervalSeconds=15&HealthyThresholdCount=3&Matcher.HttpCode=200-299&TargetType=ip&Tags.member.1.Key=team&Tags.member.1.Value=platform&Tags.member.2.Key=env&Tags.member.2.Value=dev+%26+test"
        )
        #expect(request.action == "CreateTargetGroup")
        #expect(request.version == "2015-12-01")
        #expect(
            input
                == CreateTargetGroupInput(
                    name: "web-tg", protocol: .http, port: 8080, vpcId: "vpc-0123456789abcdef0",
                    healthCheckProtocol: .http,
                    healthCheckPath: "/health check?x=1&y=2", healthCheckEnabled: true, healthCheckIntervalSeconds: 15,
                    healthyThresholdCount: 3, unhealthyThresholdCount: nil,
                    matcher: .init(httpCode: "200-299", grpcCode: nil), targetType: "ip",
                    tags: [Tag(key: "team", value: "platform"), Tag(key: "env", value: "dev & test")]))
    }

    struct CreateRuleInput: Decodable, Equatable {
        struct Condition: Decodable, Equatable {
            struct PathPatternConfig: Decodable, Equatable {
                var values: [String]?
            }
            var field: String?
            var values: [String]?
            var pathPatternConfig: PathPatternConfig?
        }
        struct Action: Decodable, Equatable {
            struct ForwardConfig: Decodable, Equatable {
                struct TargetGroupTuple: Decodable, Equatable {
                    var targetGroupArn: String?
                    var weight: Int?
                }
                struct Stickiness: Decodable, Equatable {
                    var enabled: Bool?
                    var durationSeconds: Int?
                }
                var targetGroups: [TargetGroupTuple]?
                var targetGroupStickinessConfig: Stickiness?
            }
            var type: String
            var order: Int?
            var targetGroupArn: String?
            var forwardConfig: ForwardConfig?
        }
        var listenerArn: String
        var conditions: [Condition]
        var priority: Int
        var actions: [Action]
        var tags: [Tag]?
    }

    @Test("decodes elbv2 CreateRule: lists of structures holding lists and nested structures")
    func createRule() throws {
        let (_, input) = try Self.decode(
            CreateRuleInput.self,
            body:
                "Action=CreateRule&Version=2015-12-01&ListenerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Alistener%2Fapp%2Fweb%2F50dc6c495c0c9188%2Ff2f7dc8efc522ab2&Priority=10&Conditions.member.1.Field=path-pattern&Conditions.member.1.PathPatternConfig.Values.member.1=%2Fapi%2F%2A&Conditions.member.1.PathPatternConfig.Values.member.2=%2Fv2%2F%2A&Conditions.member.2.Field=host-header&Conditions.member.2.Values.member.1=example.com&Actions.member.1.Type=forward&Actions.member.1.Order=1&Actions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight=80&Actions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fgreen%2F09e8bc1f2a3d4b5c&Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight=20&Actions.member.1.ForwardConfig.TargetGroupStickinessConfig.Enabled=false"
        )
        #expect(
            input
                == CreateRuleInput(
                    listenerArn:
                        "arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2",
                    conditions: [
                        .init(
                            field: "path-pattern", values: nil, pathPatternConfig: .init(values: ["/api/*", "/v2/*"])),
                        .init(field: "host-header", values: ["example.com"], pathPatternConfig: nil),
                    ],
                    priority: 10,
                    actions: [
                        .init(
                            type: "forward", order: 1, targetGroupArn: nil,
                            forwardConfig: .init(
                                targetGroups: [
                                    .init(
                                        targetGroupArn:
                                            "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/blue/73e2d6bc24d8a067",
                                        weight: 80),
                                    .init(
                                        targetGroupArn:
                                            "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/green/09e8bc1f2a3d4b5c",
                                        weight: 20),
                                ],
                                targetGroupStickinessConfig: .init(enabled: false, durationSeconds: nil)))
                    ],
                    tags: nil))
    }

    struct AddTagsInput: Decodable, Equatable {
        var resourceArns: [String]
        var tags: [Tag]
    }

    @Test("decodes elbv2 AddTags: a list of strings and UTF-8 values with reserved characters")
    func addTags() throws {
        let (_, input) = try Self.decode(
            AddTagsInput.self,
            body:
                "Action=AddTags&Version=2015-12-01&ResourceArns.member.1=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Aloadbalancer%2Fapp%2Fweb%2F50dc6c495c0c9188&Tags.member.1.Key=Name&Tags.member.1.Value=web&Tags.member.2.Key=unicode&Tags.member.2.Value=caf%C3%A9+%E2%98%83+%2B%3D%2F"
        )
        #expect(
            input
                == AddTagsInput(
                    resourceArns: [
                        "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/50dc6c495c0c9188"
                    ],
                    tags: [Tag(key: "Name", value: "web"), Tag(key: "unicode", value: "café ☃ +=/")]))
    }

    struct RegisterTargetsInput: Decodable, Equatable {
        struct Target: Decodable, Equatable {
            var id: String
            var port: Int?
            var availabilityZone: String?
        }
        var targetGroupArn: String
        var targets: [Target]
    }

    @Test("decodes elbv2 RegisterTargets: a list of structures with optional members")
    func registerTargets() throws {
        let (_, input) = try Self.decode(
            RegisterTargetsInput.self,
            body:
                "Action=RegisterTargets&Version=2015-12-01&TargetGroupArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&Targets.member.1.Id=10.0.0.5&Targets.member.1.Port=32768&Targets.member.2.Id=10.0.0.6&Targets.member.2.Port=32769&Targets.member.2.AvailabilityZone=us-east-1a"
        )
        #expect(
            input
                == RegisterTargetsInput(
                    targetGroupArn:
                        "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/blue/73e2d6bc24d8a067",
                    targets: [
                        .init(id: "10.0.0.5", port: 32768, availabilityZone: nil),
                        .init(id: "10.0.0.6", port: 32769, availabilityZone: "us-east-1a"),
                    ]))
    }

    struct DescribeTargetGroupsInput: Decodable, Equatable {
        var names: [String]?
        var targetGroupArns: [String]?
        var marker: String?
        var pageSize: Int?
    }

    @Test("decodes an empty list, which botocore sends as a name with no value")
    func emptyList() throws {
        let (_, input) = try Self.decode(
            DescribeTargetGroupsInput.self, body: "Action=DescribeTargetGroups&Version=2015-12-01&Names=")
        #expect(input == DescribeTargetGroupsInput(names: [], targetGroupArns: nil, marker: nil, pageSize: nil))
    }

    struct CreateAutoScalingGroupInput: Decodable, Equatable {
        struct LaunchTemplate: Decodable, Equatable {
            var launchTemplateId: String?
            var launchTemplateName: String?
            var version: String?
        }
        struct Tag: Decodable, Equatable {
            var resourceId: String?
            var resourceType: String?
            var key: String
            var value: String?
            var propagateAtLaunch: Bool?
        }
        var autoScalingGroupName: String
        var launchTemplate: LaunchTemplate?
        var minSize: Int
        var maxSize: Int
        var desiredCapacity: Int?
        var availabilityZones: [String]?
        var targetGroupARNs: [String]?
        var healthCheckGracePeriod: Int?
        var newInstancesProtectedFromScaleIn: Bool?
        var tags: [Tag]?
    }

    @Test("decodes autoscaling CreateAutoScalingGroup: tags, zones and an acronym member name")
    func createAutoScalingGroup() throws {
        let (request, input) = try Self.decode(
            CreateAutoScalingGroupInput.self,
            body:
                "Action=CreateAutoScalingGroup&Version=2011-01-01&AutoScalingGroupName=workers&MinSize=1&MaxSize=5&DesiredCapacity=2&LaunchTemplate.LaunchTemplateName=worker-lt&LaunchTemplate.Version=%24Latest&AvailabilityZones.member.1=us-east-1a&AvailabilityZones.member.2=us-east-1b&HealthCheckGracePeriod=300&NewInstancesProtectedFromScaleIn=false&TargetGroupARNs.member.1=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A000000000000%3Atargetgroup%2Fblue%2F73e2d6bc24d8a067&Tags.member.1.ResourceId=workers&Tags.member.1.ResourceType=auto-scaling-group&Tags.member.1.Key=role&Tags.member.1.Value=worker&Tags.member.1.PropagateAtLaunch=true"
        )
        #expect(request.version == "2011-01-01")
        #expect(
            input
                == CreateAutoScalingGroupInput(
                    autoScalingGroupName: "workers",
                    launchTemplate: .init(launchTemplateId: nil, launchTemplateName: "worker-lt", version: "$Latest"),
                    minSize: 1, maxSize: 5, desiredCapacity: 2, availabilityZones: ["us-east-1a", "us-east-1b"],
                    targetGroupARNs: [
                        "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/blue/73e2d6bc24d8a067"
                    ],
                    healthCheckGracePeriod: 300, newInstancesProtectedFromScaleIn: false,
                    tags: [
                        .init(
                            resourceId: "workers", resourceType: "auto-scaling-group", key: "role", value: "worker",
                            propagateAtLaunch: true)
                    ]))
    }

    struct PutScheduledUpdateGroupActionInput: Decodable, Equatable {
        var autoScalingGroupName: String
        var scheduledActionName: String
        var startTime: Date?
        var endTime: Date?
        var desiredCapacity: Int?
    }

    @Test("decodes autoscaling PutScheduledUpdateGroupAction: an ISO 8601 timestamp with microseconds")
    func timestamp() throws {
        let (_, input) = try Self.decode(
            PutScheduledUpdateGroupActionInput.self,
            body:
                "Action=PutScheduledUpdateGroupAction&Version=2011-01-01&AutoScalingGroupName=workers&ScheduledActionName=nightly&StartTime=2026-11-25T17%3A01%3A23.123000Z&DesiredCapacity=0"
        )
        let startTime = try #require(input.startTime)
        #expect(abs(startTime.timeIntervalSince1970 - 1_795_626_083.123) < 0.000_5)
        #expect(input.endTime == nil)
        #expect(input.desiredCapacity == 0)
    }

    // MARK: Shapes botocore's elbv2 and autoscaling models do not use

    struct Capitalised: Decodable, Equatable {
        var Name: String
        var Items: [Int]
    }

    @Test("reads flattened lists (Name.N) when there is no Name.member.N")
    func flattenedList() throws {
        let value = try QueryDecoder().decode(
            Capitalised.self, from: ["Name": "x", "Items.1": "3", "Items.2": "1", "Items.3": "2"])
        #expect(value == Capitalised(Name: "x", Items: [3, 1, 2]))
    }

    struct WithMap: Decodable, Equatable {
        var attributes: [String: String]
        var counts: [String: Int]?
        var nested: [String: [String]]?
    }

    @Test("reads maps from entry.N.key and entry.N.value, and flattened N.key and N.value")
    func maps() throws {
        let value = try Self.decoder.decode(
            WithMap.self,
            from: [
                "Attributes.entry.1.key": "deregistration_delay.timeout_seconds",
                "Attributes.entry.1.value": "30",
                "Attributes.entry.2.key": "stickiness.enabled",
                "Attributes.entry.2.value": "false",
                "Counts.1.key": "a",
                "Counts.1.value": "1",
                "Counts.2.key": "b",
                "Counts.2.value": "2",
                "Nested.entry.1.key": "k",
                "Nested.entry.1.value.member.1": "v1",
                "Nested.entry.1.value.member.2": "v2",
            ])
        #expect(
            value
                == WithMap(
                    attributes: ["deregistration_delay.timeout_seconds": "30", "stickiness.enabled": "false"],
                    counts: ["a": 1, "b": 2], nested: ["k": ["v1", "v2"]]))
    }

    struct Scalars: Decodable, Equatable {
        var flag: Bool
        var small: Int8
        var big: UInt64
        var ratio: Double
        var single: Float
        var blob: Data
        var link: URL
        var amount: Decimal
    }

    @Test("reads booleans, integers of every width, floating point, base64 blobs, URLs and decimals")
    func scalars() throws {
        let value = try Self.decoder.decode(
            Scalars.self,
            from: [
                "Flag": "TRUE", "Small": "-128", "Big": "18446744073709551615", "Ratio": "0.25", "Single": "1.5",
                "Blob": "aGVsbG8=", "Link": "https://example.com/a?b=c", "Amount": "12.50",
            ])
        #expect(
            value
                == Scalars(
                    flag: true, small: -128, big: .max, ratio: 0.25, single: 1.5, blob: Data("hello".utf8),
                    link: URL(string: "https://example.com/a?b=c")!, amount: Decimal(string: "12.5")!))
    }

    // MARK: Errors

    @Test("answers ValidationError naming a missing required member")
    func missingMember() {
        #expect(
            throws: AWSWireError.validation(
                "1 validation error detected: Value null at 'TargetGroupArn' failed to satisfy constraint: Member must not be null"
            )
        ) { try Self.decoder.decode(RegisterTargetsInput.self, from: ["Targets.member.1.Id": "i-1"]) }
        #expect(
            throws: AWSWireError.validation(
                "1 validation error detected: Value null at 'Targets.member.2.Id' failed to satisfy constraint: Member must not be null"
            )
        ) {
            try Self.decoder.decode(
                RegisterTargetsInput.self,
                from: ["TargetGroupArn": "arn", "Targets.member.1.Id": "i-1", "Targets.member.2.Port": "80"])
        }
    }

    @Test("answers ValidationError naming a value of the wrong type")
    func wrongTypes() throws {
        #expect(
            throws: AWSWireError.validation(
                "1 validation error detected: Value 'eighty' at 'Targets.member.1.Port' failed to satisfy constraint: Member must be an integer"
            )
        ) {
            try Self.decoder.decode(
                RegisterTargetsInput.self,
                from: ["TargetGroupArn": "arn", "Targets.member.1.Id": "i-1", "Targets.member.1.Port": "eighty"])
        }
        #expect(
            throws: AWSWireError.validation(
                "1 validation error detected: Value 'yes' at 'HealthCheckEnabled' failed to satisfy constraint: Member must be a boolean (true or false)"
            )
        ) { try Self.decoder.decode(CreateTargetGroupInput.self, from: ["Name": "a", "HealthCheckEnabled": "yes"]) }
        #expect(
            throws: AWSWireError.validation(
                "1 validation error detected: Value 'soon' at 'StartTime' failed to satisfy constraint: Member must be an ISO 8601 timestamp"
            )
        ) {
            try Self.decoder.decode(
                PutScheduledUpdateGroupActionInput.self,
                from: ["AutoScalingGroupName": "a", "ScheduledActionName": "b", "StartTime": "soon"])
        }
        let error = try #require(throws: AWSWireError.self) {
            try Self.decoder.decode(CreateTargetGroupInput.self, from: ["Name": "a", "Protocol": "FTP"])
        }
        #expect(error.code == "ValidationError")
        #expect(error.httpStatus == 400)
        #expect(
            error.message.hasPrefix("1 validation error detected: Value at 'Protocol' failed to satisfy constraint:"))
        #expect(error.message.contains("FTP"))
        #expect(
            throws: AWSWireError.validation(
                "1 validation error detected: Value '300' at 'Small' failed to satisfy constraint: Member must be an integer"
            )
        ) {
            try Self.decoder.decode(
                Scalars.self,
                from: [
                    "Flag": "true", "Small": "300", "Big": "1", "Ratio": "1", "Single": "1", "Blob": "", "Link": "x",
                    "Amount": "1",
                ])
        }
    }
}
