import AdmiralModel
import AdmiralStore

extension Store {
    /// Throws ClusterNotFoundException unless the cluster is ACTIVE.
    func requireActiveCluster(_ name: String) async throws {
        guard let cluster = try await cluster(named: name), cluster.status == .active else {
            throw AdmiralError(.clusterNotFound, "Cluster not found.")
        }
    }
}
