import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import Synchronization
import Testing

@testable import AdmiralControlPlane

@Suite("EC2 instance lifecycle")
struct InstanceControllerTests {
    let store = InMemoryEC2Store.make()
    let provider = FakeInstanceProvider()
    let credentials = InstanceCredentials()
    /// A request made now (launch times come from it).
    var context: RequestContext {
        RequestContext(
            names: ECSNames(region: "us-east-1", accountId: "123456789012"),
            principalARN: "arn:aws:iam::123456789012:user/t")
    }

    func service() -> EC2Service {
        EC2Service(store: store, zones: ["us-east-1a", "us-east-1b"], accountId: "123456789012")
    }

    /// Runs a controller over `ec2` while `body` runs.
    func withController(_ ec2: EC2Service, _ body: () async throws -> Void) async throws {
        let controller = InstanceController(
            ec2: ec2, provider: provider, credentials: credentials, endpoint: ServerEndpoint("http://127.0.0.1:9999"),
            settings: .init(
                tick: .milliseconds(50), hostCheckInterval: .milliseconds(50), terminateRetry: .milliseconds(20)),
            logger: Logger(label: "test"))
        let task = Task { try await controller.run() }
        defer { task.cancel() }
        try await body()
    }

    func waitFor(_ ec2: EC2Service, _ id: String, _ state: EC2.InstanceStateName) async throws -> EC2.Instance {
        for _ in 0..<200 {
            let instance = try await ec2.describeInstances(.init(instanceIds: [id]), context: context)
                .reservations?.first?.instances?.first
            if instance?.state?.name == state, let instance { return instance }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("instance \(id) never reached \(state)")
        throw CancellationError()
    }

    @Test("pending → running through the provider, with the user data's ECS settings, type size and keys")
    func launches() async throws {
        let ec2 = service()
        let userData = Data("#!/bin/bash\necho ECS_CLUSTER=web >> /etc/ecs/ecs.config\n".utf8).base64EncodedString()
        try await withController(ec2) {
            let reservation = try await ec2.runInstances(
                .init(
                    imageId: EC2Catalogue.agentImageId, instanceType: .m5Xlarge, maxCount: 1, minCount: 1,
                    userData: userData),
                context: context)
            let id = try #require(reservation.instances?.first?.instanceId)
            _ = try await waitFor(ec2, id, .running)
            let request = try #require(provider.calls.withLock { $0.launched.first })
            #expect(request.instanceId == id)
            #expect(request.ecsConfig == ["ECS_CLUSTER": "web"])
            #expect(request.cluster == "web")
            #expect(request.cpu == 4096 && request.memory == 16384)
            #expect(request.endpoint == "http://127.0.0.1:9999")
            #expect(request.privateIpAddress.hasPrefix("172.31."))
            #expect(credentials.grant(accessKeyId: request.accessKeyId)?.instanceId == id)

            _ = try await ec2.terminateInstances(.init(instanceIds: [id]), context: context)
            let terminated = try await waitFor(ec2, id, .terminated)
            #expect(terminated.stateReason?.code == "Client.UserInitiatedShutdown")
            #expect(provider.calls.withLock { $0.terminated } == [id])
            #expect(credentials.grant(accessKeyId: request.accessKeyId) == nil)
        }
    }

    @Test("a launch the provider refuses ends terminated with Server.InternalError and its reason")
    func launchFailure() async throws {
        let ec2 = service()
        provider.calls.withLock { $0.failingTypes["c5.large"] = "no room on the hypervisor" }
        try await withController(ec2) {
            let id = try #require(
                try await ec2.runInstances(
                    .init(imageId: EC2Catalogue.agentImageId, instanceType: .c5Large, maxCount: 1, minCount: 1),
                    context: context
                ).instances?.first?.instanceId)
            let instance = try await waitFor(ec2, id, .terminated)
            #expect(instance.stateReason?.code == "Server.InternalError")
            #expect(instance.stateReason?.message?.contains("no room on the hypervisor") == true)
        }
    }

    @Test("a terminate that fails is retried; a host that is gone makes the status impaired")
    func retriesAndStatus() async throws {
        let ec2 = service()
        try await withController(ec2) {
            let id = try #require(
                try await ec2.runInstances(
                    .init(imageId: EC2Catalogue.agentImageId, maxCount: 1, minCount: 1), context: context
                )
                .instances?.first?.instanceId)
            _ = try await waitFor(ec2, id, .running)
            provider.calls.withLock { $0.gone[id] = "the agent process exited" }
            var status: EC2.SummaryStatus?
            for _ in 0..<100 {
                status = try await ec2.describeInstanceStatus(.init(instanceIds: [id]), context: context)
                    .instanceStatuses?.first?.instanceStatus?.status
                if status == .impaired { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(status == .impaired)
            provider.calls.withLock { $0.terminateFailures = 2 }
            _ = try await ec2.terminateInstances(.init(instanceIds: [id]), context: context)
            _ = try await waitFor(ec2, id, .terminated)
            #expect(provider.calls.withLock { $0.terminated } == [id])
        }
    }

    @Test("at start the controller grants live instances' keys and resumes them with the provider")
    func resumesAtStart() async throws {
        let ec2 = service()
        let id = try #require(
            try await ec2.runInstances(
                .init(imageId: EC2Catalogue.agentImageId, maxCount: 1, minCount: 1), context: context
            )
            .instances?.first?.instanceId)
        try await withController(ec2) {
            _ = try await waitFor(ec2, id, .running)
            let resumed = provider.calls.withLock { $0.resumed.map(\.instanceId) }
            #expect(resumed == [id])
            #expect(provider.calls.withLock { $0.launched.isEmpty })
        }
    }
}
