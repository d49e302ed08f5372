import AdmiralControlPlane
import AdmiralLoadBalancer
import AdmiralModel
import Foundation
import Logging
import ServiceLifecycle

/// Publishes `AWS/ApplicationELB` from the data plane's counters every metrics interval:
/// the counts that grew since the last interval, the connection and host gauges as they
/// are, and `TargetResponseTime` as a distribution (so p50, p99 and the rest are within
/// 1 %), with ALB's dimensions: `LoadBalancer` (`app/NAME/ID`) and, for target groups,
/// `TargetGroup` (`targetgroup/NAME/ID`) with and without `LoadBalancer`.
public struct LoadBalancerMetricsPublisher: Service {
    let dataPlane: LoadBalancerDataPlane
    let cloudWatch: CloudWatchService
    let interval: Duration
    let logger: Logger

    /// Creates the publisher.
    public init(dataPlane: LoadBalancerDataPlane, cloudWatch: CloudWatchService, interval: Duration, logger: Logger) {
        self.dataPlane = dataPlane
        self.cloudWatch = cloudWatch
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let resolution = seconds < 60 ? 1 : 60
        let dataPlane = self.dataPlane
        let cloudWatch = self.cloudWatch
        let logger = self.logger
        let interval = self.interval
        await cancelWhenGracefulShutdown {
            var previous = dataPlane.metrics()
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
                let current = dataPlane.metrics()
                do {
                    try await cloudWatch.publish(
                        namespace: "AWS/ApplicationELB", Self.publications(current, since: previous),
                        resolution: resolution, now: Date())
                } catch  where Task.isCancelled {
                    return
                } catch {
                    logger.error("load balancer metrics publication failed", metadata: ["error": .string("\(error)")])
                }
                previous = current
            }
        }
    }

    /// The resource part of an ARN, as ALB's dimensions carry it: `app/NAME/ID` of a load
    /// balancer's (`...:loadbalancer/app/NAME/ID`), `targetgroup/NAME/ID` of a target group's
    /// (`...:targetgroup/NAME/ID`).
    static func dimensionValue(ofARN arn: String) -> String {
        if let range = arn.range(of: ":loadbalancer/") { return String(arn[range.upperBound...]) }
        if let range = arn.range(of: ":targetgroup/") { return "targetgroup/" + arn[range.upperBound...] }
        return arn
    }

    /// The publications of one interval: counters as differences from `earlier`.
    static func publications(_ now: DataPlaneMetrics, since earlier: DataPlaneMetrics)
        -> [CloudWatchService.Publication]
    {
        typealias Publication = CloudWatchService.Publication
        var out: [Publication] = []
        func count(_ name: String, _ value: Int, _ dimensions: [(String, String)]) {
            out.append(
                Publication(
                    name: name, dimensions: dimensions, unit: .count, aggregate: MetricAggregate(value: Double(value))))
        }
        func responseTimes(_ summary: ResponseTimeSummary, _ dimensions: [(String, String)]) {
            let pairs = summary.valuesAndCounts
            guard summary.count > 0,
                var aggregate = MetricAggregate(values: pairs.map(\.value), counts: pairs.map { Double($0.count) })
            else { return }
            // The exact sum and count, with the distribution for percentiles.
            aggregate = aggregate.withTotals(sum: summary.sum, sampleCount: Double(summary.count))
            out.append(
                Publication(name: "TargetResponseTime", dimensions: dimensions, unit: .seconds, aggregate: aggregate))
        }
        for (arn, lb) in now.loadBalancers.sorted(by: { $0.key < $1.key }) {
            let before = earlier.loadBalancers[arn]
            func delta(_ path: KeyPath<LoadBalancerMetrics, Int>) -> Int {
                let value = lb[keyPath: path] - (before?[keyPath: path] ?? 0)
                return value >= 0 ? value : lb[keyPath: path]
            }
            let dimensions = [("LoadBalancer", dimensionValue(ofARN: arn))]
            count("RequestCount", delta(\.requestCount), dimensions)
            count("HTTPCode_Target_2XX_Count", delta(\.httpCodeTarget2XXCount), dimensions)
            count("HTTPCode_Target_3XX_Count", delta(\.httpCodeTarget3XXCount), dimensions)
            count("HTTPCode_Target_4XX_Count", delta(\.httpCodeTarget4XXCount), dimensions)
            count("HTTPCode_Target_5XX_Count", delta(\.httpCodeTarget5XXCount), dimensions)
            count("HTTPCode_ELB_3XX_Count", delta(\.httpCodeELB3XXCount), dimensions)
            count("HTTPCode_ELB_4XX_Count", delta(\.httpCodeELB4XXCount), dimensions)
            count("HTTPCode_ELB_5XX_Count", delta(\.httpCodeELB5XXCount), dimensions)
            count("HTTPCode_ELB_500_Count", delta(\.httpCodeELB500Count), dimensions)
            count("HTTPCode_ELB_502_Count", delta(\.httpCodeELB502Count), dimensions)
            count("HTTPCode_ELB_503_Count", delta(\.httpCodeELB503Count), dimensions)
            count("HTTPCode_ELB_504_Count", delta(\.httpCodeELB504Count), dimensions)
            count("TargetConnectionErrorCount", delta(\.targetConnectionErrorCount), dimensions)
            count("NewConnectionCount", delta(\.newConnectionCount), dimensions)
            count("ActiveConnectionCount", lb.activeConnectionCount, dimensions)
            responseTimes(
                before.map { lb.targetResponseTime.since($0.targetResponseTime) } ?? lb.targetResponseTime, dimensions)
        }
        for (arn, group) in now.targetGroups.sorted(by: { $0.key < $1.key }) {
            let before = earlier.targetGroups[arn]
            func delta(_ path: KeyPath<TargetGroupMetrics, Int>) -> Int {
                let value = group[keyPath: path] - (before?[keyPath: path] ?? 0)
                return value >= 0 ? value : group[keyPath: path]
            }
            let targetGroup = ("TargetGroup", dimensionValue(ofARN: arn))
            let requests = delta(\.requestCount)
            // Requests over the healthy targets (all targets when none is healthy: the group fails open).
            let targets = group.healthyHostCount > 0 ? group.healthyHostCount : group.unHealthyHostCount
            out.append(
                Publication(
                    name: "RequestCountPerTarget", dimensions: [targetGroup], unit: .count,
                    aggregate: MetricAggregate(value: targets > 0 ? Double(requests) / Double(targets) : 0)))
            for balancer in group.loadBalancerIDs.sorted() {
                let dimensions = [
                    targetGroup, ("LoadBalancer", dimensionValue(ofARN: balancer)),
                ]
                count("RequestCount", requests, dimensions)
                count("HTTPCode_Target_2XX_Count", delta(\.httpCodeTarget2XXCount), dimensions)
                count("HTTPCode_Target_3XX_Count", delta(\.httpCodeTarget3XXCount), dimensions)
                count("HTTPCode_Target_4XX_Count", delta(\.httpCodeTarget4XXCount), dimensions)
                count("HTTPCode_Target_5XX_Count", delta(\.httpCodeTarget5XXCount), dimensions)
                count("TargetConnectionErrorCount", delta(\.targetConnectionErrorCount), dimensions)
                count("HealthyHostCount", group.healthyHostCount, dimensions)
                count("UnHealthyHostCount", group.unHealthyHostCount, dimensions)
                responseTimes(
                    before.map { group.targetResponseTime.since($0.targetResponseTime) } ?? group.targetResponseTime,
                    dimensions)
            }
        }
        return out
    }
}
