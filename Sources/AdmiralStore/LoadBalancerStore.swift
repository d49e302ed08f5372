import AdmiralModel
import Foundation

/// The persistence contract of Elastic Load Balancing: the whole configuration is read
/// as one ``LoadBalancingState`` and changed by pure closures inside one transaction.
///
/// The configuration is small (ALB quotas bound it to thousands of rows) and its rules
/// are cross-cutting (a target group used by one load balancer only, priorities unique per
/// listener, targets per load balancer), so checking them against the whole state in the
/// write transaction keeps every check atomic with its change, on SQLite today and on a
/// PostgreSQL store (which would take a row lock on the version) later.
public protocol LoadBalancerStore: Sendable {
    /// The configuration as last committed.
    func loadBalancingState() async throws -> LoadBalancingState

    /// Runs `change` against the current configuration inside one write transaction and
    /// stores what it changed. When the configuration changed, the version goes up by one.
    /// A throwing `change` writes nothing. Returns the closure's value and the state as
    /// committed.
    func updateLoadBalancing<T: Sendable>(
        _ change: @Sendable (inout LoadBalancingState) throws -> T
    ) async throws -> (value: T, state: LoadBalancingState)
}
