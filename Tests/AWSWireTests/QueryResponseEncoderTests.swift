import Foundation
import Testing

@testable import AWSWire

@Suite("Query protocol responses")
struct QueryResponseEncoderTests {
    static let namespace = QueryResponseEncoder.namespace(service: "elasticloadbalancing", version: "2015-12-01")
    static let encoder = QueryResponseEncoder(namespace: namespace, keyStrategy: .upperCamelCase)
    static let requestId = "4f90b35e-c583-4c6e-bccb-9956291dd896"

    struct DescribeLoadBalancersOutput: Encodable {
        struct LoadBalancer: Encodable {
            struct State: Encodable {
                var code: String
                var reason: String?
            }
            struct AvailabilityZone: Encodable {
                var zoneName: String
                var subnetId: String?
            }
            var loadBalancerArn: String
            var dNSName: String
            var createdTime: Date
            var loadBalancerName: String
            var scheme: String
            var vpcId: String?
            var state: State
            var type: String
            var availabilityZones: [AvailabilityZone]
            var securityGroups: [String]
            var ipAddressType: String
        }
        var loadBalancers: [LoadBalancer]
        var nextMarker: String?
    }

    static let describeLoadBalancersXML =
        #"<DescribeLoadBalancersResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">"#
        + "<DescribeLoadBalancersResult><LoadBalancers><member>"
        + "<LoadBalancerArn>arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/50dc6c495c0c9188</LoadBalancerArn>"
        + "<DNSName>web-1234.us-east-1.elb.localhost</DNSName>"
        + "<CreatedTime>2026-11-25T17:01:23.123Z</CreatedTime>"
        + "<LoadBalancerName>web</LoadBalancerName>"
        + "<Scheme>internet-facing</Scheme>"
        + "<State><Code>active</Code></State>"
        + "<Type>application</Type>"
        + "<AvailabilityZones><member><ZoneName>us-east-1a</ZoneName><SubnetId>subnet-1</SubnetId></member>"
        + "<member><ZoneName>us-east-1b</ZoneName></member></AvailabilityZones>"
        + "<SecurityGroups><member>sg-1</member><member>sg-2</member></SecurityGroups>"
        + "<IpAddressType>ipv4</IpAddressType>"
        + "</member></LoadBalancers></DescribeLoadBalancersResult>"
        + "<ResponseMetadata><RequestId>4f90b35e-c583-4c6e-bccb-9956291dd896</RequestId></ResponseMetadata>"
        + "</DescribeLoadBalancersResponse>"

    @Test("encodes a result with lists of structures, nested structures, timestamps and no nil members")
    func describeLoadBalancers() throws {
        let output = DescribeLoadBalancersOutput(
            loadBalancers: [
                .init(
                    loadBalancerArn:
                        "arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/50dc6c495c0c9188",
                    dNSName: "web-1234.us-east-1.elb.localhost",
                    createdTime: Date(timeIntervalSince1970: 1_795_626_083.123), loadBalancerName: "web",
                    scheme: "internet-facing", vpcId: nil, state: .init(code: "active", reason: nil),
                    type: "application",
                    availabilityZones: [
                        .init(zoneName: "us-east-1a", subnetId: "subnet-1"),
                        .init(zoneName: "us-east-1b", subnetId: nil),
                    ],
                    securityGroups: ["sg-1", "sg-2"], ipAddressType: "ipv4")
            ],
            nextMarker: nil)
        let body = try Self.encoder.encode(output, action: "DescribeLoadBalancers", requestId: Self.requestId)
        #expect(String(decoding: body, as: UTF8.self) == Self.describeLoadBalancersXML)
    }

    struct TargetGroupOutput: Encodable {
        struct Matcher: Encodable {
            var HttpCode: String
        }
        struct TargetGroup: Encodable {
            var TargetGroupName: String
            var Port: Int
            var HealthCheckEnabled: Bool
            var HealthCheckTimeoutSeconds: Int?
            var Matcher: Matcher
            var LoadBalancerArns: [String]
        }
        var TargetGroups: [TargetGroup]
    }

