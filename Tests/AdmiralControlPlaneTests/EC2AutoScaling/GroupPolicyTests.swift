import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@testable import AdmiralControlPlane

@Suite("EC2 Auto Scaling policies and rebalancing")
struct GroupPolicyTests {
    @Test("a simple policy changes the desired capacity, honours the cooldown, and its ARN is an alarm action")
    func simplePolicy() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 1, max: 5)
        let answer = try await harness.service.putScalingPolicy(
            .init(
                autoScalingGroupName: "web", policyName: "up", policyType: "SimpleScaling",
                adjustmentType: "ChangeInCapacity", scalingAdjustment: 2, cooldown: 120),
            context: harness.context())
        let arn = try #require(answer.policyARN)
        #expect(arn.hasPrefix("arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:"))
        #expect(arn.hasSuffix(":autoScalingGroupName/web:policyName/up"))
        guard case .success = harness.controlPlane.cloudWatch.actions.handler(for: arn) else {
            Issue.record("the alarm action registry does not take \(arn)")
            return
        }
        try await harness.service.executePolicy(
            .init(autoScalingGroupName: "web", policyName: "up"), context: harness.context(10))
        var group = try await harness.service.describeAutoScalingGroups(.init(), context: harness.context(11))
        #expect(group.autoScalingGroups.first?.desiredCapacity == 3)
        await #expect(throws: AdmiralError.self) {
            try await harness.service.executePolicy(
                .init(autoScalingGroupName: "web", policyName: "up", honorCooldown: true), context: harness.context(20))
        }
        try await harness.service.executePolicy(
            .init(autoScalingGroupName: "web", policyName: "up"), context: harness.context(30))
        group = try await harness.service.describeAutoScalingGroups(.init(), context: harness.context(31))
        #expect(group.autoScalingGroups.first?.desiredCapacity == 5)

        try await harness.pass(at: 32)
        let cause = try await harness.activities().first?.cause ?? ""
        #expect(
            cause.hasPrefix(
                "At 2027-01-15T08:00:30Z a user request executed policy up changing the desired capacity from 3 to 5."))

        let policies = try await harness.service.describePolicies(
            .init(autoScalingGroupName: "web"), context: harness.context())
        #expect(policies.scalingPolicies?.map(\.policyName) == ["up"])
        try await harness.service.deletePolicy(
            .init(autoScalingGroupName: "web", policyName: "up"), context: harness.context())
        #expect(try await harness.service.describePolicies(.init(), context: harness.context()).scalingPolicies == [])
    }

    @Test("a target tracking policy creates and owns its two alarms")
    func targetTracking() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 1, max: 5)
        let answer = try await harness.service.putScalingPolicy(
            .init(
                autoScalingGroupName: "web", policyName: "cpu", policyType: "TargetTrackingScaling",
                targetTrackingConfiguration: .init(
                    predefinedMetricSpecification: .init(predefinedMetricType: .aSGAverageCPUUtilization),
                    targetValue: 50)),
            context: harness.context())
        let names = (answer.alarms ?? []).compactMap(\.alarmName)
        #expect(names.count == 2)
        #expect(names.allSatisfy { $0.hasPrefix("TargetTracking-web-Alarm") })
        let alarms = try await harness.controlPlane.cloudWatch.store.alarms(named: names)
        #expect(alarms.count == 2)
        #expect(alarms.allSatisfy { $0.managedBy == answer.policyARN })
        try await harness.service.deletePolicy(
            .init(autoScalingGroupName: "web", policyName: "cpu"), context: harness.context())
        #expect(try await harness.controlPlane.cloudWatch.store.alarms(named: names).isEmpty)
    }

    @Test("zones more than one apart are rebalanced: a launch in the smallest, then a termination in the largest")
    func rebalance() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 2, subnets: "subnet-a")
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        // The group moves to two zones: both instances are in a.
        try await harness.service.updateAutoScalingGroup(
            .init(autoScalingGroupName: "web", vPCZoneIdentifier: "subnet-a,subnet-b"), context: harness.context(3))
        try await harness.pass(at: 4)
        var zones = try await harness.instances().map(\.availabilityZone).sorted()
        #expect(zones == ["us-east-1a", "us-east-1a", "us-east-1b"])
        harness.fleet.runAll()
        try await harness.pass(at: 5)
        try await harness.pass(at: 6)
        try await harness.pass(at: 7)
        zones = try await harness.instances().map(\.availabilityZone).sorted()
        #expect(zones == ["us-east-1a", "us-east-1b"])
    }
}

@Suite("EC2 Auto Scaling scheduled actions")
struct GroupScheduleTests {
    @Test("Unix cron recurrences read as AWS cron")
    func unixCron() throws {
        #expect(try GroupSchedule.awsCron("*/5 * * * *") == "*/5 * * * ? *")
        #expect(try GroupSchedule.awsCron("0 9 * * 1-5") == "0 9 ? * 2-6 *")
        #expect(try GroupSchedule.awsCron("30 22 1 * *") == "30 22 1 * ? *")
        #expect(throws: AdmiralError.self) { try GroupSchedule.awsCron("0 9 * *") }
    }

