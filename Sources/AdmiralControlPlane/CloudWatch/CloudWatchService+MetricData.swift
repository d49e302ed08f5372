import AdmiralModel
import AdmiralStore
import Foundation

extension CloudWatchService {
    /// A statistic as `MetricStat.Stat` and alarms name it: one of the five basic ones
    /// or a percentile.
    enum Stat: Sendable, Hashable {
        case basic(MetricStatistic)
        case percentile(ExtendedStatistic)

        init?(_ text: String) {
            if let basic = MetricStatistic(rawValue: text) {
                self = .basic(basic)
            } else if let extended = ExtendedStatistic(text) {
                self = .percentile(extended)
            } else {
                return nil
            }
        }

        func value(of aggregate: MetricAggregate) -> Double? {
            switch self {
            case .basic(let statistic): aggregate.value(of: statistic)
            case .percentile(let statistic): aggregate.percentile(statistic.percentile)
            }
        }
    }

    /// One metric's statistic per period over `[start, end)`, oldest first.
    func series(
        of metric: MetricIdentity, stat: Stat, unit: String?, start: Date, end: Date, period: Int
    ) async throws -> (timestamps: [Date], values: [Double]) {
        let stored = try await store.datapoints(of: metric, from: start, to: end, unit: unit)
        var timestamps: [Date] = []
        var values: [Double] = []
        for bucket in Self.buckets(stored, start: start, end: end, period: period) {
            guard let value = stat.value(of: bucket.aggregate) else { continue }
            timestamps.append(bucket.timestamp)
            values.append(value)
        }
        return (timestamps, values)
    }

    /// GetMetricData: metric queries and metric-math expressions over one time range,
    /// paginated by `MaxDatapoints`.
    public func getMetricData(_ input: CloudWatch.GetMetricDataInput, context: RequestContext) async throws
        -> CloudWatch.GetMetricDataOutput
    {
        let queries = input.metricDataQueries
        guard !queries.isEmpty, queries.count <= Limits.queriesPerMetricDataCall else {
            throw AdmiralError.invalidValue(
                "The collection MetricDataQueries must have between 1 and \(Limits.queriesPerMetricDataCall) members.")
        }
        guard input.startTime < input.endTime else {
            throw AdmiralError.invalidValue("The parameter StartTime must be less than the parameter EndTime.")
        }
        let maxDatapoints = input.maxDatapoints ?? Limits.maxDatapointsDefault
        guard maxDatapoints >= 1 else {
            throw AdmiralError.invalidValue("The parameter MaxDatapoints must be 1 or more.")
        }
        var offset = 0
        if let token = input.nextToken {
            guard let parsed = Int(token), parsed >= 0 else {
                throw AdmiralError(.invalidNextToken, "The NextToken \(token) is not one this server returned.")
            }
            offset = parsed
        }
        let results = try await evaluate(queries, start: input.startTime, end: input.endTime, now: context.now)
        let descending = (input.scanBy ?? .timestampDescending) == .timestampDescending
        // Pages cut the concatenation of the results' datapoints.
        var out: [CloudWatch.MetricDataResult] = []
        var position = 0
        var remaining = maxDatapoints
        var more = false
        for result in results {
            var timestamps = result.timestamps
            var values = result.values
            if descending {
                timestamps.reverse()
                values.reverse()
            }
            let skip = min(max(offset - position, 0), timestamps.count)
            position += timestamps.count
            let take = min(timestamps.count - skip, remaining)
            remaining -= take
            if skip + take < timestamps.count { more = true }
            out.append(
                CloudWatch.MetricDataResult(
                    id: result.id, label: result.label, timestamps: Array(timestamps[skip..<(skip + take)]),
                    values: Array(values[skip..<(skip + take)]),
                    statusCode: skip + take < timestamps.count ? .partialData : .complete, messages: []))
        }
        return CloudWatch.GetMetricDataOutput(
            metricDataResults: out, nextToken: more ? String(offset + maxDatapoints) : nil, messages: [])
    }

    /// A computed result of one query.
    struct QueryResult {
        var id: String
        var label: String
        var timestamps: [Date]
        var values: [Double]
        var returned: Bool
    }

