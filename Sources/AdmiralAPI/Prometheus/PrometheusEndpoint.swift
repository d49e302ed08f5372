import AdmiralControlPlane
import AdmiralStore
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus

/// `GET /metrics` in Prometheus's text format, on a port of its own (127.0.0.1 by
/// default) so that the AWS port never serves it: the server's own health through
/// swift-metrics — requests by service, operation and status with their latency,
/// controller passes, store write latency, agents connected — and the latest value of
/// each metric Admiral publishes to CloudWatch (`aws_ecs_*`, `aws_applicationelb_*`).
public enum PrometheusEndpoint {
    /// Makes swift-metrics record into a Prometheus registry, once per process; returns
    /// the registry to serve.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }

    /// The application that serves `registry` on `address`.
    public static func build(
        registry: PrometheusCollectorRegistry, controlPlane: ControlPlane, address: BindAddress, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            let connected = try await controlPlane.store.liveContainerInstances().filter(\.agentConnected).count
            Gauge(label: "admiral_agents_connected").record(connected)
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(
            router: router, configuration: ApplicationConfiguration(address: address, serverName: "admiral-metrics"),
            logger: logger)
    }
}