    @Test("a one-time action sets the sizes when due, then is gone; a recurring one stays")
    func firing() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 1, max: 5)
        try await harness.service.putScheduledUpdateGroupAction(
            .init(
                autoScalingGroupName: "web", scheduledActionName: "morning", time: harness.start.addingTimeInterval(60),
                minSize: 2, desiredCapacity: 3),
            context: harness.context())
        try await harness.service.putScheduledUpdateGroupAction(
            .init(autoScalingGroupName: "web", scheduledActionName: "every-hour", recurrence: "0 * * * *", maxSize: 6),
            context: harness.context(5))
        var actions = try await harness.service.describeScheduledActions(
            .init(autoScalingGroupName: "web"), context: harness.context())
        #expect(actions.scheduledUpdateGroupActions?.compactMap(\.scheduledActionName) == ["every-hour", "morning"])
        try await harness.pass(at: 30)
        var group = try await harness.service.describeAutoScalingGroups(.init(), context: harness.context(30))
            .autoScalingGroups[0]
        #expect(group.desiredCapacity == 1)
        try await harness.pass(at: 61)
        group = try await harness.service.describeAutoScalingGroups(.init(), context: harness.context(61))
            .autoScalingGroups[0]
        #expect((group.minSize, group.desiredCapacity) == (2, 3))
        actions = try await harness.service.describeScheduledActions(
            .init(autoScalingGroupName: "web"), context: harness.context())
        #expect(actions.scheduledUpdateGroupActions?.compactMap(\.scheduledActionName) == ["every-hour"])
        let cause = try await harness.activities().first?.cause ?? ""
        #expect(
            cause.hasPrefix(
                "At 2027-01-15T08:01:01Z a scheduled action update of AutoScalingGroup constraints to min: 2, max: 5, desired: 3 changing the desired capacity from 1 to 3."
            ))
        // 1_800_000_000 is 08:00:00; the hourly action fires at 09:00.
        try await harness.pass(at: 3600)
        group = try await harness.service.describeAutoScalingGroups(.init(), context: harness.context())
            .autoScalingGroups[0]
        #expect(group.maxSize == 6)
    }
}

@Suite("EC2 Auto Scaling lifecycle hooks")
struct LifecycleHookTests {
    func hook(_ harness: GroupHarness, _ name: String, _ transition: String, result: String = "ABANDON") async throws {
        _ = try await harness.service.putLifecycleHook(
            .init(
                lifecycleHookName: name, autoScalingGroupName: "web", lifecycleTransition: transition,
                heartbeatTimeout: 60, defaultResult: result),
            context: harness.context())
    }

    @Test("a launching instance waits in Pending:Wait until CompleteLifecycleAction CONTINUE")
    func launchHook() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 0)
        try await hook(harness, "warm-up", LifecycleHookRules.launching)
        let hooks = try await harness.service.describeLifecycleHooks(
            .init(autoScalingGroupName: "web"), context: harness.context())
        #expect(hooks.lifecycleHooks?.first?.globalTimeout == 6000)
        try await harness.setDesired(1, at: 1)
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        let waiting = try #require(try await harness.instances().first)
        #expect(waiting.lifecycleState == .pendingWait)
        _ = try await harness.service.recordLifecycleActionHeartbeat(
            .init(lifecycleHookName: "warm-up", autoScalingGroupName: "web", instanceId: waiting.instanceId),
            context: harness.context(50))
        try await harness.pass(at: 70)
        #expect(try await harness.instances().first?.lifecycleState == .pendingWait)
        _ = try await harness.service.completeLifecycleAction(
            .init(
                lifecycleHookName: "warm-up", autoScalingGroupName: "web", lifecycleActionResult: "CONTINUE",
                instanceId: waiting.instanceId),
            context: harness.context(71))
        try await harness.pass(at: 72)
        #expect(try await harness.instances().first?.lifecycleState == .inService)
    }

    @Test("a launch hook that times out with ABANDON terminates the instance, which is replaced")
    func launchHookTimeout() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 0)
        try await hook(harness, "warm-up", LifecycleHookRules.launching)
        try await harness.setDesired(1, at: 1)
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        let first = try #require(try await harness.instances().first)
        try await harness.pass(at: 63)
        #expect(harness.fleet.terminatedIds == [first.instanceId])
        #expect(
            try await harness.instances().contains {
                $0.instanceId != first.instanceId && $0.lifecycleState == .pending
            })
    }

    @Test("a terminating instance waits in Terminating:Wait before its host stops")
    func terminateHook() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 1)
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        try await hook(harness, "drain", LifecycleHookRules.terminating, result: "CONTINUE")
        try await harness.setDesired(0, at: 3)
        try await harness.pass(at: 3)
        let leaving = try #require(try await harness.instances().first)
        #expect(leaving.lifecycleState == .terminatingWait)
        #expect(harness.fleet.terminatedIds.isEmpty)
        _ = try await harness.service.completeLifecycleAction(
            .init(
                lifecycleHookName: "drain", autoScalingGroupName: "web", lifecycleActionToken: leaving.hookToken,
                lifecycleActionResult: "CONTINUE"),
            context: harness.context(4))
        try await harness.pass(at: 5)
        #expect(harness.fleet.terminatedIds == [leaving.instanceId])
        try await harness.pass(at: 6)
        #expect(try await harness.instances().isEmpty)
        await #expect(throws: AdmiralError.self) {
            _ = try await harness.service.completeLifecycleAction(
                .init(
                    lifecycleHookName: "drain", autoScalingGroupName: "web", lifecycleActionResult: "CONTINUE",
                    instanceId: leaving.instanceId),
                context: harness.context(7))
        }
    }
}

