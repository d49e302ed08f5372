import AWSWire
import AdmiralAPI
import Foundation
import HTTPTypes
import Testing

/// Requests the protocol fuzzer (tools/fuzz) found mishandled, replayed in-process.
@Suite("protocol fuzzer findings")
struct FuzzFindingTests {
    static func signer(_ service: String) -> SigV4Signer {
        SigV4Signer(
            accessKeyId: APITestHarness.principal.accessKeyId,
            secretAccessKey: APITestHarness.principal.secretAccessKey, region: "us-east-1", service: service)
    }

    @Test("an Application Auto Scaling value outside an enumeration is ValidationException, not a server error")
    func autoScalingEnumValue() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.ecs(
                "DescribeScheduledActions", #"{"ServiceNamespace": "AAAA"}"#,
                signer: Self.signer("application-autoscaling"),
                target: "AnyScaleFrontendService.DescribeScheduledActions")
            #expect(response.status == 400)
            #expect(response.errorType == "ValidationException")
            #expect(response.errorMessage?.contains("'serviceNamespace'") == true)
            #expect(response.errorMessage?.contains("ecs") == true)
        }
    }

    @Test("a CloudWatch awsJson request without X-Amz-Target gets a JSON error, not a Query one")
    func cloudWatchJSONWithoutTarget() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let body = Array(#"{"AlarmNames": ["a"]}"#.utf8)
            var headers: [(name: String, value: String)] = [
                ("Host", "localhost"), ("Content-Type", "application/x-amz-json-1.0"),
            ]
            headers += Self.signer("monitoring").sign(
                method: "POST", path: "/", headers: headers, body: body, date: Date())
            let response = try await client.raw(method: .post, headers: headers, body: body)
            #expect(response.status == 400)
            #expect(response.errorType == "UnknownOperationException")
            #expect(response.headers[.contentType] == "application/x-amz-json-1.0")
        }
    }

    /// Signs and sends a CloudWatch request; awsJson 1.0 when `target` is given, else Query.
    static func cloudWatch(
        _ client: APIClient, body: [UInt8], target: String?, extraHeaders: [(name: String, value: String)] = []
    ) async throws -> APIResponse {
        var headers: [(name: String, value: String)] = [("Host", "localhost")]
        if let target {
            headers += [
                ("Content-Type", "application/x-amz-json-1.0"),
                ("X-Amz-Target", "GraniteServiceVersion20100801.\(target)"),
            ]
        } else {
            headers.append(("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"))
        }
        headers += extraHeaders
        headers += signer("monitoring").sign(method: "POST", path: "/", headers: headers, body: body, date: Date())
        return try await client.raw(method: .post, headers: headers, body: body)
    }

    @Test("CloudWatch Query answers of outputs without members keep their result element, which botocore needs")
    func cloudWatchEmptyResults() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let body = Array("Action=DeleteDashboards&Version=2010-08-01&DashboardNames.member.1=none".utf8)
            let response = try await Self.cloudWatch(client, body: body, target: nil)
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(response.status == 200 || text.contains("<Code>ResourceNotFound</Code>"))
            if response.status == 200 {
                #expect(text.contains("<DeleteDashboardsResult"))
            }
            let put = Array(
                "Action=PutDashboard&Version=2010-08-01&DashboardName=d&DashboardBody=%7B%22widgets%22%3A%5B%5D%7D"
                    .utf8)
            #expect(try await Self.cloudWatch(client, body: put, target: nil).status == 200)
            let delete = Array("Action=DeleteDashboards&Version=2010-08-01&DashboardNames.member.1=d".utf8)
            let deleted = try await Self.cloudWatch(client, body: delete, target: nil)
            #expect(deleted.status == 200)
            #expect(String(decoding: deleted.body, as: UTF8.self).contains("<DeleteDashboardsResult"))
        }
    }

    /// `{"MetricName": "m", "Namespace": "n"}` in gzip.
    static let gzipBody: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xab, 0x56, 0xf2, 0x4d, 0x2d, 0x29, 0xca, 0x4c,
        0xf6, 0x4b, 0xcc, 0x4d, 0x55, 0xb2, 0x52, 0x50, 0xca, 0x55, 0xd2, 0x51, 0x50, 0x02, 0x71, 0x8a, 0x0b, 0x12,
        0x93, 0xc1, 0x22, 0x79, 0x4a, 0xb5, 0x00, 0x7a, 0x24, 0x0f, 0xdc, 0x25, 0x00, 0x00, 0x00,
    ]

    @Test("a gzip body cut before its trailer is refused, not read as the shorter body it inflates to")
    func truncatedGzip() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let gzip = [(name: "Content-Encoding", value: "gzip")]
            let whole = try await Self.cloudWatch(
                client, body: Self.gzipBody, target: "DescribeAlarmsForMetric", extraHeaders: gzip)
            #expect(whole.status == 200)
            let cut = try await Self.cloudWatch(
                client, body: Array(Self.gzipBody.dropLast(9)), target: "DescribeAlarmsForMetric", extraHeaders: gzip)
            #expect(cut.status == 400)
            #expect(cut.errorType == "InvalidParameterValue")
        }
    }
}
