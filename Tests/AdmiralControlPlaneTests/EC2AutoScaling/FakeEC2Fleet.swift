import AdmiralModel
import Foundation
import Synchronization

@testable import AdmiralControlPlane

/// A fake EC2 registry for the group controller's tests: three subnets in three zones,
/// instances that stay pending until `runAll`, and a clock the test sets.
final class FakeEC2Fleet: EC2Fleet {
    struct State {
        var instances: [String: EC2InstanceInfo] = [:]
        var order: [String] = []
        var launches: [(spec: EC2LaunchSpec, subnetId: String, tags: [String: String])] = []
        var terminated: [String] = []
        var now = Date(timeIntervalSince1970: 1_800_000_000)
        var failLaunches: String?
        var next = 1
    }

    let state = Mutex(State())
    static let subnets = [
        EC2SubnetInfo(subnetId: "subnet-a", vpcId: "vpc-1", availabilityZone: "us-east-1a", cidrBlock: "10.0.0.0/24"),
        EC2SubnetInfo(subnetId: "subnet-b", vpcId: "vpc-1", availabilityZone: "us-east-1b", cidrBlock: "10.0.1.0/24"),
        EC2SubnetInfo(subnetId: "subnet-c", vpcId: "vpc-1", availabilityZone: "us-east-1c", cidrBlock: "10.0.2.0/24"),
        EC2SubnetInfo(subnetId: "subnet-x", vpcId: "vpc-2", availabilityZone: "us-east-1a", cidrBlock: "10.1.0.0/24"),
    ]

    func subnet(id: String) async throws -> EC2SubnetInfo {
        guard let subnet = Self.subnets.first(where: { $0.subnetId == id }) else {
            throw AdmiralError(.init(rawValue: "InvalidSubnetID.NotFound"), "The subnet ID '\(id)' does not exist")
        }
        return subnet
    }

    func defaultSubnets() async throws -> [EC2SubnetInfo] { Array(Self.subnets.prefix(3)) }

    func launchTemplate(id: String?, name: String?, version: String?) async throws -> EC2LaunchSpec {
        guard name == "web-template" || id == "lt-1" else {
            throw AdmiralError.validation(
                "The specified launch template, with template name \(name ?? "?"), does not exist.")
        }
        return EC2LaunchSpec(
            imageId: "ami-template", instanceType: "t3.small", source: "lt:lt-1:\(version ?? "$Default")")
    }

    func instanceTypeExists(_ instanceType: String) async -> Bool { instanceType != "x9.huge" }

    func launch(_ spec: EC2LaunchSpec, subnetId: String, count: Int, tags: [String: String]) async throws
        -> [EC2InstanceInfo]
    {
        let subnet = try await self.subnet(id: subnetId)
        return try state.withLock { state in
            if let failure = state.failLaunches { throw AdmiralError.validation(failure) }
            var infos: [EC2InstanceInfo] = []
            for _ in 0..<count {
                let id = String(format: "i-%017x", state.next)
                state.next += 1
                let info = EC2InstanceInfo(
                    instanceId: id, state: .pending, instanceType: spec.instanceType,
                    availabilityZone: subnet.availabilityZone, subnetId: subnetId,
                    privateIpAddress: "10.0.0.\(state.next)",
                    launchTime: state.now, statusOK: true)
                state.instances[id] = info
                state.order.append(id)
                state.launches.append((spec, subnetId, tags))
                infos.append(info)
            }
            return infos
        }
    }

    func terminate(instanceIds: [String]) async throws {
        state.withLock { state in
            for id in instanceIds where state.instances[id] != nil && state.instances[id]?.state != .terminated {
                state.instances[id]?.state = .terminated
                state.terminated.append(id)
            }
        }
    }

    func instances(ids: [String]) async throws -> [EC2InstanceInfo] {
        state.withLock { state in ids.compactMap { state.instances[$0] } }
    }

    // Test controls

    var now: Date {
        get { state.withLock { $0.now } }
        set { state.withLock { $0.now = newValue } }
    }

    func runAll() {
        state.withLock { state in
            for (id, info) in state.instances where info.state == .pending { state.instances[id]?.state = .running }
        }
    }

    func failStatusChecks(_ id: String) { state.withLock { $0.instances[id]?.statusOK = false } }
    func terminateOutside(_ id: String) { state.withLock { $0.instances[id]?.state = .terminated } }
    var terminatedIds: [String] { state.withLock { $0.terminated } }
    var launchCount: Int { state.withLock { $0.launches.count } }
    var lastTags: [String: String] { state.withLock { $0.launches.last?.tags ?? [:] } }
    func failLaunches(_ message: String?) { state.withLock { $0.failLaunches = message } }
}
