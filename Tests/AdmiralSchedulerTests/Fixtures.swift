import AdmiralScheduler
import Foundation

/// Builders of instances and fleets for the scheduler tests.
enum Fixtures {
    static let zones = ["us-east-1a", "us-east-1b", "us-east-1c"]

    static func instance(
        _ name: String, zone: String = "us-east-1a", type: String = "t2.small", cpu: Int = 2048,
        memory: Int = 4096, status: InstanceSnapshot.Status = .active, connected: Bool = true,
        extra: [String: String?] = [:], groups: [String: Int] = [:], tcp: Set<Int> = [], udp: Set<Int> = []
    ) -> InstanceSnapshot {
        var attributes: [String: String?] = ["ecs.availability-zone": zone, "ecs.instance-type": type]
        attributes.merge(extra) { $1 }
        return InstanceSnapshot(
            id: "ci-\(name)", ec2InstanceId: "i-\(name)", status: status, agentConnected: connected,
            agentVersion: "1.20.0", registeredAt: Date(timeIntervalSince1970: 1_700_000_000),
            attributes: attributes, remainingCPU: cpu, remainingMemory: memory, usedTCPPorts: tcp,
            usedUDPPorts: udp, runningTasksCount: groups.values.reduce(0, +), taskGroups: groups)
    }

    /// Twelve instances over three zones with assorted sizes and attributes.
    static func twelve() -> ClusterSnapshot {
        let types = ["t2.small", "t2.medium", "m5.large", "c5.large"]
        return ClusterSnapshot(
            instances: (0..<12).map { number in
                instance(
                    "\(number)", zone: zones[number % 3], type: types[number % 4], cpu: 1024 * (1 + number % 3),
                    memory: 2048 * (1 + number % 4), extra: number % 2 == 0 ? ["stack": "prod"] : [:])
            })
    }

    static func request(
        _ count: Int, cpu: Int = 128, memory: Int = 256, group: String = "family:web",
        strategies: [PlacementStrategy] = [], constraints: [PlacementConstraint] = [], seed: UInt64 = 1,
        tcp: Set<Int> = [], udp: Set<Int> = []
    ) -> PlacementRequest {
        PlacementRequest(
            count: count, cpu: cpu, memory: memory, tcpPorts: tcp, udpPorts: udp, group: group,
            strategies: strategies, constraints: constraints, seed: seed)
    }

    static func memberOf(_ expression: String) throws -> PlacementConstraint {
        .memberOf(try ClusterQuery(expression))
    }

    static let azSpread = PlacementStrategy.spread(.attribute("ecs.availability-zone"))
}

extension ClusterSnapshot {
    /// Tasks of a group per zone.
    func tasks(of group: String, perZone zones: [String] = Fixtures.zones) -> [Int] {
        zones.map { zone in
            instances.filter { $0.attribute("ecs.availability-zone") == zone }
                .reduce(0) { $0 + $1.taskGroups[group, default: 0] }
        }
    }
}
