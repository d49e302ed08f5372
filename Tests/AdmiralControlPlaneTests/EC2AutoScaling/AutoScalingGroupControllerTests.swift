import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import Testing

@testable import AdmiralControlPlane

/// A control plane over a temporary store with a ``FakeEC2Fleet``, and the group
/// controller driven pass by pass at times the test chooses.
final class GroupHarness: Sendable {
    let folder: URL
    let store: SQLiteStore
    let controlPlane: ControlPlane
    let fleet = FakeEC2Fleet()
    let controller: AutoScalingGroupController
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-asg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("admiral.sqlite").path)
        controlPlane = ControlPlane(store: store, ec2Fleet: fleet)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        controller = AutoScalingGroupController(
            service: controlPlane.ec2AutoScaling, fleet: fleet, settings: .init(launchRetryDelay: 10),
            logger: logger)
    }

    deinit {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    var service: EC2AutoScalingService { controlPlane.ec2AutoScaling }

    func context(_ offset: TimeInterval = 0) -> RequestContext {
        RequestContext(
            names: ECSNames(region: "us-east-1", accountId: "000000000000"),
            principalARN: "arn:aws:iam::000000000000:user/t", now: start.addingTimeInterval(offset))
    }

    /// A pass of the controller at `offset` seconds after the start.
    func pass(at offset: TimeInterval) async throws {
        fleet.now = start.addingTimeInterval(offset)
        try await controller.pass(now: start.addingTimeInterval(offset))
    }

    func createLaunchConfiguration(_ name: String = "web-lc") async throws {
        try await service.createLaunchConfiguration(
            .init(
                launchConfigurationName: name, imageId: "ami-admiral", securityGroups: ["sg-1"],
                userData: Data("ECS_CLUSTER=web".utf8).base64EncodedString(), instanceType: "t3.micro"),
            context: context())
    }

    func createGroup(
        desired: Int, max: Int = 10, subnets: String = "subnet-a,subnet-b", grace: Int? = nil,
        policies: [String]? = nil, tags: [EC2AutoScaling.Tag]? = nil
    ) async throws {
        try await service.createAutoScalingGroup(
            .init(
                autoScalingGroupName: "web", launchConfigurationName: "web-lc", minSize: 0, maxSize: max,
                desiredCapacity: desired, healthCheckGracePeriod: grace, vPCZoneIdentifier: subnets,
                terminationPolicies: policies, tags: tags),
            context: context())
    }

    func instances() async throws -> [AutoScalingInstanceRecord] {
        try await service.store.read { try $0.instances(group: "web") }
    }

    func activities() async throws -> [EC2AutoScaling.Activity] {
        try await service.describeScalingActivities(.init(autoScalingGroupName: "web"), context: context()).activities
    }

    func setDesired(_ desired: Int, at offset: TimeInterval) async throws {
        try await service.setDesiredCapacity(
            .init(autoScalingGroupName: "web", desiredCapacity: desired), context: context(offset))
    }
}

@Suite("The Auto Scaling group controller against a fake EC2")
struct AutoScalingGroupControllerTests {
    @Test("a group launches its desired capacity, one per zone, and the instances go InService when EC2 runs them")
    func desiredCapacityIsKept() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(
            desired: 2,
            tags: [
                .init(key: "team", value: "web", propagateAtLaunch: true),
                .init(key: "private", value: "x", propagateAtLaunch: false),
            ])
        try await harness.pass(at: 1)
        var instances = try await harness.instances()
        #expect(instances.count == 2)
        #expect(Set(instances.map(\.availabilityZone)) == ["us-east-1a", "us-east-1b"])
        #expect(instances.allSatisfy { $0.lifecycleState == .pending && $0.launchConfigurationName == "web-lc" })
        #expect(harness.fleet.lastTags == ["team": "web", "aws:autoscaling:groupName": "web"])

        harness.fleet.runAll()
        try await harness.pass(at: 2)
        instances = try await harness.instances()
        #expect(instances.allSatisfy { $0.lifecycleState == .inService })
        try await harness.pass(at: 3)
        #expect(harness.fleet.launchCount == 2)

