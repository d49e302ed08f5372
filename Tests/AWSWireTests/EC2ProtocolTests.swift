import Foundation
import Testing

@testable import AWSWire

@Suite("EC2 protocol requests and answers")
struct EC2ProtocolTests {
    static let namespace = "http://ec2.amazonaws.com/doc/2016-11-15/"
    static let requestId = "59dbff89-35bd-4eac-99ed-be587EXAMPLE"

    struct Filter: Codable, Equatable {
        var name: String?
        var values: [String]?
        enum CodingKeys: String, CodingKey {
            case name = "Name"
            case values = "Value"
        }
    }

    struct Tag: Codable, Equatable {
        var key: String?
        var value: String?
        enum CodingKeys: String, CodingKey {
            case key
            case value
        }
    }

    struct DescribeVpcsRequest: Decodable {
        var filters: [Filter]?
        var vpcIds: [String]?
        var maxResults: Int?
        var dryRun: Bool?
        enum CodingKeys: String, CodingKey {
            case filters = "Filter"
            case vpcIds = "VpcId"
            case maxResults = "MaxResults"
            case dryRun = "dryRun"
        }
    }

    struct Vpc: Encodable {
        var cidrBlock: String?
        var vpcId: String?
        var isDefault: Bool?
        var tags: [Tag]?
        enum CodingKeys: String, CodingKey {
            case cidrBlock
            case vpcId
            case isDefault
            case tags = "tagSet"
        }
    }

    struct DescribeVpcsResult: Encodable {
        var vpcs: [Vpc]?
        var nextToken: String?
        enum CodingKeys: String, CodingKey {
            case vpcs = "vpcSet"
            case nextToken
        }
    }

    @Test("a request's members are read by their upper-cased location names, with every list flattened")
    func decodesFlattenedLists() throws {
        let request = try QueryRequest.parse(
            body: "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1&VpcId.2=vpc-2"
                + "&Filter.1.Name=tag%3AName&Filter.1.Value.1=web&Filter.1.Value.2=api"
                + "&Filter.2.Name=is-default&Filter.2.Value.1=false&MaxResults=5&DryRun=true")
        let decoded = try QueryDecoder(keyStrategy: .upperCamelCase).decode(DescribeVpcsRequest.self, from: request)
        #expect(decoded.vpcIds == ["vpc-1", "vpc-2"])
        #expect(
            decoded.filters == [
                Filter(name: "tag:Name", values: ["web", "api"]), Filter(name: "is-default", values: ["false"]),
            ])
        #expect(decoded.maxResults == 5)
        #expect(decoded.dryRun == true)
    }

    @Test("an answer has no result wrapper, a requestId first, and lists of item elements")
    func encodesAnswer() throws {
        let result = DescribeVpcsResult(
            vpcs: [
                Vpc(cidrBlock: "172.31.0.0/16", vpcId: "vpc-0a1b", isDefault: true, tags: []),
                Vpc(
                    cidrBlock: "10.0.0.0/16", vpcId: "vpc-0c2d", isDefault: false,
                    tags: [Tag(key: "Name", value: "a<b")]),
            ])
        let bytes = try EC2ResponseEncoder(namespace: Self.namespace).encode(
            result, action: "DescribeVpcs", requestId: Self.requestId)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">"#
                + "<requestId>\(Self.requestId)</requestId><vpcSet>"
                + "<item><cidrBlock>172.31.0.0/16</cidrBlock><vpcId>vpc-0a1b</vpcId><isDefault>true</isDefault><tagSet/></item>"
                + "<item><cidrBlock>10.0.0.0/16</cidrBlock><vpcId>vpc-0c2d</vpcId><isDefault>false</isDefault>"
                + "<tagSet><item><key>Name</key><value>a&lt;b</value></item></tagSet></item>"
                + "</vpcSet></DescribeVpcsResponse>")
    }

    @Test("an action without output answers return true")
    func encodesReturn() {
        let bytes = EC2ResponseEncoder(namespace: Self.namespace).encode(action: "DeleteVpc", requestId: "r1")
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"<DeleteVpcResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">"#
                + "<requestId>r1</requestId><return>true</return></DeleteVpcResponse>")
    }

    @Test("errors are Response/Errors/Error documents with a RequestID")
    func encodesErrors() {
        let error = AWSWireError(code: "InvalidVpcID.NotFound", message: "The vpc ID 'vpc-1' does not exist")
        #expect(
            String(decoding: ec2ErrorBody(error, requestId: "r2"), as: UTF8.self)
                == "<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>"
                + "<Message>The vpc ID &apos;vpc-1&apos; does not exist</Message></Error></Errors>"
                + "<RequestID>r2</RequestID></Response>")
    }

    @Test("Query answers still wrap list elements in member")
    func queryListsUnchanged() throws {
        struct Output: Encodable {
            var names: [String]
            enum CodingKeys: String, CodingKey { case names = "Names" }
        }
        let bytes = try QueryResponseEncoder(namespace: "ns").encode(
            Output(names: ["a"]), action: "X", requestId: "r")
        #expect(String(decoding: bytes, as: UTF8.self).contains("<Names><member>a</member></Names>"))
    }
}
