import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@testable import AdmiralControlPlane

/// Counts a client sends never size a launch beyond the server's instance quota.
@Suite("Instance quotas")
struct InstanceQuotaTests {
    let context = RequestContext(
        names: ECSNames(region: "us-east-1", accountId: "123456789012"),
        principalARN: "arn:aws:iam::123456789012:user/t")

    @Test("RunInstances above the quota is InstanceLimitExceeded and launches nothing")
    func runInstancesQuota() async throws {
        let ec2 = EC2Service(store: InMemoryEC2Store.make(), zones: ["us-east-1a"], accountId: "123456789012")
        let code = await EC2ServiceTests.code {
            _ = try await ec2.runInstances(
                .init(
                    imageId: EC2Catalogue.agentImageId, instanceType: .t3Small, maxCount: Int(Int32.max),
                    minCount: EC2Service.instanceLimit + 1),
                context: context)
        }
        #expect(code == "InstanceLimitExceeded")
        #expect(try await ec2.describeInstances(.init(), context: context).reservations?.isEmpty ?? true)
    }

    @Test("an Auto Scaling group's sizes stop at the quota")
    func groupSizes() {
        #expect(throws: AdmiralError.self) {
            try GroupRules.checkSizes(min: 0, max: Int(Int32.max), desired: Int(Int32.max))
        }
        #expect(throws: Never.self) {
            try GroupRules.checkSizes(min: 0, max: GroupRules.maximumSize, desired: GroupRules.maximumSize)
        }
    }
}
