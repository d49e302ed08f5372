import AdmiralModel
import AdmiralStore
import Foundation
import Metrics

extension CloudWatchService {
    /// PutMetricData: checks every datum, then merges them into their buckets in one
    /// transaction. Namespaces that begin with `AWS/` are CloudWatch's own.
    public func putMetricData(_ input: CloudWatch.PutMetricDataInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        try await store(Self.metricWrites(of: input, now: context.now), publishedAt: context.now)
        return CloudWatch.EmptyOutput()
    }

    /// A PutMetricData call's bucket writes, every datum checked: the call's work before
    /// the store, which the API does off its event loops.
    public static func metricWrites(of input: CloudWatch.PutMetricDataInput, now: Date) throws -> [MetricWrite] {
        try checkNamespace(input.namespace, parameter: "Namespace")
        if input.namespace.hasPrefix("AWS/") {
            throw AdmiralError.invalidValue("The value \(input.namespace) for parameter Namespace is invalid.")
        }
        var data = input.metricData ?? []
        for entity in input.entityMetricData ?? [] {
            data.append(contentsOf: entity.metricData ?? [])
        }
        guard !data.isEmpty else {
            throw AdmiralError.missingParameter("The parameter MetricData is required.")
        }
        guard data.count <= Limits.metricDataPerCall else {
            throw AdmiralError.invalidValue(
                "The collection MetricData must not have a size greater than \(Limits.metricDataPerCall).")
        }
        return try writes(namespace: input.namespace, data: data, now: now)
    }

    /// Stores the writes of ``metricWrites(of:now:)``, durable when it returns.
    public func store(_ writes: [MetricWrite], publishedAt: Date) async throws {
        try await store.put(writes, publishedAt: publishedAt)
    }

    /// Publishes Admiral's own metrics (the `AWS/` namespaces), unchecked for the namespace.
    public func publish(namespace: String, data: [CloudWatch.MetricDatum], now: Date) async throws {
        guard !data.isEmpty else { return }
        let writes = try Self.writes(namespace: namespace, data: data, now: now)
        try await store.put(writes, publishedAt: now)
        Self.exportLatest(writes.map { ($0.metric, $0.unit, $0.aggregate) })
    }

    /// The latest value of each of Admiral's own metrics as a swift-metrics gauge (the
    /// Prometheus endpoint shows them): `aws_ecs_cpuutilization{namespace="AWS/ECS",
    /// ClusterName="...",...}`, the sum for counts and the average otherwise.
    static func exportLatest(_ values: [(MetricIdentity, String, MetricAggregate)]) {
        for (metric, unit, aggregate) in values {
            let label =
                "aws_" + (metric.namespace.hasPrefix("AWS/") ? String(metric.namespace.dropFirst(4)) : metric.namespace)
                + "_" + metric.name
            let dimensions = [("namespace", metric.namespace)] + metric.dimensions.map { ($0.name, $0.value) }
            Gauge(label: label.lowercased(), dimensions: dimensions)
                .record(unit == "Count" ? aggregate.sum : aggregate.value(of: .average))
        }
    }

    /// One metric's aggregated values, as Admiral publishes its own metrics.
    public struct Publication: Sendable {
        /// The metric's name.
        public var name: String
        /// Its dimensions.
        public var dimensions: [CloudWatch.Dimension]
        /// Its unit.
        public var unit: CloudWatch.StandardUnit
        /// The values.
        public var aggregate: MetricAggregate

        /// Creates a publication.
        public init(
            name: String, dimensions: [(String, String)], unit: CloudWatch.StandardUnit, aggregate: MetricAggregate
        ) {
            self.name = name
            self.dimensions = dimensions.map { CloudWatch.Dimension(name: $0.0, value: $0.1) }
            self.unit = unit
            self.aggregate = aggregate
        }
    }