        let activities = try await harness.activities()
        #expect(activities.count == 2)
        for activity in activities {
            #expect(activity.description?.hasPrefix("Launching a new EC2 instance: i-") == true)
            #expect(activity.statusCode == .successful)
            #expect(
                activity.cause
                    == "At 2027-01-15T08:00:00Z a user request created an AutoScalingGroup changing the desired "
                    + "capacity from 0 to 2.  At 2027-01-15T08:00:01Z an instance was started in response to a "
                    + "difference between desired and actual capacity, increasing the capacity from 0 to 2.")
        }
    }

    @Test("launches go to the zone with the fewest instances")
    func zonesAreBalanced() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 3, subnets: "subnet-a,subnet-b,subnet-c")
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        #expect(
            try await harness.instances().map(\.availabilityZone).sorted() == [
                "us-east-1a", "us-east-1b", "us-east-1c",
            ])
        try await harness.setDesired(5, at: 3)
        try await harness.pass(at: 4)
        var counts: [String: Int] = [:]
        for instance in try await harness.instances() { counts[instance.availabilityZone, default: 0] += 1 }
        #expect(counts == ["us-east-1a": 2, "us-east-1b": 2, "us-east-1c": 1])
    }

    @Test("a scale-in takes the zone with the most instances and never a protected instance")
    func scaleInHonoursZonesAndProtection() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 3)
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        let instances = try await harness.instances()
        let zoneA = instances.filter { $0.availabilityZone == "us-east-1a" }.map(\.instanceId)
        #expect(zoneA.count == 2)
        // Protect one of zone a's two: the other one must go.
        _ = try await harness.service.setInstanceProtection(
            .init(instanceIds: [zoneA[0]], autoScalingGroupName: "web", protectedFromScaleIn: true),
            context: harness.context(3))
        try await harness.setDesired(2, at: 4)
        try await harness.pass(at: 5)
        #expect(harness.fleet.terminatedIds == [zoneA[1]])
        try await harness.pass(at: 6)
        let left = try await harness.instances()
        #expect(Set(left.map(\.instanceId)) == Set(instances.map(\.instanceId)).subtracting([zoneA[1]]))
        let terminating = try await harness.activities().first { $0.description?.hasPrefix("Terminating") == true }
        #expect(terminating?.description == "Terminating EC2 instance: \(zoneA[1])")
        #expect(terminating?.statusCode == .successful)
        #expect(terminating?.cause.contains("shrinking the capacity from 3 to 2") == true)
        #expect(terminating?.cause.contains("instance \(zoneA[1]) was selected for termination") == true)

        // Everything protected: a scale-in terminates nothing.
        for id in left.map(\.instanceId) {
            _ = try await harness.service.setInstanceProtection(
                .init(instanceIds: [id], autoScalingGroupName: "web", protectedFromScaleIn: true),
                context: harness.context(7))
        }
        try await harness.setDesired(0, at: 8)
        try await harness.pass(at: 9)
        #expect(try await harness.instances().count == 2)
    }

    @Test("an instance whose status checks fail is replaced once the grace period has passed")
    func unhealthyInstancesAreReplacedAfterTheGracePeriod() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 1, grace: 60)
        try await harness.pass(at: 0)
        harness.fleet.runAll()
        try await harness.pass(at: 1)
        let first = try #require(try await harness.instances().first)
        harness.fleet.failStatusChecks(first.instanceId)
        try await harness.pass(at: 30)
        #expect(try await harness.instances().first?.healthStatus == "Healthy")
        #expect(harness.fleet.terminatedIds.isEmpty)
        try await harness.pass(at: 61)
        #expect(harness.fleet.terminatedIds == [first.instanceId])
        try await harness.pass(at: 62)
        let now = try await harness.instances()
        #expect(now.count == 1)
        #expect(now.first?.instanceId != first.instanceId)
        let cause = try await harness.activities().first {
            $0.description == "Terminating EC2 instance: \(first.instanceId)"
        }?.cause
        #expect(cause?.contains("in response to an EC2 instance status check failure") == true)
    }

    @Test("an instance terminated outside the group is replaced at once")
    func terminatedInstancesAreReplaced() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 1, grace: 300)
        try await harness.pass(at: 0)
        harness.fleet.runAll()
        try await harness.pass(at: 1)
        let first = try #require(try await harness.instances().first)
        harness.fleet.terminateOutside(first.instanceId)
        try await harness.pass(at: 2)
        try await harness.pass(at: 3)
        let now = try await harness.instances()
        #expect(now.map(\.instanceId) != [first.instanceId])
        #expect(now.filter(\.countsTowardCapacity).count == 1)
        // The replacement tells only its own reason: the group's creation was told once.
        let replacement = try await harness.activities().first { $0.description?.hasPrefix("Launching") == true }
        #expect(
            replacement?.cause
                == "At 2027-01-15T08:00:02Z an instance was started in response to a difference between desired and "
                + "actual capacity, increasing the capacity from 0 to 1.")
    }

    @Test("suspended processes are honoured: no launch while Launch is suspended")
    func suspendedLaunch() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 0)
        try await harness.service.suspendProcesses(
            .init(autoScalingGroupName: "web", scalingProcesses: ["Launch"]), context: harness.context())
        try await harness.setDesired(2, at: 1)
        try await harness.pass(at: 2)
        #expect(try await harness.instances().isEmpty)
        try await harness.service.resumeProcesses(.init(autoScalingGroupName: "web"), context: harness.context(3))
        try await harness.pass(at: 4)
        #expect(try await harness.instances().count == 2)
    }

    @Test("a failed launch is a failed activity and the group waits before it tries again")
    func failedLaunches() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        harness.fleet.failLaunches("The image id '[ami-admiral]' does not exist.")
        try await harness.createGroup(desired: 1)
        try await harness.pass(at: 1)
        try await harness.pass(at: 2)
        let activities = try await harness.activities()
        #expect(activities.count == 1)
        #expect(activities.first?.statusCode == .failed)
        #expect(activities.first?.description?.contains("The image id '[ami-admiral]' does not exist.") == true)
        harness.fleet.failLaunches(nil)
        try await harness.pass(at: 12)
        #expect(try await harness.instances().count == 1)
    }

    @Test("ForceDelete terminates the instances, then removes the group")
    func forceDelete() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 2)
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        await #expect(throws: AdmiralError.self) {
            try await harness.service.deleteAutoScalingGroup(
                .init(autoScalingGroupName: "web"), context: harness.context(3))
        }
        try await harness.service.deleteAutoScalingGroup(
            .init(autoScalingGroupName: "web", forceDelete: true), context: harness.context(3))
        try await harness.pass(at: 4)
        #expect(harness.fleet.terminatedIds.count == 2)
        try await harness.pass(at: 5)
        let groups = try await harness.service.describeAutoScalingGroups(.init(), context: harness.context(6))
        #expect(groups.autoScalingGroups.isEmpty)
    }

    @Test("TerminateInstanceInAutoScalingGroup with decrement shrinks the group; without, it is replaced")
    func userTermination() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        try await harness.createGroup(desired: 2)
        try await harness.pass(at: 1)
        harness.fleet.runAll()
        try await harness.pass(at: 2)
        let ids = try await harness.instances().map(\.instanceId)
        let answer = try await harness.service.terminateInstanceInAutoScalingGroup(
            .init(instanceId: ids[0], shouldDecrementDesiredCapacity: true), context: harness.context(3))
        #expect(answer.activity?.description == "Terminating EC2 instance: \(ids[0])")
        try await harness.pass(at: 4)
        try await harness.pass(at: 5)
        #expect(try await harness.instances().map(\.instanceId) == [ids[1]])
        _ = try await harness.service.terminateInstanceInAutoScalingGroup(
            .init(instanceId: ids[1], shouldDecrementDesiredCapacity: false), context: harness.context(6))
        try await harness.pass(at: 7)
        try await harness.pass(at: 8)
        let now = try await harness.instances()
        #expect(now.count == 1 && now[0].instanceId != ids[1])
    }
}

