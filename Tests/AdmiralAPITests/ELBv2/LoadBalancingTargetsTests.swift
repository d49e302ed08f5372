import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation
import Testing

/// A health source that reports every target it is asked about as healthy, and records
/// the questions.
struct FakeHealthySource: TargetHealthSource {
    func health(
        targetGroupArn: String, targetGroupId: String, inUse: Bool, targets: [HealthTarget]
    ) async -> [HealthTarget: ELBv2.TargetHealth] {
        Dictionary(uniqueKeysWithValues: targets.map { ($0, ELBv2.TargetHealth(state: .healthy)) })
    }
}

@Suite("Load balancing service: targets, health, snapshots and change notifications")
struct LoadBalancingTargetsTests {
    @Test("targets register idempotently with the group's port by default and deregister strictly")
    func registerAndDeregister() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let group = try await harness.createTargetGroup(port: 8080)
        let arn = try #require(group.targetGroupArn)
        _ = try await harness.service.registerTargets(
            .init(
                targetGroupArn: arn,
                targets: [.init(id: "i-0123456789abcdef0"), .init(id: "i-0123456789abcdef0", port: 32768)]),
            context: harness.context)
        _ = try await harness.service.registerTargets(
            .init(targetGroupArn: arn, targets: [.init(id: "i-0123456789abcdef0")]), context: harness.context)
        let keys = try await harness.store.loadBalancingState().targets.keys.map(\.port).sorted()
        #expect(keys == [8080, 32768])
        try await harness.refuses(.invalidTarget, "not registered") {
            _ = try await harness.service.deregisterTargets(
                .init(targetGroupArn: arn, targets: [.init(id: "i-0123456789abcdef0", port: 9999)]),
                context: harness.context)
        }
        try await harness.refuses(.invalidTarget, "not valid instance ids") {
            _ = try await harness.service.registerTargets(
                .init(targetGroupArn: arn, targets: [.init(id: "10.0.0.1")]), context: harness.context)
        }
        _ = try await harness.service.deregisterTargets(
            .init(targetGroupArn: arn, targets: [.init(id: "i-0123456789abcdef0")]), context: harness.context)
        #expect(try await harness.store.loadBalancingState().targets.keys.map(\.port) == [32768])
    }

    @Test("the services controller's calls: registering twice and deregistering the unknown are harmless")
    func directCalls() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let group = try await harness.createTargetGroup(type: .ip)
        let arn = try #require(group.targetGroupArn)
        let target = TargetRegistration(id: "127.0.0.1", port: 49153)
        try await harness.service.registerTargets(targetGroupArn: arn, targets: [target])
        try await harness.service.registerTargets(targetGroupArn: arn, targets: [target])
        #expect(try await harness.store.loadBalancingState().targets.count == 1)
        try await harness.service.deregisterTargets(
            targetGroupArn: arn, targets: [target, .init(id: "127.0.0.2", port: 1)])
        try await harness.service.deregisterTargets(targetGroupArn: arn, targets: [target])
        #expect(try await harness.store.loadBalancingState().targets.isEmpty)
        await #expect(throws: AdmiralError.self) {
            try await harness.service.registerTargets(
                targetGroupArn: arn.replacingOccurrences(of: "0000000000000001", with: "00000000000000ff"),
                targets: [target])
        }
    }

    @Test(
        "without a health checker: unused while no listener forwards, initial once one does, not registered otherwise")
    func registrationHealth() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let group = try await harness.createTargetGroup(port: 80, type: .ip)
        let arn = try #require(group.targetGroupArn)
        _ = try await harness.service.registerTargets(
            .init(targetGroupArn: arn, targets: [.init(id: "10.0.0.1")]), context: harness.context)
        let idle = try await harness.service.describeTargetHealth(.init(targetGroupArn: arn), context: harness.context)
        #expect(idle.targetHealthDescriptions?.first?.targetHealth?.state == .unused)
        #expect(idle.targetHealthDescriptions?.first?.targetHealth?.reason == .targetNotInUse)
        #expect(idle.targetHealthDescriptions?.first?.healthCheckPort == "80")
        let web = try await harness.createLoadBalancer()
        _ = try await harness.createListener(web, forwardTo: group)
        let used = try await harness.service.describeTargetHealth(
            .init(targetGroupArn: arn, targets: [.init(id: "10.0.0.1"), .init(id: "10.0.0.2", port: 81)]),
            context: harness.context)
        #expect((used.targetHealthDescriptions ?? []).map { $0.targetHealth?.state } == [.initial, .unused])
        #expect(
            (used.targetHealthDescriptions ?? []).map { $0.targetHealth?.reason } == [
                .elbRegistrationInProgress, .targetNotRegistered,
            ])
        #expect(used.targetHealthDescriptions?.last?.target == .init(id: "10.0.0.2", port: 81))
    }

    @Test("a health source's answers are reported for registered targets")
    func healthSource() async throws {
        let harness = try LoadBalancingServiceHarness(health: FakeHealthySource())
        defer { harness.cleanup() }
        let group = try await harness.createTargetGroup(type: .ip)
        let arn = try #require(group.targetGroupArn)
        _ = try await harness.service.registerTargets(
            .init(targetGroupArn: arn, targets: [.init(id: "10.0.0.1")]), context: harness.context)
        let health = try await harness.service.describeTargetHealth(
            .init(targetGroupArn: arn, targets: [.init(id: "10.0.0.1"), .init(id: "10.0.0.9")]),
            context: harness.context)
        #expect((health.targetHealthDescriptions ?? []).map { $0.targetHealth?.state } == [.healthy, .unused])
    }

    @Test("the snapshot carries addresses, rules in evaluation order, attributes and targets")
    func snapshot() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let web = try await harness.createLoadBalancer()
        let blue = try await harness.createTargetGroup("blue", type: .ip)
        let green = try await harness.createTargetGroup("green", type: .ip)
        let listener = try await harness.createListener(web, forwardTo: blue)
        _ = try await harness.createRule(listener, priority: 20, path: "/late/*", forwardTo: green)
        _ = try await harness.createRule(listener, priority: 10, path: "/early/*", forwardTo: green)
        try await harness.service.registerTargets(
            targetGroupArn: green.targetGroupArn ?? "", targets: [.init(id: "127.0.0.1", port: 9000)])
        let snapshot = try await harness.service.snapshot(region: "us-east-1", accountId: "000000000000")
        let balancer = try #require(snapshot.loadBalancers.first)
        #expect(balancer.address == "127.0.1.1")
        #expect(balancer.idleTimeoutSeconds == 60)
        let rules = try #require(balancer.listeners.first?.rules)
        #expect(rules.map(\.priority) == [10, 20, nil])
        #expect(rules[0].conditions.first?.pathPatternConfig?.values == ["/early/*"])
        #expect(rules[2].actions.first?.forwardConfig?.targetGroups?.first?.targetGroupArn == blue.targetGroupArn)
        let greenGroup = try #require(snapshot.targetGroups.first { $0.name == "green" })
        #expect(greenGroup.targets.map(\.port) == [9000])
        #expect(greenGroup.attributes["deregistration_delay.timeout_seconds"] == "300")
        #expect(greenGroup.loadBalancerArns == [web.loadBalancerArn ?? ""])
        #expect(snapshot.version == (try await harness.version()))
    }

    @Test("every committed change is announced with the new version; refused ones are not")
    func changes() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        var versions = harness.service.changes.versions().makeAsyncIterator()
        #expect(await versions.next() == 0)
        _ = try await harness.createTargetGroup("blue")
        #expect(await versions.next() == 1)
        #expect(harness.service.changes.version == 1)
        _ = try? await harness.createTargetGroup("blue", port: 1)
        _ = try await harness.createTargetGroup("green")
        #expect(await versions.next() == 2)
    }

    @Test("a change answers once the data plane has applied it, at once when no data plane reports, and after the wait at most")
    func waitsForTheDataPlane() async throws {
        let changes = LoadBalancingChanges()
        let clock = ContinuousClock()
        // No data plane has reported yet: nothing to wait for.
        var started = clock.now
        await changes.waitUntilApplied(5, timeout: .seconds(30))
        #expect(clock.now - started < .seconds(5))

        changes.applied(1)
        let applier = Task {
            try await Task.sleep(for: .milliseconds(200))
            changes.applied(3)
        }
        started = clock.now
        // The bound tells a wake-up on the applied version from the timeout; it leaves room
        // for a parallel test run on two busy cores, where this task once waited 11 s for a
        // thread.
        await changes.waitUntilApplied(3, timeout: .seconds(120))
        let waited = clock.now - started
        #expect(waited >= .milliseconds(150) && waited < .seconds(60))
        try await applier.value
        // Already applied: at once; never applied: back after the timeout.
        started = clock.now
        await changes.waitUntilApplied(2, timeout: .seconds(30))
        #expect(clock.now - started < .seconds(5))
        started = clock.now
        await changes.waitUntilApplied(4, timeout: .milliseconds(300))
        let timedOut = clock.now - started
        #expect(timedOut >= .milliseconds(250) && timedOut < .seconds(10))
        // A version applied later releases nobody twice.
        changes.applied(4)
    }

    @Test("a mutating call waits for the data plane to apply its version")
    func mutationWaitsForTheDataPlane() async throws {
        let harness = try LoadBalancingServiceHarness()
        defer { harness.cleanup() }
        let changes = harness.service.changes
        changes.applied(changes.version)
        let applied = Task {
            var seen: [Int64] = []
            for await version in changes.versions() {
                seen.append(version)
                if version >= 1 {
                    try await Task.sleep(for: .milliseconds(200))
                    changes.applied(version)
                    return seen
                }
            }
            return seen
        }
        let clock = ContinuousClock()
        let started = clock.now
        _ = try await harness.createTargetGroup("blue")
        #expect(clock.now - started >= .milliseconds(150))
        #expect(try await applied.value.last == 1)
    }
}
