import AWSWire
import AdmiralAPI
import AdmiralStore
import Foundation
import HTTPTypes
import Testing

@Suite("AWS endpoint")
struct EndpointTests {
    @Test("a signed CreateCluster creates the cluster and the answer carries a request id")
    func signedCallSucceeds() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.ecs("CreateCluster", #"{"clusterName":"web"}"#)
            #expect(response.status == 200)
            #expect(response.requestId?.count == 36)
            let cluster = try #require(response.json["cluster"] as? [String: Any])
            #expect(cluster["clusterArn"] as? String == "arn:aws:ecs:us-east-1:000000000000:cluster/web")
            #expect(cluster["status"] as? String == "ACTIVE")
        }
        #expect(try await harness.store.cluster(named: "web")?.status == .active)
    }

    @Test("ARNs use the region of the request's credential scope")
    func regionFromScope() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let signer = SigV4Signer(
                accessKeyId: APITestHarness.principal.accessKeyId,
                secretAccessKey: APITestHarness.principal.secretAccessKey, region: "eu-west-1", service: "ecs")
            let response = try await client.ecs("CreateCluster", #"{"clusterName":"web"}"#, signer: signer)
            let cluster = try #require(response.json["cluster"] as? [String: Any])
            #expect(cluster["clusterArn"] as? String == "arn:aws:ecs:eu-west-1:000000000000:cluster/web")
        }
    }

    @Test("an unsigned request is refused with MissingAuthenticationTokenException and changes nothing")
    func unsignedRefused() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.raw(
                method: .post,
                headers: [
                    ("Host", "localhost"), ("Content-Type", "application/x-amz-json-1.1"),
                    ("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.CreateCluster"),
                ], body: Array(#"{"clusterName":"web"}"#.utf8))
            #expect(response.errorType == "MissingAuthenticationTokenException")
            #expect((400..<500).contains(response.status))
            #expect(response.requestId != nil)
        }
        #expect(try await harness.store.cluster(named: "web") == nil)
    }

    @Test("a request signed with the wrong secret is refused with InvalidSignatureException")
    func wrongSecret() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let signer = SigV4Signer(
                accessKeyId: APITestHarness.principal.accessKeyId, secretAccessKey: "wrong", region: "us-east-1",
                service: "ecs")
            let response = try await client.ecs("CreateCluster", #"{"clusterName":"web"}"#, signer: signer)
            #expect(response.errorType == "InvalidSignatureException")
            #expect(response.errorMessage?.hasPrefix("The request signature we calculated does not match") == true)
        }
        #expect(try await harness.store.cluster(named: "web") == nil)
    }

    @Test("an unknown access key is refused with UnrecognizedClientException")
    func unknownKey() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let signer = SigV4Signer(
                accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x", region: "us-east-1", service: "ecs")
            let response = try await client.ecs("ListClusters", "{}", signer: signer)
            #expect(response.errorType == "UnrecognizedClientException")
        }
    }

    @Test("a request signed 16 minutes ago is refused as expired; 14 minutes is accepted")
    func clockSkew() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let old = try await client.ecs("ListClusters", "{}", date: Date().addingTimeInterval(-16 * 60))
            #expect(old.errorType == "InvalidSignatureException")
            #expect(old.errorMessage?.hasPrefix("Signature expired:") == true)
            let recent = try await client.ecs("ListClusters", "{}", date: Date().addingTimeInterval(-14 * 60))
            #expect(recent.status == 200)
        }
    }

    @Test("an unknown X-Amz-Target is UnknownOperationException")
    func unknownOperation() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let unknown = try await client.ecs("LaunchRockets", "{}")
            #expect(unknown.errorType == "UnknownOperationException")
            #expect(unknown.status == 400)
            let otherService = try await client.ecs(
                "ListClusters", "{}", target: "GraniteServiceVersion20100801.ListMetrics")
            #expect(otherService.errorType == "UnknownOperationException")
        }
    }

    @Test("malformed JSON is SerializationException and registers nothing")
    func malformedJSON() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.ecs(
                "RegisterTaskDefinition", #"{"family": "web", "containerDefinitions": [ "#)
            #expect(response.errorType == "SerializationException")
            #expect(response.status == 400)
            let array = try await client.ecs("ListClusters", "[]")
            #expect(array.errorType == "SerializationException")
        }
        #expect(try await harness.store.taskDefinition(family: "web", revision: nil) == nil)
    }

    @Test("a member of the wrong type is SerializationException naming the member")
    func wrongType() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.ecs(
                "RegisterTaskDefinition",
                #"{"family":"web","containerDefinitions":[{"name":"a","image":"busybox","memory":"lots"}]}"#)
            #expect(response.errorType == "SerializationException")
            #expect(response.errorMessage?.contains("containerDefinitions.0.memory") == true)
        }
        #expect(try await harness.store.taskDefinition(family: "web", revision: nil) == nil)
    }

    @Test("a missing required member is InvalidParameterException naming the member")
    func missingRequired() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.ecs(
                "RegisterTaskDefinition", #"{"containerDefinitions":[{"name":"a","image":"busybox","memory":64}]}"#)
            #expect(response.errorType == "InvalidParameterException")
            #expect(response.errorMessage?.contains("family") == true)
        }
    }

    @Test("a value outside an enumeration is InvalidParameterException listing the valid values")
    func invalidEnum() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let response = try await client.ecs(
                "RegisterTaskDefinition",
                #"{"family":"web","networkMode":"mesh","containerDefinitions":[{"name":"a","image":"busybox","memory":64}]}"#
            )
            #expect(response.errorType == "InvalidParameterException")
            #expect(response.errorMessage?.contains("bridge") == true)
        }
    }

    @Test("a body over the limit is refused with 413 before anything runs")
    func bodyTooLarge() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run(maxBodyBytes: 1024) { client in
            let padding = String(repeating: "x", count: 2048)
            let response = try await client.ecs("CreateCluster", #"{"clusterName":"web","x":"\#(padding)"}"#)
            #expect(response.status == 413)
            #expect(response.errorType == "RequestEntityTooLargeException")
        }
        #expect(try await harness.store.cluster(named: "web") == nil)
    }

    @Test("GET /health answers 200 with a request id; other paths and methods get AWS-shaped errors")
    func healthAndOtherPaths() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let health = try await client.raw(method: .get, uri: "/health", headers: [], body: [])
            #expect(health.status == 200)
            #expect(health.requestId != nil)
            let other = try await client.raw(method: .get, uri: "/nope", headers: [], body: [])
            #expect(other.status == 404)
            #expect(other.errorType == "UnknownOperationException")
            #expect(other.requestId != nil)
        }
    }

    @Test("domain errors keep their ECS exception name")
    func domainErrors() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let missing = try await client.ecs("DeleteCluster", #"{"cluster":"nope"}"#)
            #expect(missing.errorType == "ClusterNotFoundException")
            #expect(missing.status == 400)
            let undescribable = try await client.ecs("DescribeTaskDefinition", #"{"taskDefinition":"nope:1"}"#)
            #expect(undescribable.errorType == "ClientException")
        }
    }

    @Test("a described task definition reflects deregistration at once, through every cache")
    func describeAfterDeregister() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        try await harness.run { client in
            let definition = #"{"family":"web","containerDefinitions":[{"name":"a","image":"busybox","memory":64}]}"#
            _ = try await client.ecs("RegisterTaskDefinition", definition)
            _ = try await client.ecs("RegisterTaskDefinition", definition)
            for _ in 0..<2 {
                let latest = try await client.ecs("DescribeTaskDefinition", #"{"taskDefinition":"web"}"#)
                let body = try #require(latest.json["taskDefinition"] as? [String: Any])
                #expect(body["revision"] as? Int == 2)
            }
            let exact = try await client.ecs("DescribeTaskDefinition", #"{"taskDefinition":"web:2"}"#)
            #expect((exact.json["taskDefinition"] as? [String: Any])?["status"] as? String == "ACTIVE")
            _ = try await client.ecs("DeregisterTaskDefinition", #"{"taskDefinition":"web:2"}"#)
            let after = try await client.ecs("DescribeTaskDefinition", #"{"taskDefinition":"web:2"}"#)
            #expect((after.json["taskDefinition"] as? [String: Any])?["status"] as? String == "INACTIVE")
            let latest = try await client.ecs("DescribeTaskDefinition", #"{"taskDefinition":"web"}"#)
            #expect((latest.json["taskDefinition"] as? [String: Any])?["revision"] as? Int == 1)
        }
    }
}
