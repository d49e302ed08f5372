import AdmiralModel
import AdmiralStore
import Foundation

extension CloudWatchService {
    /// ListMetrics: the metrics that have data, filtered by namespace, name, dimensions
    /// (with or without values) and recent activity, 500 a page.
    public func listMetrics(_ input: CloudWatch.ListMetricsInput, context: RequestContext) async throws
        -> CloudWatch.ListMetricsOutput
    {
        let filters = input.dimensions ?? []
        guard filters.count <= Limits.dimensionsPerMetric else {
            throw AdmiralError.invalidValue(
                "The collection Dimensions must not have a size greater than \(Limits.dimensionsPerMetric).")
        }
        if let token = input.nextToken, Int64(token) == nil {
            throw AdmiralError(.invalidNextToken, "The NextToken \(token) is not one this server returned.")
        }
        let activeSince = input.recentlyActive.map { _ in context.now.addingTimeInterval(-Limits.recentlyActive) }
        let page = try await store.listMetrics(
            namespace: input.namespace, name: input.metricName, activeSince: activeSince, after: input.nextToken,
            limit: Limits.metricsPerPage, matching: { $0.matches(filters) })
        return CloudWatch.ListMetricsOutput(metrics: page.metrics.map(\.metric.metric), nextToken: page.next)
    }

    /// GetMetricStatistics: the requested statistics of one metric per period.
    public func getMetricStatistics(_ input: CloudWatch.GetMetricStatisticsInput, context: RequestContext)
        async throws -> CloudWatch.GetMetricStatisticsOutput
    {
        try Self.checkDimensions(input.dimensions ?? [], path: "Dimensions")
        let statistics = input.statistics ?? []
        let extended = try (input.extendedStatistics ?? []).map { text in
            guard let statistic = ExtendedStatistic(text) else {
                throw AdmiralError.invalidValue(
                    "The value \(text) for parameter ExtendedStatistics is not supported: use a percentile such as "
                        + "p50, p99 or p99.9.")
            }
            return statistic
        }
        if statistics.isEmpty && extended.isEmpty {
            throw AdmiralError.invalidCombination(
                "At least one of the parameters Statistics and ExtendedStatistics must be specified.")
        }
        guard statistics.count <= Limits.statisticsPerCall else {
            throw AdmiralError.invalidValue(
                "The collection Statistics must not have a size greater than \(Limits.statisticsPerCall).")
        }
        guard extended.count <= Limits.extendedStatisticsPerCall else {
            throw AdmiralError.invalidValue(
                "The collection ExtendedStatistics must not have a size greater than \(Limits.extendedStatisticsPerCall)."
            )
        }
        try Self.checkRange(start: input.startTime, end: input.endTime, period: input.period, now: context.now)
        let count = PeriodRules.datapointCount(start: input.startTime, end: input.endTime, period: input.period)
        if count > Limits.datapointsPerStatisticsCall {
            throw AdmiralError.invalidCombination(PeriodRules.datapointLimitMessage(requested: count))
        }
        // Data older than a retention tier is kept only at that tier's resolution: a finer
        // period finds no datapoints there, as on CloudWatch.
        let multiple = PeriodRules.requiredMultiple(startTime: input.startTime, now: context.now)
        if input.period % multiple != 0 {
            return CloudWatch.GetMetricStatisticsOutput(label: input.metricName, datapoints: [])
        }
        let start = PeriodRules.roundedStartTime(input.startTime, period: input.period, now: context.now)
        let metric = MetricIdentity(
            namespace: input.namespace, name: input.metricName, dimensions: input.dimensions ?? [])
        let stored = try await store.datapoints(of: metric, from: start, to: input.endTime, unit: input.unit?.rawValue)
        let buckets = Self.buckets(stored, start: start, end: input.endTime, period: input.period)
        let datapoints = buckets.map { bucket in
            var point = CloudWatch.Datapoint(
                timestamp: bucket.timestamp,
                unit: CloudWatch.StandardUnit(rawValue: bucket.unit) ?? CloudWatch.StandardUnit.none)
            for statistic in statistics {
                let value = bucket.aggregate.value(of: MetricStatistic(statistic))
                switch statistic {
                case .sampleCount: point.sampleCount = value
                case .average: point.average = value
                case .sum: point.sum = value
                case .minimum: point.minimum = value
                case .maximum: point.maximum = value
                }
            }
            if !extended.isEmpty {
                var values: [String: Double] = [:]
                for statistic in extended {
                    if let value = bucket.aggregate.percentile(statistic.percentile) {
                        values[statistic.text] = value
                    }
                }
                point.extendedStatistics = values
            }
            return point
        }
        return CloudWatch.GetMetricStatisticsOutput(label: input.metricName, datapoints: datapoints)
    }

    /// Checks a query's time range and period as CloudWatch does.
    static func checkRange(start: Date, end: Date, period: Int, now: Date) throws {
        guard start < end else {
            throw AdmiralError.invalidValue("The parameter StartTime must be less than the parameter EndTime.")
        }
        if let message = PeriodRules.invalidPeriodMessage(period) {
            throw AdmiralError.invalidValue(message)
        }
    }

    /// One period's merged values, and the unit they share (`None` when they differ).
    struct Bucket {
        var timestamp: Date
        var unit: String
        var aggregate: MetricAggregate
    }

    /// The stored buckets merged per period of the query.
    static func buckets(_ stored: [StoredDatapoint], start: Date, end: Date, period: Int) -> [Bucket] {
        var units: [Date: String] = [:]
        let rows = stored.map { point in (timestamp: point.timestamp, aggregate: point.aggregate) }
        for point in stored {
            let offset = (point.timestamp.timeIntervalSince(start) / Double(period)).rounded(.down)
            let bucket = start.addingTimeInterval(offset * Double(period))
            if let unit = units[bucket], unit != point.unit {
                units[bucket] = "None"
            } else {
                units[bucket] = point.unit
            }
        }
        return PeriodBucketing.buckets(rows, start: start, end: end, period: period).map { bucket in
            Bucket(timestamp: bucket.timestamp, unit: units[bucket.timestamp] ?? "None", aggregate: bucket.aggregate)
        }
    }
}

extension MetricStatistic {
    /// The statistic of the wire's enumeration.
    init(_ statistic: CloudWatch.Statistic) {
        switch statistic {
        case .sampleCount: self = .sampleCount
        case .average: self = .average
        case .sum: self = .sum
        case .minimum: self = .minimum
        case .maximum: self = .maximum
        }
    }
}
