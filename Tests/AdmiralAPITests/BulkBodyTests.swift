import AWSWire
import Foundation
import HTTPTypes
import Testing

@testable import AdmiralAPI

@Suite("Bulk bodies (verified and inflated off the event loops)")
struct BulkBodyTests {
    @Test("the bulk services are told by the credential scope; anything else, or no scope, is not bulk")
    func bulkByScope() {
        func authorization(_ service: String) -> String {
            "AWS4-HMAC-SHA256 Credential=AKID/20261207/us-east-1/\(service)/aws4_request, "
                + "SignedHeaders=host;x-amz-date, Signature=00"
        }
        #expect(AWSEndpoint.isBulk(authorization("monitoring")))
        #expect(AWSEndpoint.isBulk(authorization("logs")))
        #expect(!AWSEndpoint.isBulk(authorization("ecs")))
        #expect(!AWSEndpoint.isBulk(authorization("elasticloadbalancing")))
        #expect(!AWSEndpoint.isBulk(nil))
        #expect(!AWSEndpoint.isBulk("AWS4-HMAC-SHA256 Credential=AKID/monitoring, Signature=00"))
        #expect(!AWSEndpoint.isBulk("Bearer monitoring"))
    }

    /// A PutMetricData of `count` metrics, well over the inline limit when `count` is large.
    static func putMetricData(_ count: Int) -> [UInt8] {
        let data = (0..<count).map { #"{"MetricName":"m\#($0)","Value":\#($0)}"# }.joined(separator: ",")
        return Array(#"{"Namespace":"Bulk","MetricData":[\#(data)]}"#.utf8)
    }

    static func send(_ client: APIClient, _ operation: String, _ body: [UInt8], secret: String) async throws
        -> APIResponse
    {
        let signer = SigV4Signer(
            accessKeyId: APITestHarness.principal.accessKeyId, secretAccessKey: secret, region: "us-east-1",
            service: "monitoring")
        var headers: [(name: String, value: String)] = [
            ("Host", "localhost"), ("Content-Type", "application/x-amz-json-1.0"),
            ("X-Amz-Target", "GraniteServiceVersion20100801.\(operation)"),
        ]
        headers += signer.sign(method: "POST", path: "/", headers: headers, body: body, date: Date())
        return try await client.raw(method: .post, headers: headers, body: body)
    }

    @Test("a large PutMetricData is stored when signed right and refused, storing nothing, when not")
    func largeBodies() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        let body = Self.putMetricData(200)
        #expect(body.count > AWSEndpoint.inlineBulkLimit)
        try await harness.run { client in
            let refused = try await Self.send(client, "PutMetricData", body, secret: "wrong")
            #expect((400..<500).contains(refused.status))
            #expect(refused.errorType == "InvalidSignatureException")
            let empty = try await Self.send(client, "ListMetrics", Array(#"{"Namespace":"Bulk"}"#.utf8),
                secret: APITestHarness.principal.secretAccessKey)
            #expect((empty.json["Metrics"] as? [Any])?.isEmpty == true)

            let stored = try await Self.send(
                client, "PutMetricData", body, secret: APITestHarness.principal.secretAccessKey)
            #expect(stored.status == 200)
            let listed = try await Self.send(client, "ListMetrics", Array(#"{"Namespace":"Bulk"}"#.utf8),
                secret: APITestHarness.principal.secretAccessKey)
            #expect((listed.json["Metrics"] as? [Any])?.count == 200)
        }
    }
}
