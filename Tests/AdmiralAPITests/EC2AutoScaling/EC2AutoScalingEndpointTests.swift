import AWSWire
import AdmiralAPI
import AdmiralStore
import Foundation
import HTTPTypes
import Testing

extension APIClient {
    /// Sends an EC2 Auto Scaling call the way botocore does: a form body, SigV4-signed for
    /// `autoscaling`.
    func autoScaling(_ body: String) async throws -> APIResponse {
        let signer = SigV4Signer(
            accessKeyId: APITestHarness.principal.accessKeyId,
            secretAccessKey: APITestHarness.principal.secretAccessKey, region: "us-east-1", service: "autoscaling")
        let bytes = Array(body.utf8)
        var headers: [(name: String, value: String)] = [
            ("Host", "localhost"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        headers += signer.sign(method: "POST", path: "/", headers: headers, body: bytes, date: Date())
        return try await raw(method: .post, headers: headers, body: bytes)
    }
}

@Suite("The EC2 Auto Scaling Query endpoint in-process")
struct EC2AutoScalingEndpointTests {
    static let createLC =
        "Action=CreateLaunchConfiguration&Version=2011-01-01&LaunchConfigurationName=web-lc&ImageId=ami-1"
        + "&InstanceType=t3.micro"

    @Test("an action without a result answers only the response metadata; results are in Auto Scaling's namespace")
    func responses() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let created = try await client.autoScaling(Self.createLC)
            #expect(created.status == 200)
            #expect(
                created.text
                    == #"<CreateLaunchConfigurationResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">"#
                    + "<ResponseMetadata><RequestId>\(created.requestId ?? "")</RequestId></ResponseMetadata>"
                    + "</CreateLaunchConfigurationResponse>")
            let described = try await client.autoScaling("Action=DescribeLaunchConfigurations&Version=2011-01-01")
            #expect(described.text.contains("<DescribeLaunchConfigurationsResult><LaunchConfigurations><member>"))
            #expect(described.element("LaunchConfigurationName") == "web-lc")
        }
    }

    @Test("errors are Query XML with Auto Scaling's codes; other versions and actions are InvalidAction")
    func errors() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            _ = try await client.autoScaling(Self.createLC)
            let again = try await client.autoScaling(Self.createLC)
            #expect(again.status == 400)
            #expect(again.element("Type") == "Sender")
            #expect(again.element("Code") == "AlreadyExists")
            let group = try await client.autoScaling(
                "Action=CreateAutoScalingGroup&Version=2011-01-01&AutoScalingGroupName=web"
                    + "&LaunchConfigurationName=web-lc&MinSize=0&MaxSize=2&DesiredCapacity=5"
                    + "&AvailabilityZones.member.1=us-east-1a")
            #expect(group.element("Code") == "ValidationError")
            #expect(
                group.element("Message")
                    == "Desired capacity:5 must be between the specified min size:0 and max size:2")
            let missing = try await client.autoScaling(
                "Action=CreateAutoScalingGroup&Version=2011-01-01&AutoScalingGroupName=web&MaxSize=2")
            #expect(missing.element("Code") == "ValidationError")
            let version = try await client.autoScaling("Action=DescribeAutoScalingGroups&Version=2010-08-01")
            #expect(version.element("Code") == "InvalidAction")
            let unknown = try await client.autoScaling("Action=Teleport&Version=2011-01-01")
            #expect(unknown.element("Code") == "InvalidAction")
        }
    }
}
