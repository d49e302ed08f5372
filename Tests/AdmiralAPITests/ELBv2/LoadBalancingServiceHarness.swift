import AdmiralControlPlane
import AdmiralModel
import AdmiralStore
import Foundation
import Synchronization
import Testing

/// A ``LoadBalancingService`` over a fresh SQLite store, with counting ids and a request
/// context for us-east-1.
struct LoadBalancingServiceHarness {
    let folder: URL
    let store: SQLiteStore
    let service: LoadBalancingService
    let context = RequestContext(
        names: ECSNames(region: "us-east-1", accountId: "000000000000"),
        principalARN: "arn:aws:iam::000000000000:user/tester", now: Date(timeIntervalSince1970: 1_700_000_000))

    init(
        addressing: LoadBalancerAddressing = .loopbackPerLoadBalancer,
        health: any TargetHealthSource = RegistrationTargetHealth()
    )
        throws
    {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-elb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("admiral.sqlite").path)
        let counter = Atomic<Int>(0)
        service = LoadBalancingService(
            store: store, addressing: addressing, health: health,
            ids: ELBv2IDGenerator {
                let next = counter.add(1, ordering: .relaxed).newValue
                let hex = String(next, radix: 16)
                return String(repeating: "0", count: 16 - hex.count) + hex
            })
    }

    func cleanup() {
        try? store.close()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The store's version: unchanged after a refused request.
    func version() async throws -> Int64 {
        try await store.loadBalancingState().version
    }

    /// Expects `body` to throw an `AdmiralError` of `code` and the configuration to stay as it was.
    func refuses(
        _ code: AdmiralError.Code, _ text: String = "", sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async throws {
        let before = try await store.loadBalancingState()
        let error = await #expect(throws: AdmiralError.self, sourceLocation: sourceLocation) { try await body() }
        #expect(error?.code == code, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
        if !text.isEmpty {
            #expect(error?.message.contains(text) == true, "\(error?.message ?? "")", sourceLocation: sourceLocation)
        }
        let after = try await store.loadBalancingState()
        #expect(after == before, "a refused request changed the configuration", sourceLocation: sourceLocation)
    }

    func createLoadBalancer(
        _ name: String = "web", subnets: [String] = ["subnet-us-east-1a", "subnet-us-east-1b"]
    ) async throws -> ELBv2.LoadBalancer {
        let output = try await service.createLoadBalancer(.init(name: name, subnets: subnets), context: context)
        return try #require(output.loadBalancers?.first)
    }

    func createTargetGroup(_ name: String = "blue", port: Int = 8080, type: ELBv2.TargetTypeEnum = .instance)
        async throws -> ELBv2.TargetGroup
    {
        let output = try await service.createTargetGroup(
            .init(name: name, protocol: .http, port: port, targetType: type), context: context)
        return try #require(output.targetGroups?.first)
    }

    func createListener(_ balancer: ELBv2.LoadBalancer, port: Int = 80, forwardTo group: ELBv2.TargetGroup)
        async throws -> ELBv2.Listener
    {
        let output = try await service.createListener(
            .init(
                loadBalancerArn: balancer.loadBalancerArn ?? "", protocol: .http, port: port,
                defaultActions: [.init(type: .forward, targetGroupArn: group.targetGroupArn)]),
            context: context)
        return try #require(output.listeners?.first)
    }

    func createRule(_ listener: ELBv2.Listener, priority: Int, path: String, forwardTo group: ELBv2.TargetGroup)
        async throws -> ELBv2.Rule
    {
        let output = try await service.createRule(
            .init(
                listenerArn: listener.listenerArn ?? "", conditions: [.init(field: "path-pattern", values: [path])],
                priority: priority, actions: [.init(type: .forward, targetGroupArn: group.targetGroupArn)]),
            context: context)
        return try #require(output.rules?.first)
    }
}
