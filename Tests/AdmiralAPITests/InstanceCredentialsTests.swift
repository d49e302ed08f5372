import AWSWire
import AdmiralControlPlane
import Foundation
import Testing

/// Requests signed with an EC2 instance's credentials (its instance role): the agent's
/// calls for its own cluster and container instance, nothing else.
@Suite("Instance credentials")
struct InstanceCredentialsTests {
    static let grant = InstanceCredentials.Grant(
        instanceId: "i-0aaaaaaaaaaaaaaaa", accessKeyId: "ASIAINSTANCEKEY00001", secretAccessKey: "instance-secret",
        cluster: "web", availabilityZone: "us-east-1b", instanceType: "t3.small", imageId: "ami-0admiral")

    static func signer(_ service: String = "ecs") -> SigV4Signer {
        SigV4Signer(
            accessKeyId: grant.accessKeyId, secretAccessKey: grant.secretAccessKey, region: "us-east-1",
            service: service)
    }

    static let resources = #"[{"name":"CPU","type":"INTEGER","integerValue":2048},{"name":"MEMORY","type":"INTEGER","integerValue":2048}]"#

    static func registration(cluster: String, instanceId: String, zone: String) -> String {
        let document = #"{\"instanceId\":\"\#(instanceId)\",\"availabilityZone\":\"\#(zone)\",\"instanceType\":\"m5.large\"}"#
        return #"{"cluster":"\#(cluster)","instanceIdentityDocument":"\#(document)","totalResources":\#(resources)}"#
    }

    @Test("an instance registers as itself, in its own cluster, and may make no other call")
    func scopedToItsInstance() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        let credentials = InstanceCredentials()
        credentials.grant(Self.grant)
        try await harness.run(instanceCredentials: credentials) { client in
            for name in ["web", "other"] {
                #expect(try await client.ecs("CreateCluster", #"{"clusterName":"\#(name)"}"#).status == 200)
            }
            // The operator's calls are refused with the instance's keys.
            let create = try await client.ecs("CreateCluster", #"{"clusterName":"mine"}"#, signer: Self.signer())
            #expect(create.status == 400)
            #expect(create.errorType == "AccessDeniedException")
            #expect(
                (create.errorMessage ?? "").hasPrefix(
                    "User: arn:aws:sts::000000000000:assumed-role/ecsInstanceRole/i-0aaaaaaaaaaaaaaaa is not authorized to perform: ecs:CreateCluster"))
            #expect(try await client.ecs("ListClusters", "{}", signer: Self.signer()).errorType == "AccessDeniedException")
            let other = try await client.ecs(
                "RegisterContainerInstance", Self.registration(cluster: "other", instanceId: "i-1", zone: "us-east-1c"),
                signer: Self.signer())
            #expect(other.errorType == "AccessDeniedException")

            // It registers with what its EC2 record says, whatever its document claims.
            let registered = try await client.ecs(
                "RegisterContainerInstance",
                Self.registration(cluster: "web", instanceId: "i-0bbbbbbbbbbbbbbbb", zone: "us-east-1c"),
                signer: Self.signer())
            #expect(registered.status == 200)
            let instance = try #require(registered.json["containerInstance"] as? [String: Any])
            #expect(instance["ec2InstanceId"] as? String == "i-0aaaaaaaaaaaaaaaa")
            let attributes = (instance["attributes"] as? [[String: Any]] ?? []).reduce(into: [String: String]()) {
                $0[$1["name"] as? String ?? ""] = $1["value"] as? String
            }
            #expect(attributes["ecs.availability-zone"] == "us-east-1b")
            #expect(attributes["ecs.instance-type"] == "t3.small")
            let arn = try #require(instance["containerInstanceArn"] as? String)
            // Registering again re-attaches to the same container instance.
            let again = try await client.ecs(
                "RegisterContainerInstance", Self.registration(cluster: "web", instanceId: "x", zone: "us-east-1a"),
                signer: Self.signer())
            #expect((again.json["containerInstance"] as? [String: Any])?["containerInstanceArn"] as? String == arn)

            // Its own poll is answered; another instance's is refused.
            let poll = #"{"cluster":"web","containerInstanceArn":"\#(arn)","waitSeconds":0}"#
            let own = try await client.ecs(
                "", poll, signer: Self.signer(), target: "AdmiralAgentV1.PollDesiredState")
            #expect(own.status == 200)
            let neighbour = try await client.ecs(
                "RegisterContainerInstance",
                Self.registration(cluster: "web", instanceId: "i-0cccccccccccccccc", zone: "us-east-1a"))
            let neighbourArn = try #require(
                (neighbour.json["containerInstance"] as? [String: Any])?["containerInstanceArn"] as? String)
            let stolen = try await client.ecs(
                "", #"{"cluster":"web","containerInstanceArn":"\#(neighbourArn)","waitSeconds":0}"#,
                signer: Self.signer(), target: "AdmiralAgentV1.PollDesiredState")
            #expect(stolen.errorType == "AccessDeniedException")

            // Revoked at termination: the keys are then unknown.
            credentials.revoke(instanceId: Self.grant.instanceId)
            let revoked = try await client.ecs("", poll, signer: Self.signer(), target: "AdmiralAgentV1.PollDesiredState")
            #expect(revoked.errorType == "UnrecognizedClientException")
        }
    }

    @Test("an instance that joins the default cluster creates it, as ECS's agent does with its role")
    func defaultClusterCreated() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        let credentials = InstanceCredentials()
        var grant = Self.grant
        grant.cluster = "default"
        credentials.grant(grant)
        try await harness.run(instanceCredentials: credentials) { client in
            let registered = try await client.ecs(
                "RegisterContainerInstance", Self.registration(cluster: "default", instanceId: "i-1", zone: "x"),
                signer: Self.signer())
            #expect(registered.status == 200)
            let clusters = try await client.ecs("DescribeClusters", #"{"clusters":["default"]}"#)
            #expect((clusters.json["clusters"] as? [[String: Any]])?.first?["registeredContainerInstancesCount"] as? Int == 1)
        }
    }
}