    /// Evaluates metric queries and expressions (in dependency order) over `[start, end)`.
    /// Results of queries with `ReturnData` false are computed but not returned.
    func evaluate(
        _ queries: [CloudWatch.MetricDataQuery], start: Date, end: Date, now: Date, returnAll: Bool = false
    ) async throws -> [QueryResult] {
        var ids: Set<String> = []
        var expressions: [String: MetricMathExpression] = [:]
        var metricIds: Set<String> = []
        for (index, query) in queries.enumerated() {
            let path = "MetricDataQueries.member.\(index + 1)"
            try Self.checkQueryId(query.id, path: path)
            guard ids.insert(query.id).inserted else {
                throw AdmiralError.invalidValue("The value \(query.id) for parameter \(path).Id is not unique.")
            }
            switch (query.metricStat, query.expression) {
            case (nil, nil):
                throw AdmiralError.invalidCombination(
                    "Exactly one of the parameters \(path).MetricStat and \(path).Expression must be specified.")
            case (.some, .some):
                throw AdmiralError.invalidCombination(
                    "The parameters \(path).MetricStat and \(path).Expression are mutually exclusive and you have "
                        + "specified both.")
            case (.some(let stat), nil):
                guard Stat(stat.stat) != nil else {
                    throw AdmiralError.invalidValue(
                        "The value \(stat.stat) for parameter \(path).MetricStat.Stat is not supported: use "
                            + "SampleCount, Average, Sum, Minimum, Maximum or a percentile such as p99.")
                }
                try Self.checkRange(start: start, end: end, period: stat.period, now: now)
                try Self.checkDimensions(stat.metric.dimensions ?? [], path: "\(path).MetricStat.Metric.Dimensions")
                guard stat.metric.namespace != nil, stat.metric.metricName != nil else {
                    throw AdmiralError.missingParameter(
                        "The parameters \(path).MetricStat.Metric.Namespace and \(path).MetricStat.Metric.MetricName are "
                            + "required.")
                }
                metricIds.insert(query.id)
            case (nil, .some(let text)):
                do {
                    expressions[query.id] = try MetricMathExpression(parsing: text)
                } catch {
                    throw AdmiralError.invalidValue("Error in expression '\(query.id)': \(error.message)")
                }
                if let period = query.period {
                    try Self.checkRange(start: start, end: end, period: period, now: now)
                }
            }
        }
        if !returnAll && !queries.contains(where: { $0.returnData ?? true }) {
            throw AdmiralError.invalidValue("At least one of the queries must have ReturnData set to true.")
        }
        let order: [String]
        do {
            order = try MetricMathExpression.evaluationOrder(expressions, metricIds: metricIds)
        } catch {
            throw AdmiralError.invalidValue(error.message)
        }
        var series: [String: MetricSeries] = [:]
        var arrays: [String: [MetricSeries]] = [:]
        var periods: [String: Int] = [:]
        let metricOrder = queries.filter { $0.metricStat != nil }.map(\.id)
        for query in queries {
            guard let stat = query.metricStat, let parsed = Stat(stat.stat) else { continue }
            let metric = MetricIdentity(
                namespace: stat.metric.namespace ?? "", name: stat.metric.metricName ?? "",
                dimensions: stat.metric.dimensions ?? [])
            let result = try await self.series(
                of: metric, stat: parsed, unit: stat.unit?.rawValue, start: start, end: end, period: stat.period)
            series[query.id] = MetricSeries(
                id: query.id, label: query.label ?? metric.name, timestamps: result.timestamps, values: result.values)
            periods[query.id] = stat.period
        }
        let byId = Dictionary(queries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in order where expressions[id] != nil {
            guard let expression = expressions[id] else { continue }
            let period =
                byId[id]?.period ?? expression.referencedIds.compactMap { periods[$0] }.max()
                ?? periods.values.max() ?? 60
            periods[id] = period
            // FILL and constants lay out every period of the range: no more than a call may return.
            let grid = PeriodRules.datapointCount(start: start, end: end, period: period)
            if grid > Limits.maxDatapointsDefault {
                throw AdmiralError.invalidValue(
                    "Error in expression '\(id)': the range holds \(grid) periods of \(period) s, more than the "
                        + "\(Limits.maxDatapointsDefault) datapoints GetMetricData returns; give the query a longer "
                        + "Period or a shorter range.")
            }
            let value: MetricMathValue
            do {
                value = try expression.evaluate(
                    in: MetricMathContext(
                        series: series, arrays: arrays, metricIds: metricOrder, start: start, end: end, period: period,
                        evaluating: id))
            } catch {
                throw AdmiralError.invalidValue("Error in expression '\(id)': \(error.message)")
            }
            let label = byId[id]?.label ?? id
            switch value {
            case .series(let result):
                series[id] = MetricSeries(id: id, label: label, timestamps: result.timestamps, values: result.values)
            case .scalar(let scalar):
                // A constant is drawn at every period of the range.
                let grid = scalar.isFinite ? MetricMathContext.grid(start: start, end: end, period: period) : []
                series[id] = MetricSeries(
                    id: id, label: label, timestamps: grid, values: Array(repeating: scalar, count: grid.count))
            case .array(let members):
                arrays[id] = members
                guard members.count == 1, let only = members.first else {
                    if byId[id]?.returnData == false { continue }
                    throw AdmiralError.invalidValue(
                        "Error in expression '\(id)': the expression returns \(members.count) time series; a query "
                            + "must return one (wrap it in SUM, AVG, MIN or MAX).")
                }
                series[id] = MetricSeries(id: id, label: label, timestamps: only.timestamps, values: only.values)
            }
        }
        return queries.compactMap { query in
            guard let result = series[query.id] else { return nil }
            let returned = query.returnData ?? true
            guard returned || returnAll else { return nil }
            return QueryResult(
                id: query.id, label: result.label, timestamps: result.timestamps, values: result.values,
                returned: returned)
        }
    }

    /// A query id: starts with a lowercase letter, then letters, digits and underscores.
    static func checkQueryId(_ id: String, path: String) throws {
        let scalars = Array(id.unicodeScalars)
        guard let first = scalars.first, ("a"..."z").contains(first),
            scalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }),
            scalars.count <= 255
        else {
            throw AdmiralError.invalidValue(
                "The value \(id) for parameter \(path).Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.")
        }
    }
}
