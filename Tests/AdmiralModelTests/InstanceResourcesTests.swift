import Foundation
import Testing

@testable import AdmiralModel

@Suite("Resources a container instance registers")
struct InstanceResourcesTests {
    static func register(cpu: ECS.Resource) throws -> InstanceResources {
        try InstanceResources(registering: [cpu, ECS.Resource(name: "MEMORY", type: "INTEGER", integerValue: 4096)])
    }

    @Test("CPU and MEMORY up to ECS's 32-bit integerValue are read")
    func largestAccepted() throws {
        let resources = try Self.register(
            cpu: ECS.Resource(name: "CPU", type: "INTEGER", integerValue: InstanceResources.maximumInteger))
        #expect(resources.cpu == Int(Int32.max))
        let fromDouble = try Self.register(cpu: ECS.Resource(name: "CPU", type: "INTEGER", doubleValue: 2048.5))
        #expect(fromDouble.cpu == 2048)
    }

    // Found by the protocol fuzzer: two instances of Int.max CPU overflowed the ECS
    // metrics publisher's sum and stopped the server, again after every restart; a
    // doubleValue of 1e300 trapped converting to Int.
    @Test("values past a 32-bit integer, and doubles no integer holds, are InvalidParameterException")
    func hugeValuesRefused() {
        let values = [
            ECS.Resource(name: "CPU", type: "INTEGER", integerValue: Int.max),
            ECS.Resource(name: "CPU", type: "INTEGER", longValue: Int(Int32.max) + 1),
            ECS.Resource(name: "CPU", type: "INTEGER", doubleValue: 1e300),
            ECS.Resource(name: "CPU", type: "INTEGER", doubleValue: .nan),
            ECS.Resource(name: "CPU", type: "INTEGER", doubleValue: -.infinity),
            ECS.Resource(name: "CPU", type: "INTEGER", integerValue: -1),
        ]
        for value in values {
            #expect(throws: AdmiralError.self) { try Self.register(cpu: value) }
        }
    }
}
