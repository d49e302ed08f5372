import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@Suite("Agent polls and presence")
struct AgentPollTests {
    let context = RequestContext(
        names: ECSNames(region: "us-east-1", accountId: "000000000000"),
        principalARN: "arn:aws:iam::000000000000:user/tester", now: Date())

    /// A control plane whose agents count as disconnected after `disconnectAfter`, with
    /// one registered instance.
    func controlPlane(disconnectAfter: Duration, in harness: APITestHarness) async throws
        -> (ControlPlane, instanceArn: String)
    {
        let controlPlane = ControlPlane(
            store: harness.store,
            settings: .init(liveness: .init(disconnectAfter: disconnectAfter, lostAfter: .seconds(60))))
        _ = try await controlPlane.clusters.createCluster(.init(clusterName: "polls"), context: context)
        let registered = try await controlPlane.containerInstances.register(
            .init(
                cluster: "polls", instanceIdentityDocument: #"{"instanceId": "i-0123456789abcdef0"}"#,
                totalResources: [
                    .init(name: "CPU", type: "INTEGER", integerValue: 1024),
                    .init(name: "MEMORY", type: "INTEGER", integerValue: 1024),
                ]), context: context)
        return (controlPlane, try #require(registered.containerInstance?.containerInstanceArn))
    }

    @Test("a poll is held for at most half the disconnect threshold, whatever the agent asks")
    func holdIsCapped() async throws {
        let harness = try APITestHarness()
        defer { harness.cleanup() }
        let (controlPlane, arn) = try await controlPlane(disconnectAfter: .seconds(1), in: harness)
        let first = try await controlPlane.agent.poll(
            .init(cluster: "polls", containerInstanceArn: arn, knownVersion: nil, waitSeconds: 20), context: context)
        let clock = ContinuousClock()
        let started = clock.now
        _ = try await controlPlane.agent.poll(
            .init(cluster: "polls", containerInstanceArn: arn, knownVersion: first.version, waitSeconds: 20),
            context: context)
        let held = clock.now - started
        #expect(held >= .milliseconds(400) && held < .seconds(5))
    }

    @Test("a poll held open is no sign of life: silence counts from when it began")
    func heldPollIsNotPresence() async throws {
        let presence = AgentPresence(startedAt: Date(timeIntervalSince1970: 0))
        let start = Date(timeIntervalSince1970: 1_000)
        presence.pollStarted(cluster: "c", instance: "i", at: start)
        #expect(presence.silence(cluster: "c", instance: "i", at: start.addingTimeInterval(3)) == 3)
        presence.pollEnded(cluster: "c", instance: "i", at: start.addingTimeInterval(5))
        #expect(presence.silence(cluster: "c", instance: "i", at: start.addingTimeInterval(6)) == 1)
        presence.seen(cluster: "c", instance: "i", at: start.addingTimeInterval(4))
        #expect(presence.silence(cluster: "c", instance: "i", at: start.addingTimeInterval(6)) == 1)
        #expect(presence.silence(cluster: "c", instance: "other", at: start) == 1_000)
    }
}