    /// Publishes aggregates (distributions of any size) of Admiral's own metrics.
    public func publish(namespace: String, _ publications: [Publication], resolution: Int, now: Date) async throws {
        guard !publications.isEmpty else { return }
        let timestamp = MetricResolution.bucketStart(now, resolution: resolution)
        let writes = publications.map {
            MetricWrite(
                metric: MetricIdentity(namespace: namespace, name: $0.name, dimensions: $0.dimensions),
                timestamp: timestamp, resolution: resolution, unit: $0.unit.rawValue, aggregate: $0.aggregate)
        }
        try await store.put(writes, publishedAt: now)
        Self.exportLatest(writes.map { ($0.metric, $0.unit, $0.aggregate) })
    }

    static func checkNamespace(_ namespace: String, parameter: String) throws {
        guard !namespace.isEmpty, namespace.count <= 255 else {
            throw AdmiralError.invalidValue(
                "The parameter \(parameter) must be between 1 and 255 characters long.")
        }
        guard !namespace.hasPrefix(":"), namespace.allSatisfy(\.isASCII) else {
            throw AdmiralError.invalidValue(
                "The value \(namespace) for parameter \(parameter) contains characters CloudWatch does not accept: "
                    + "use ASCII letters, digits and . - _ / # : space.")
        }
    }

    /// The datums as bucket writes: values of one metric, bucket and unit merged first.
    static func writes(namespace: String, data: [CloudWatch.MetricDatum], now: Date) throws -> [MetricWrite] {
        struct Key: Hashable {
            var metric: MetricIdentity
            var timestamp: Date
            var resolution: Int
            var unit: String
        }
        var merged: [Key: MetricAggregate] = [:]
        var order: [Key] = []
        for (index, datum) in data.enumerated() {
            // Named only in an error: formatting it for every datum was a visible part of
            // a publication of thousands.
            func path() -> String { "MetricData.member.\(index + 1)" }
            let aggregate = try aggregate(of: datum, path: path())
            try checkDimensions(datum.dimensions ?? [], path: "\(path()).Dimensions")
            guard !datum.metricName.isEmpty, datum.metricName.count <= 255 else {
                throw AdmiralError.invalidValue(
                    "The parameter \(path()).MetricName must be between 1 and 255 characters long.")
            }
            let timestamp = datum.timestamp ?? now
            if timestamp < now.addingTimeInterval(-Limits.oldestTimestamp) {
                throw AdmiralError.invalidValue(
                    "The parameter \(path()).Timestamp must specify a time within the past two weeks.")
            }
            if timestamp > now.addingTimeInterval(Limits.newestTimestamp) {
                throw AdmiralError.invalidValue(
                    "The parameter \(path()).Timestamp must specify a time no more than two hours in the future.")
            }
            let resolution = datum.storageResolution ?? 60
            guard resolution == 1 || resolution == 60 else {
                throw AdmiralError.invalidValue(
                    "The value \(resolution) for parameter \(path()).StorageResolution is invalid: use 1 "
                        + "(high resolution) or 60 (standard).")
            }
            let key = Key(
                metric: MetricIdentity(
                    namespace: namespace, name: datum.metricName, dimensions: datum.dimensions ?? []),
                timestamp: MetricResolution.bucketStart(timestamp, resolution: resolution), resolution: resolution,
                unit: datum.unit?.rawValue ?? "None")
            if merged[key] == nil {
                order.append(key)
                merged[key] = aggregate
            } else {
                merged[key]?.merge(aggregate)
            }
        }
        return order.compactMap { key in
            merged[key].map {
                MetricWrite(
                    metric: key.metric, timestamp: key.timestamp, resolution: key.resolution, unit: key.unit,
                    aggregate: $0)
            }
        }
    }

    static func checkDimensions(_ dimensions: [CloudWatch.Dimension], path: @autoclosure () -> String) throws {
        guard dimensions.count <= Limits.dimensionsPerMetric else {
            throw AdmiralError.invalidValue(
                "The collection \(path()) must not have a size greater than \(Limits.dimensionsPerMetric).")
        }
        var names: Set<String> = []
        for (index, dimension) in dimensions.enumerated() {
            guard names.insert(dimension.name).inserted else {
                throw AdmiralError.invalidValue("No metric may specify the same dimension name twice.")
            }
            guard !dimension.name.isEmpty, dimension.name.count <= 255 else {
                throw AdmiralError.invalidValue(
                    "The parameter \(path()).member.\(index + 1).Name must be between 1 and 255 characters long.")
            }
            guard !dimension.value.isEmpty, dimension.value.count <= 1024 else {
                throw AdmiralError.invalidValue(
                    "The parameter \(path()).member.\(index + 1).Value must be between 1 and 1024 characters long.")
            }
        }
    }

