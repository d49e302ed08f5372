import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@Suite("SQLite store: the load balancing configuration")
struct SQLiteStoreLoadBalancingTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)

    static func balancer(_ id: String, _ name: String) -> LoadBalancerRecord {
        LoadBalancerRecord(
            id: id, name: name, scheme: .internetFacing, ipAddressType: .ipv4, address: "127.0.1.1",
            vpcId: "vpc-1", zones: [.init(subnetId: "subnet-us-east-1a", zoneName: "us-east-1a")],
            securityGroups: ["sg-1"], attributes: ["idle_timeout.timeout_seconds": "120"],
            tags: [ELBv2.Tag(key: "team", value: "web")], createdAt: now)
    }

    static func rule(_ id: String, listener: String, priority: Int?) -> ListenerRuleRecord {
        ListenerRuleRecord(
            id: id, listenerId: listener, priority: priority,
            conditions: [ELBv2.RuleCondition(field: "path-pattern", values: ["/a"])],
            actions: [ELBv2.Action(type: .fixedResponse, fixedResponseConfig: .init(statusCode: "200"))], tags: [],
            createdAt: now)
    }

    struct Refused: Error {}

    @Test("a committed change is read back, survives a reopen and moves the version by one")
    func roundTrip() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        #expect(try await database.store.loadBalancingState() == LoadBalancingState())
        let (_, state) = try await database.store.updateLoadBalancing { state in
            state.loadBalancers["00000000000000a1"] = Self.balancer("00000000000000a1", "web")
            state.rules["00000000000000b1"] = Self.rule("00000000000000b1", listener: "l1", priority: 1)
            let key = TargetKey(targetGroupId: "t1", id: "i-12345678", port: 80)
            state.targets[key] = TargetRecord(key: key, availabilityZone: nil, registeredAt: Self.now)
            state.subnetZones["subnet-x"] = "us-east-1a"
            state.nextZonePosition = 1
        }
        #expect(state.version == 1)
        let reopened = try database.reopen()
        defer { try? reopened.close() }
        let read = try await reopened.loadBalancingState()
        #expect(read == state)
        #expect(read.loadBalancers["00000000000000a1"]?.tags == [ELBv2.Tag(key: "team", value: "web")])
    }

    @Test("a throwing change writes nothing; a change that changes nothing keeps the version")
    func rollback() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        _ = try await database.store.updateLoadBalancing { state in
            state.loadBalancers["00000000000000a1"] = Self.balancer("00000000000000a1", "web")
        }
        await #expect(throws: Refused.self) {
            _ = try await database.store.updateLoadBalancing { state in
                state.loadBalancers = [:]
                throw Refused()
            }
        }
        let (_, state) = try await database.store.updateLoadBalancing { _ in }
        #expect(state.version == 1)
        #expect(state.loadBalancers.count == 1)
    }

    @Test("two rules can swap priorities in one change despite the uniqueness constraint")
    func swap() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        _ = try await database.store.updateLoadBalancing { state in
            state.rules["r1"] = Self.rule("r1", listener: "l1", priority: 1)
            state.rules["r2"] = Self.rule("r2", listener: "l1", priority: 2)
        }
        let (_, state) = try await database.store.updateLoadBalancing { state in
            state.rules["r1"]?.priority = 2
            state.rules["r2"]?.priority = 1
        }
        #expect(state.rules["r1"]?.priority == 2)
        #expect(try await database.store.loadBalancingState().rules["r2"]?.priority == 1)
    }

    @Test("removed records and targets are deleted")
    func deletes() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanup() }
        let key = TargetKey(targetGroupId: "t1", id: "10.0.0.1", port: 80)
        _ = try await database.store.updateLoadBalancing { state in
            state.loadBalancers["00000000000000a1"] = Self.balancer("00000000000000a1", "web")
            state.targets[key] = TargetRecord(key: key, availabilityZone: "all", registeredAt: Self.now)
        }
        _ = try await database.store.updateLoadBalancing { state in
            state.loadBalancers = [:]
            state.targets = [:]
        }
        let read = try await database.store.loadBalancingState()
        #expect(read.loadBalancers.isEmpty && read.targets.isEmpty)
        #expect(read.version == 2)
    }
}