@Suite("EC2 Auto Scaling health from the load balancer and group metrics")
struct GroupHealthAndMetricsTests {
    @Test("with the ELB health check, an instance its target group finds unhealthy is replaced after the grace period")
    func elbHealth() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var group = AutoScalingGroupRecord(
            group: .init(
                autoScalingGroupName: "web", minSize: 0, maxSize: 2, desiredCapacity: 1, defaultCooldown: 300,
                availabilityZones: ["a"], healthCheckType: "ELB", healthCheckGracePeriod: 60, createdTime: start),
            placements: [.init(subnetId: "subnet-a", availabilityZone: "a")], desiredCause: "")
        let instance = AutoScalingInstanceRecord(
            instanceId: "i-1", groupName: "web", availabilityZone: "a", subnetId: "subnet-a", instanceType: "t3.micro",
            imageId: nil, lifecycleState: .inService, protectedFromScaleIn: false, launchConfigurationName: "lc",
            launchTemplate: nil, source: "lc:lc", launchTime: start)
        let ec2 = [
            "i-1": EC2InstanceInfo(
                instanceId: "i-1", state: .running, instanceType: "t3.micro", availabilityZone: "a",
                subnetId: "subnet-a", privateIpAddress: "10.0.0.1", launchTime: start, statusOK: true)
        ]
        let early = GroupPlanner.plan(
            group: group, instances: [instance], ec2: ec2, now: start + 30, elbUnhealthy: ["i-1"])
        #expect(early.terminations.isEmpty)
        let late = GroupPlanner.plan(
            group: group, instances: [instance], ec2: ec2, now: start + 61, elbUnhealthy: ["i-1"])
        #expect(late.terminations.map(\.instanceId) == ["i-1"])
        #expect(late.terminations.first?.cause.hasSuffix("in response to an ELB system health check failure.") == true)
        #expect(late.launchZones == ["a"])
        group.group.healthCheckType = "EC2"
        let ec2Only = GroupPlanner.plan(
            group: group, instances: [instance], ec2: ec2, now: start + 61, elbUnhealthy: ["i-1"])
        #expect(ec2Only.terminations.isEmpty)
    }

    @Test("enabled group metrics are published to AWS/AutoScaling")
    func groupMetrics() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 2)
        try await harness.service.enableMetricsCollection(
            .init(
                autoScalingGroupName: "web", metrics: ["GroupDesiredCapacity", "GroupInServiceInstances"],
                granularity: "1Minute"),
            context: harness.context())
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        try await harness.pass(at: 62)
        let listed = try await harness.controlPlane.cloudWatch.listMetrics(
            .init(namespace: "AWS/AutoScaling"), context: harness.context(63))
        #expect(
            Set((listed.metrics ?? []).compactMap(\.metricName)) == ["GroupDesiredCapacity", "GroupInServiceInstances"])
    }
}

@Suite("EC2 Auto Scaling standby")
struct StandbyTests {
    @Test("an instance in Standby is not counted; leaving Standby grows the desired capacity")
    func standby() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 2, max: 3)
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        let id = try #require(try await harness.instances().first?.instanceId)
        let entered = try await harness.service.enterStandby(
            .init(instanceIds: [id], autoScalingGroupName: "web", shouldDecrementDesiredCapacity: false),
            context: harness.context(3))
        #expect(entered.activities?.first?.description == "Moving EC2 instance to Standby: \(id)")
        try await harness.pass(at: 4)
        var instances = try await harness.instances()
        #expect(instances.count == 3)
        #expect(instances.first { $0.instanceId == id }?.lifecycleState == .standby)
        _ = try await harness.service.exitStandby(
            .init(instanceIds: [id], autoScalingGroupName: "web"), context: harness.context(5))
        let group = try await harness.service.describeAutoScalingGroups(.init(), context: harness.context(5))
        #expect(group.autoScalingGroups.first?.desiredCapacity == 3)
        harness.fleet.runAll()
        try await harness.pass(at: 6)
        instances = try await harness.instances()
        #expect(instances.filter { $0.lifecycleState == .inService }.count == 3)
    }
}
