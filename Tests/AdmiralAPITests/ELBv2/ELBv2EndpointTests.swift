import AWSWire
import AdmiralAPI
import AdmiralStore
import Foundation
import HTTPTypes
import Testing

extension APIClient {
    /// Sends an ELBv2 call the way botocore does: a form body, SigV4-signed for
    /// `elasticloadbalancing`.
    func elbv2(_ body: String, region: String = "us-east-1") async throws -> APIResponse {
        let signer = SigV4Signer(
            accessKeyId: APITestHarness.principal.accessKeyId,
            secretAccessKey: APITestHarness.principal.secretAccessKey, region: region,
            service: "elasticloadbalancing")
        let bytes = Array(body.utf8)
        var headers: [(name: String, value: String)] = [
            ("Host", "localhost"), ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ]
        headers += signer.sign(method: "POST", path: "/", headers: headers, body: bytes, date: Date())
        return try await raw(method: .post, headers: headers, body: bytes)
    }
}

extension APIResponse {
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The text of the first element of that name.
    func element(_ name: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
            .replacing("&apos;", with: "'").replacing("&quot;", with: "\"").replacing("&lt;", with: "<")
            .replacing("&gt;", with: ">").replacing("&amp;", with: "&")
    }
}

@Suite("The ELBv2 Query endpoint in-process")
struct ELBv2EndpointTests {
    static let create =
        "Action=CreateLoadBalancer&Version=2015-12-01&Name=web&Subnets.member.1=subnet-us-east-1a&Subnets.member.2=subnet-us-east-1b"

    @Test("a signed CreateLoadBalancer answers AWS's XML document with a request id")
    func create() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.elbv2(Self.create)
            #expect(response.status == 200)
            #expect(response.headers[.contentType] == "text/xml")
            #expect(
                response.text.hasPrefix(
                    #"<CreateLoadBalancerResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><CreateLoadBalancerResult><LoadBalancers><member>"#
                ))
            #expect(response.element("DNSName") == "127.0.1.1")
            #expect(response.element("Code") == "provisioning")
            #expect(response.element("RequestId") == response.requestId)
            #expect(response.element("CreatedTime")?.hasSuffix("Z") == true)
            let arn = try #require(response.element("LoadBalancerArn"))
            #expect(arn.hasPrefix("arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/web/"))
        }
        #expect(try await harness.store.loadBalancingState().loadBalancers.count == 1)
    }

    @Test("ELBv2 errors are Query XML with the ELB code and Sender type")
    func errors() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.elbv2("Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=nope")
            #expect(response.status == 400)
            #expect(response.text.hasPrefix("<ErrorResponse"))
            #expect(response.element("Type") == "Sender")
            #expect(response.element("Code") == "LoadBalancerNotFound")
            #expect(response.element("RequestId") == response.requestId)
        }
    }

    @Test("malformed requests: no Action, another API version, an unknown or unimplemented action, bad numbers")
    func malformed() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            #expect(try await client.elbv2("Version=2015-12-01&Name=web").element("Code") == "MissingAction")
            let classic = try await client.elbv2("Action=DescribeLoadBalancers&Version=2012-06-01")
            #expect(classic.element("Code") == "InvalidAction")
            #expect(classic.element("Message")?.contains("2015-12-01") == true)
            #expect(try await client.elbv2("Action=Teleport&Version=2015-12-01").element("Code") == "InvalidAction")
            let certificates = try await client.elbv2("Action=AddListenerCertificates&Version=2015-12-01&ListenerArn=x")
            #expect(certificates.element("Message")?.contains("HTTPS") == true)
            let badNumber = try await client.elbv2(
                "Action=CreateTargetGroup&Version=2015-12-01&Name=web&Protocol=HTTP&Port=eighty")
            #expect(badNumber.status == 400)
            #expect(badNumber.element("Code") == "ValidationError")
            #expect(badNumber.element("Message")?.contains("'eighty'") == true)
            let percent = try await client.elbv2("Action=CreateLoadBalancer&Version=2015-12-01&Name=%ZZ%")
            #expect(percent.status == 400)
        }
        #expect(try await harness.store.loadBalancingState().version == 0)
    }

    @Test("an unsigned ELBv2 request is refused with the Query protocol's 403")
    func unsigned() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.raw(
                method: .post,
                headers: [("Host", "localhost"), ("Content-Type", "application/x-www-form-urlencoded")],
                body: Array(Self.create.utf8))
            #expect(response.status == 403)
            #expect(response.element("Code") == "MissingAuthenticationToken")
        }
        #expect(try await harness.store.loadBalancingState().loadBalancers.isEmpty)
    }
}
