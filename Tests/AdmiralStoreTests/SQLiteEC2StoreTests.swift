import AdmiralModel
import Foundation
import Testing

@testable import AdmiralStore

@Suite("The EC2 registry on SQLite")
struct SQLiteEC2StoreTests {
    struct Refused: Error {}

    @Test("updates persist across a reopen; a change that throws writes nothing")
    func persistsAndRollsBack() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-ec2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("ec2.sqlite").path
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        do {
            let store = try SQLiteEC2Store(path: path)
            try await store.update { state in
                state.vpcs["vpc-1"] = VpcRecord(
                    vpcId: "vpc-1", cidrBlock: "10.0.0.0/16", isDefault: false, createdAt: now)
                state.subnets["subnet-1"] = SubnetRecord(
                    subnetId: "subnet-1", vpcId: "vpc-1", cidrBlock: "10.0.1.0/24", availabilityZone: "us-east-1a",
                    defaultForAz: false, mapPublicIpOnLaunch: false, createdAt: now)
            }
            await #expect(throws: Refused.self) {
                try await store.update { state in
                    state.vpcs["vpc-2"] = VpcRecord(
                        vpcId: "vpc-2", cidrBlock: "10.1.0.0/16", isDefault: false, createdAt: now)
                    throw Refused()
                }
            }
            #expect(try await store.read().vpcs.keys.sorted() == ["vpc-1"])
            try await store.update { state in state.subnets["subnet-1"] = nil }
            try store.close()
        }
        let reopened = try SQLiteEC2Store(path: path)
        let state = try await reopened.read()
        #expect(state.vpcs.keys.sorted() == ["vpc-1"])
        #expect(state.vpcs["vpc-1"]?.createdAt == now)
        #expect(state.subnets.isEmpty)
        try reopened.close()
    }
}