@Suite("EC2 Auto Scaling's API rules")
struct EC2AutoScalingServiceTests {
    @Test("refused calls write nothing")
    func refusedCallsWriteNothing() async throws {
        let harness = try GroupHarness()
        try await harness.createLaunchConfiguration()
        await #expect(throws: AdmiralError.validation("Max bound, 1, must be greater than or equal to min bound, 2")) {
            try await harness.service.createAutoScalingGroup(
                .init(
                    autoScalingGroupName: "web", launchConfigurationName: "web-lc", minSize: 2, maxSize: 1,
                    vPCZoneIdentifier: "subnet-a"), context: harness.context())
        }
        await #expect(throws: AdmiralError.validation("The subnet ID 'subnet-zzz' does not exist")) {
            try await harness.service.createAutoScalingGroup(
                .init(
                    autoScalingGroupName: "web", launchConfigurationName: "web-lc", minSize: 0, maxSize: 1,
                    vPCZoneIdentifier: "subnet-a,subnet-zzz"), context: harness.context())
        }
        await #expect(throws: AdmiralError.self) {
            try await harness.service.createAutoScalingGroup(
                .init(
                    autoScalingGroupName: "web", launchConfigurationName: "web-lc", minSize: 0, maxSize: 1,
                    vPCZoneIdentifier: "subnet-a,subnet-x"), context: harness.context())
        }
        let groups = try await harness.service.describeAutoScalingGroups(.init(), context: harness.context())
        #expect(groups.autoScalingGroups.isEmpty)

        try await harness.createGroup(desired: 0)
        await #expect(
            throws: AdmiralError(
                .resourceInUse,
                "Cannot delete launch configuration web-lc because it is attached to AutoScalingGroup web")
        ) {
            try await harness.service.deleteLaunchConfiguration(
                .init(launchConfigurationName: "web-lc"), context: harness.context())
        }
        let configurations = try await harness.service.describeLaunchConfigurations(.init(), context: harness.context())
        #expect(configurations.launchConfigurations.count == 1)
    }

    @Test("groups over AvailabilityZones take the default subnets; launch templates are checked")
    func zonesAndTemplates() async throws {
        let harness = try GroupHarness()
        try await harness.service.createAutoScalingGroup(
            .init(
                autoScalingGroupName: "web",
                launchTemplate: .init(launchTemplateName: "web-template", version: "$Latest"),
                minSize: 0, maxSize: 2, desiredCapacity: 1, availabilityZones: ["us-east-1b"]),
            context: harness.context())
        try await harness.pass(at: 1)
        let instances = try await harness.instances()
        #expect(instances.map(\.subnetId) == ["subnet-b"])
        #expect(instances.first?.instanceType == "t3.small")
        await #expect(throws: AdmiralError.self) {
            try await harness.service.createAutoScalingGroup(
                .init(
                    autoScalingGroupName: "other", launchTemplate: .init(launchTemplateName: "nope"),
                    minSize: 0, maxSize: 2, availabilityZones: ["us-east-1b"]),
                context: harness.context())
        }
    }

    @Test("the termination policies choose as AWS documents")
    func terminationPolicies() {
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        func instance(
            _ id: String, _ zone: String, age: TimeInterval, source: String = "lc:new", protected: Bool = false
        )
            -> AutoScalingInstanceRecord
        {
            AutoScalingInstanceRecord(
                instanceId: id, groupName: "web", availabilityZone: zone, subnetId: nil, instanceType: "t3.micro",
                imageId: nil, lifecycleState: .inService, protectedFromScaleIn: protected,
                launchConfigurationName: nil, launchTemplate: nil, source: source,
                launchTime: base.addingTimeInterval(-age))
        }
        let fleet = [
            instance("i-1", "a", age: 100), instance("i-2", "a", age: 300),
            instance("i-3", "a", age: 200, source: "lc:old"),
            instance("i-4", "b", age: 1000),
        ]
        // Default: zone a (most instances), then the older launch configuration.
        #expect(TerminationSelector.select(1, from: fleet, policies: ["Default"], currentSource: "lc:new") == ["i-3"])
        #expect(
            TerminationSelector.select(1, from: fleet, policies: ["OldestInstance"], currentSource: "lc:new") == ["i-2"]
        )
        #expect(
            TerminationSelector.select(1, from: fleet, policies: ["NewestInstance"], currentSource: "lc:new") == ["i-1"]
        )
        // Two victims: a second from zone a would leave a=1, b=1; the next goes from either.
        #expect(
            TerminationSelector.select(2, from: fleet, policies: ["NewestInstance"], currentSource: "lc:new") == [
                "i-1", "i-3",
            ])
        let protected = fleet.map {
            instance($0.instanceId, $0.availabilityZone, age: 0, protected: $0.availabilityZone == "a")
        }
        #expect(TerminationSelector.select(1, from: protected, policies: [], currentSource: "lc:new") == ["i-4"])
        #expect(ZoneBalance.zonesForLaunches(3, zones: ["a", "b", "c"], counts: ["a": 1]) == ["b", "c", "a"])
        #expect(ZoneBalance.isImbalanced(zones: ["a", "b"], counts: ["a": 2]))
    }
}
