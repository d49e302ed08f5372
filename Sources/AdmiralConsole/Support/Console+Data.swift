import AdmiralControlPlane
import AdmiralModel
import Foundation

/// What the pages read, through the same domain operations the API serves (so the
/// console shows exactly what `aws ecs describe-*` shows).
extension Console {
    /// How many items a list page shows at most; past it the page says so.
    static let listLimit = 1000
    /// How many tasks desired RUNNING a service page lists.
    static let taskLimit = 200

    func clusterList(_ context: AdmiralControlPlane.RequestContext) async throws -> (
        clusters: [ECS.Cluster], more: Bool
    ) {
        var arns: [String] = []
        var token: String?
        repeat {
            let page = try await controlPlane.clusters.listClusters(
                ECS.ListClustersRequest(nextToken: token, maxResults: 100), context: context)
            arns += page.clusterArns ?? []
            token = page.nextToken
        } while token != nil && arns.count < Self.listLimit
        var clusters: [ECS.Cluster] = []
        for chunk in arns.chunked(100) {
            let described = try await controlPlane.clusters.describeClusters(
                ECS.DescribeClustersRequest(clusters: chunk), context: context)
            clusters += described.clusters ?? []
        }
        return (clusters, token != nil)
    }

    func cluster(_ name: String, _ context: AdmiralControlPlane.RequestContext) async throws -> ECS.Cluster? {
        let described = try await controlPlane.clusters.describeClusters(
            ECS.DescribeClustersRequest(clusters: [name], include: [.statistics]), context: context)
        return described.clusters?.first { $0.status == "ACTIVE" } ?? described.clusters?.first
    }

    func service(_ cluster: String, _ name: String, _ context: AdmiralControlPlane.RequestContext) async throws
        -> ECS.Service?
    {
        let described = try await controlPlane.services.describeServices(
            ECS.DescribeServicesRequest(cluster: cluster, services: [name], include: [.tags]), context: context)
        return described.services?.first
    }

    func task(_ cluster: String, _ id: String, _ context: AdmiralControlPlane.RequestContext) async throws
        -> ECS.Task?
    {
        let described = try await controlPlane.tasks.describeTasks(
            ECS.DescribeTasksRequest(cluster: cluster, tasks: [id], include: [.tags]), context: context)
        return described.tasks?.first
    }
}

extension Collection {
    /// The collection in consecutive pieces of at most `size` elements.
    func chunked(_ size: Int) -> [[Element]] {
        var chunks: [[Element]] = []
        var current: [Element] = []
        for element in self {
            current.append(element)
            if current.count == size {
                chunks.append(current)
                current = []
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}
