import AWSWire
import AdmiralAPI
import Foundation
import HTTPTypes
import Testing

extension APIClient {
    /// Sends an EC2 call the way botocore does: a form body, SigV4-signed for `ec2`.
    func ec2(_ body: String) async throws -> APIResponse {
        let signer = SigV4Signer(
            accessKeyId: APITestHarness.principal.accessKeyId,
            secretAccessKey: APITestHarness.principal.secretAccessKey, region: "us-east-1", service: "ec2")
        let bytes = Array(body.utf8)
        var headers: [(name: String, value: String)] = [
            ("Host", "localhost"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        headers += signer.sign(method: "POST", path: "/", headers: headers, body: bytes, date: Date())
        return try await raw(method: .post, headers: headers, body: bytes)
    }
}

@Suite("The EC2 endpoint in-process")
struct EC2EndpointTests {
    @Test("an answer is EC2's document: no result wrapper, requestId, item lists")
    func answer() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.ec2(
                "Action=DescribeAvailabilityZones&Version=2016-11-15&Filter.1.Name=zone-name&Filter.1.Value.1=us-east-1b"
            )
            #expect(response.status == 200)
            #expect(
                response.text.hasPrefix(
                    #"<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>"#)
            )
            #expect(response.element("requestId") == response.requestId)
            #expect(response.text.contains("<availabilityZoneInfo><item>"))
            #expect(response.element("zoneName") == "us-east-1b")
            #expect(!response.text.contains("us-east-1a"))
        }
    }

    @Test("errors are Response/Errors documents with EC2's codes and HTTP 400")
    func errors() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let unknown = try await client.ec2("Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-0123456789abcdef0")
            #expect(unknown.status == 400)
            #expect(unknown.text.hasPrefix("<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>"))
            #expect(unknown.element("RequestID") == unknown.requestId)
            let missing = try await client.ec2("Action=DeleteVpc&Version=2016-11-15")
            #expect(missing.element("Code") == "MissingParameter")
            #expect(missing.element("Message") == "The request must contain the parameter VpcId")
            let badType = try await client.ec2(
                "Action=RunInstances&Version=2016-11-15&ImageId=ami-0a0d3121a1ec5a9e1&MinCount=1&MaxCount=1&InstanceType=huge"
            )
            #expect(badType.element("Code") == "InvalidParameterValue")
            #expect(badType.element("Message") == "Invalid value 'huge' for instanceType.")
            let action = try await client.ec2("Action=DescribeKeyPairs&Version=2016-11-15")
            #expect(action.element("Code") == "InvalidAction")
            let version = try await client.ec2("Action=DescribeVpcs&Version=2014-01-01")
            #expect(version.element("Code") == "InvalidAction")
            let dryRun = try await client.ec2("Action=DescribeVpcs&Version=2016-11-15&DryRun=true")
            #expect(dryRun.element("Code") == "DryRunOperation")
        }
    }
}
