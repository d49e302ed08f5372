import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import Testing

@testable import AdmiralControlPlane

/// `AWS/EC2` `CPUUtilization` from the agents' task usage: per instance, and averaged per
/// Auto Scaling group, which `ASGAverageCPUUtilization` target tracking watches.
@Suite("EC2 instance CPU metrics")
struct InstanceMetricsTests {
    func instance(_ id: String, ec2: String, cpu: Int, status: ContainerInstanceStatus = .active)
        -> ContainerInstanceRecord
    {
        ContainerInstanceRecord(
            cluster: "c", id: id, ec2InstanceId: ec2, status: status, registeredAt: Date(),
            registered: InstanceResources(cpu: cpu, memory: 2048))
    }

    @Test("each active instance's tasks' CPU over its registered CPU, and each group's average")
    func perInstanceAndGroup() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-ec2m-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("admiral.sqlite").path)
        defer { try? store.close() }
        let publisher = ECSMetricsPublisher(
            store: store, usage: TaskUsageTable(),
            cloudWatch: CloudWatchService(store: try SQLiteMetricStore.inMemory()), interval: .seconds(60),
            logger: Logger(label: "test"), instanceGroups: { ["i-1": "web", "i-2": "web"] })
        let data = try await publisher.instanceMetrics(
            instances: [
                instance("a", ec2: "i-1", cpu: 2048), instance("b", ec2: "i-2", cpu: 1024),
                instance("d", ec2: "i-3", cpu: 1024), instance("e", ec2: "i-4", cpu: 1024, status: .inactive),
            ],
            usedOnInstance: ["c/a": 1024, "c/d": 5000], now: Date(), resolution: 60)
        var values: [String: Double] = [:]
        for datum in data {
            #expect(datum.metricName == "CPUUtilization" && datum.unit == .percent)
            let dimension = try #require(datum.dimensions?.first)
            values["\(dimension.name)=\(dimension.value)"] = datum.value
        }
        #expect(values["InstanceId=i-1"] == 50)
        // An instance that runs nothing is idle, not missing.
        #expect(values["InstanceId=i-2"] == 0)
        // Usage over what was registered is capped at the whole machine.
        #expect(values["InstanceId=i-3"] == 100)
        #expect(values["InstanceId=i-4"] == nil)
        #expect(values["AutoScalingGroupName=web"] == 25)
        #expect(values.count == 4)
    }
}