    @Test("encodes integers, booleans, empty lists and escapes text, with the default key strategy")
    func escapingAndScalars() throws {
        let output = TargetGroupOutput(TargetGroups: [
            .init(
                TargetGroupName: "a<b>&\"c\" 'd'", Port: 8080, HealthCheckEnabled: false,
                HealthCheckTimeoutSeconds: nil,
                Matcher: .init(HttpCode: "200-299"), LoadBalancerArns: [])
        ])
        let body = try QueryResponseEncoder(namespace: Self.namespace).encode(
            output, action: "CreateTargetGroup", requestId: "r-1")
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"<CreateTargetGroupResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">"#
                + "<CreateTargetGroupResult><TargetGroups><member>"
                + "<TargetGroupName>a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;</TargetGroupName>"
                + "<Port>8080</Port><HealthCheckEnabled>false</HealthCheckEnabled>"
                + "<Matcher><HttpCode>200-299</HttpCode></Matcher><LoadBalancerArns/>"
                + "</member></TargetGroups></CreateTargetGroupResult>"
                + "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></CreateTargetGroupResponse>")
    }

    struct MapOutput: Encodable {
        var attributes: [String: String]
        var weights: [String: Double]
        var data: Data
    }

    @Test("encodes maps as sorted entry/key/value elements, doubles and base64 blobs")
    func mapsAndBlobs() throws {
        let output = MapOutput(attributes: ["b": "2", "a": "1"], weights: ["x": 0.5], data: Data("hi".utf8))
        let body = try Self.encoder.encode(output, action: "Describe", requestId: "r")
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"<DescribeResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeResult>"#
                + "<Attributes><entry><key>a</key><value>1</value></entry><entry><key>b</key><value>2</value></entry></Attributes>"
                + "<Weights><entry><key>x</key><value>0.5</value></entry></Weights><Data>aGk=</Data>"
                + "</DescribeResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeResponse>")
    }

    @Test("encodes an action without a result as response metadata only")
    func noResult() {
        let body = QueryResponseEncoder(
            namespace: QueryResponseEncoder.namespace(service: "autoscaling", version: "2011-01-01")
        ).encode(action: "CreateAutoScalingGroup", requestId: "r-2")
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"<CreateAutoScalingGroupResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">"#
                + "<ResponseMetadata><RequestId>r-2</RequestId></ResponseMetadata></CreateAutoScalingGroupResponse>")
    }

    @Test("encodes an empty result structure as an empty Result element")
    func emptyResult() throws {
        struct Empty: Encodable {}
        let body = try Self.encoder.encode(Empty(), action: "AddTags", requestId: "r")
        #expect(String(decoding: body, as: UTF8.self).contains("<AddTagsResult/><ResponseMetadata>"))
    }

    @Test("answers InternalFailure when the result cannot be encoded")
    func failingEncodable() throws {
        struct Failing: Encodable {
            func encode(to encoder: any Encoder) throws {
                throw EncodingError.invalidValue(1, .init(codingPath: [], debugDescription: "no"))
            }
        }
        let error = try #require(throws: AWSWireError.self) {
            try Self.encoder.encode(Failing(), action: "X", requestId: "r")
        }
        #expect(error.code == "InternalFailure")
        #expect(error.httpStatus == 500)
    }

    @Test("renders the Query error body with Sender or Receiver")
    func errorBody() {
        let body = queryErrorBody(
            AWSWireError(code: "TargetGroupNotFound", message: "One or more target groups not found"), requestId: "r-3",
            namespace: Self.namespace)
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Sender</Type>"#
                + "<Code>TargetGroupNotFound</Code><Message>One or more target groups not found</Message></Error>"
                + "<RequestId>r-3</RequestId></ErrorResponse>")
        let server = queryErrorBody(.internalFailure("disk <full>"), requestId: "r-4")
        #expect(
            String(decoding: server, as: UTF8.self)
                == "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                + "<Message>disk &lt;full&gt;</Message></Error><RequestId>r-4</RequestId></ErrorResponse>")
    }

    @Test("writes balanced, escaped XML and replaces characters XML cannot carry")
    func xmlWriter() {
        var writer = XMLWriter()
        writer.open("A", attributes: [(name: "x", value: "1\"2")])
        writer.element("B", text: "tab\there\r\nbell\u{07}")
        writer.emptyElement("C")
        writer.open("D")
        writer.text("t&")
        #expect(writer.string == "<A x=\"1&quot;2\"><B>tab\there&#xD;\nbell\u{FFFD}</B><C/><D>t&amp;</D></A>")
        writer.close()
        writer.close()
        writer.close()
        #expect(
            writer.bytes == Array("<A x=\"1&quot;2\"><B>tab\there&#xD;\nbell\u{FFFD}</B><C/><D>t&amp;</D></A>".utf8))
    }
}