    /// What one datum carries: exactly one of Value, Values (with Counts) and StatisticValues.
    static func aggregate(of datum: CloudWatch.MetricDatum, path: @autoclosure () -> String) throws -> MetricAggregate {
        let given = [datum.value != nil, datum.values != nil, datum.statisticValues != nil].filter { $0 }.count
        if given == 0 {
            throw AdmiralError.invalidCombination(
                "At least one of the parameters \(path()).Value, \(path()).Values and \(path()).StatisticValues must be "
                    + "specified.")
        }
        if given > 1 {
            throw AdmiralError.invalidCombination(
                "The parameters \(path()).Value, \(path()).Values and \(path()).StatisticValues are mutually exclusive and "
                    + "you have specified more than one.")
        }
        if datum.counts != nil && datum.values == nil {
            throw AdmiralError.invalidCombination("The parameter \(path()).Counts may only be given with \(path()).Values.")
        }
        if let value = datum.value {
            try checkValue(value, parameter: "\(path()).Value")
            return MetricAggregate(value: value)
        }
        if let values = datum.values {
            guard !values.isEmpty else {
                throw AdmiralError.invalidValue("The collection \(path()).Values must not be empty.")
            }
            guard values.count <= Limits.valuesPerDatum else {
                throw AdmiralError.invalidValue(
                    "The collection \(path()).Values must not have a size greater than \(Limits.valuesPerDatum).")
            }
            for (index, value) in values.enumerated() {
                try checkValue(value, parameter: "\(path()).Values.member.\(index + 1)")
            }
            if let counts = datum.counts {
                guard counts.count == values.count else {
                    throw AdmiralError.invalidValue(
                        "The parameters \(path()).Values and \(path()).Counts must be of the same size.")
                }
                for (index, count) in counts.enumerated() where !(count >= 0) || !count.isFinite {
                    throw AdmiralError.invalidValue(
                        "The value \(count) for parameter \(path()).Counts.member.\(index + 1) must be a number of 0 or "
                            + "more.")
                }
                guard counts.contains(where: { $0 > 0 }) else {
                    throw AdmiralError.invalidValue(
                        "The collection \(path()).Counts must hold at least one count above 0.")
                }
            }
            guard let aggregate = MetricAggregate(values: values, counts: datum.counts) else {
                throw AdmiralError.invalidValue("The parameter \(path()).Values holds no value with a count above 0.")
            }
            return aggregate
        }
        guard let set = datum.statisticValues else {
            throw AdmiralError.invalidCombination("At least one of the parameters \(path()).Value must be specified.")
        }
        try checkValue(set.sampleCount, parameter: "\(path()).StatisticValues.SampleCount")
        try checkValue(set.sum, parameter: "\(path()).StatisticValues.Sum")
        try checkValue(set.minimum, parameter: "\(path()).StatisticValues.Minimum")
        try checkValue(set.maximum, parameter: "\(path()).StatisticValues.Maximum")
        guard set.sampleCount > 0 else {
            throw AdmiralError.invalidValue("The parameter \(path()).StatisticValues.SampleCount must be greater than 0.")
        }
        guard set.minimum <= set.maximum else {
            throw AdmiralError.invalidValue(
                "The parameter \(path()).StatisticValues.Minimum must not be greater than \(path()).StatisticValues.Maximum."
            )
        }
        return MetricAggregate(sampleCount: set.sampleCount, sum: set.sum, minimum: set.minimum, maximum: set.maximum)
    }

    /// Checks one value; the parameter's name is only built for the error.
    static func checkValue(_ value: Double, parameter: @autoclosure () -> String) throws {
        guard value.isFinite, abs(value) <= Limits.largestMagnitude else {
            throw AdmiralError.invalidValue(
                "The value \(value) for parameter \(parameter()) is invalid: values must be finite numbers between "
                    + "-2^360 and 2^360.")
        }
    }
}
