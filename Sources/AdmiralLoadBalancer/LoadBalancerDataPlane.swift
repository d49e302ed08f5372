import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The application load balancer's HTTP data plane: listeners on SwiftNIO that route
/// requests by ALB's rules to healthy targets over pooled keep-alive connections.
///
/// Feed it configuration with ``apply(_:)`` (idempotent and incremental: call it with the
/// whole desired state whenever it changes), run it in a `ServiceGroup`, and read target
/// health (``targetHealth(targetGroupID:)``, ``healthChanges()``) and counters
/// (``metrics()``) at any time.
public final class LoadBalancerDataPlane: Service, Sendable {
    let core: DataPlaneCore
    private let controller: DataPlaneController

    /// What readers see: the runtimes of the last applied configuration.
    struct Published: Sendable {
        var loadBalancers: [String: LoadBalancerRuntime] = [:]
        var targetGroups: [String: TargetGroupRuntime] = [:]
        var listenerAddresses: [String: SocketAddress] = [:]
    }

    let published = Mutex(Published())

    /// Creates a data plane serving on `eventLoopGroup` (every loop of it takes client
    /// connections; each keeps its own pools of connections to targets).
    ///
    /// The group is not shut down by the data plane.
    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "admiral.loadbalancer")
    ) {
        self.core = DataPlaneCore(eventLoopGroup: eventLoopGroup, logger: logger)
        self.controller = DataPlaneController(core: core)
    }

    /// Runs until graceful shutdown or cancellation, then closes the listeners (letting
    /// requests in progress finish for a few seconds) and stops health checking.
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Makes `configuration` the data plane's state.
    ///
    /// Validates everything first and binds new listeners before changing anything: on
    /// error (a ``LoadBalancerError``) the previous state stays as it was. Then it swaps
    /// each listener's rules atomically (requests that start afterwards see the new rules),
    /// registers new targets (`initial`), moves targets that left a group into `draining`,
    /// starts and stops health checking per target group, and closes listeners that are gone.
    public func apply(_ configuration: DataPlaneConfiguration) async throws {
        let result = try await controller.apply(configuration)
        published.withLock { $0 = result }
    }

    /// Closes every listener and stops health checking; ``apply(_:)`` fails afterwards.
    public func shutdown() async {
        await controller.shutdown()
        published.withLock { $0 = Published() }
        core.events.finish()
    }

    // MARK: - Reading state

    /// The health of every target registered with (or draining from) the group, as
    /// `DescribeTargetHealth` reports it; `nil` for a group not in the configuration.
    public func targetHealth(targetGroupID: String) -> [TargetHealthDescription]? {
        published.withLock { $0.targetGroups[targetGroupID] }?.descriptions()
    }

    /// A stream of every target health change from now on, in the order they happened
    /// within each target group. The stream ends at ``shutdown()``.
    public func healthChanges() -> AsyncStream<TargetHealthChange> {
        core.events.stream()
    }

    /// The address a listener is bound to (useful when its configured port is 0).
    public func localAddress(ofListener listenerID: String) -> SocketAddress? {
        published.withLock { $0.listenerAddresses[listenerID] }
    }

    /// A snapshot of the counters of every load balancer and target group.
    public func metrics() -> DataPlaneMetrics {
        let state = published.withLock { $0 }
        var result = DataPlaneMetrics()
        for (id, runtime) in state.loadBalancers {
            let counters = runtime.counters
            let requests = counters.requests
            result.loadBalancers[id] = LoadBalancerMetrics(
                requestCount: requests.requests.current,
                httpCodeTarget2XXCount: requests.target2xx.current,
                httpCodeTarget3XXCount: requests.target3xx.current,
                httpCodeTarget4XXCount: requests.target4xx.current,
                httpCodeTarget5XXCount: requests.target5xx.current,
                httpCodeELB3XXCount: counters.elb3xx.current,
                httpCodeELB4XXCount: counters.elb4xx.current,
                httpCodeELB5XXCount: counters.elb5xx.current,
                httpCodeELB500Count: counters.elb500.current,
                httpCodeELB502Count: counters.elb502.current,
                httpCodeELB503Count: counters.elb503.current,
                httpCodeELB504Count: counters.elb504.current,
                targetResponseTime: requests.targetResponseTime.snapshot(),
                targetConnectionErrorCount: requests.targetConnectionErrors.current,
                activeConnectionCount: counters.activeClientConnections.current
                    + counters.activeTargetConnections.current,
                activeClientConnectionCount: counters.activeClientConnections.current,
                newConnectionCount: counters.newClientConnections.current + counters.newTargetConnections.current,
                newClientConnectionCount: counters.newClientConnections.current)
        }
        for (id, runtime) in state.targetGroups {
            result.targetGroups[id] = runtime.metrics()
        }
        return result
    }
}
