import Foundation

/// The functions of metric math.
extension MetricMathEvaluator {
    func call(
        _ function: MetricMathFunction, _ arguments: [MetricMathNode], at position: Int
    ) throws(MetricMathError) -> MetricMathValue {
        switch function {
        case .metrics:
            var filter: String?
            if case .string(let text, _) = arguments.first { filter = text }
            return .array(metrics(containing: filter))
        case .fill:
            return try fill(try evaluate(arguments[0]), with: arguments[1], at: position)
        default:
            return try apply(function, to: try evaluate(arguments[0]), at: position)
        }
    }

    /// The metrics of the request (not its expressions, nor the expression being evaluated)
    /// whose id contains `filter`, in request order.
    private func metrics(containing filter: String?) -> [MetricSeries] {
        context.metricIds.compactMap { id in
            guard id != context.expressionId, filter.map({ id.contains($0) }) ?? true else { return nil }
            return context.series[id]
        }
    }

    private func apply(
        _ function: MetricMathFunction, to value: MetricMathValue, at position: Int
    ) throws(MetricMathError) -> MetricMathValue {
        switch function {
        case .abs: return pointwise(value) { Swift.abs($0) }
        case .ceil: return pointwise(value) { $0.rounded(.up) }
        case .floor: return pointwise(value) { $0.rounded(.down) }
        case .log: return pointwise(value) { Foundation.log($0) }
        case .log10: return pointwise(value) { Foundation.log10($0) }
        case .sum, .avg, .min, .max, .stddev, .datapointCount:
            return try aggregate(function, value, at: position)
        case .diff, .rate, .diffTime, .runningSum:
            return try sequential(function, value, at: position)
        case .first, .last:
            switch value {
            case .series: return value
            case .array(let array):
                let chosen = function == .first ? array.first : array.last
                return .series(chosen ?? MetricSeries(id: combinedId, timestamps: [], values: []))
            case .scalar: throw wrongKind(function, value, at: position)
            }
        case .removeEmpty:
            guard case .scalar = value else { return .array(value.allSeries.filter { !$0.isEmpty }) }
            throw wrongKind(function, value, at: position)
        case .metricCount:
            guard case .scalar = value else { return .scalar(Double(value.allSeries.count)) }
            throw wrongKind(function, value, at: position)
        case .period:
            guard case .series = value else { throw wrongKind(function, value, at: position) }
            return .scalar(Double(context.period))
        case .timeSeries:
            guard case .scalar(let number) = value else { throw wrongKind(function, value, at: position) }
            let grid = context.gridTimestamps
            return .series(
                MetricSeries.finite(id: combinedId, points: grid.map { ($0, number) }))
        case .metrics, .fill:
            throw wrongKind(function, value, at: position)
        }
    }

    /// A function applied to every number: a scalar, each datapoint of a series, or of each
    /// series of an array.
    private func pointwise(_ value: MetricMathValue, _ transform: (Double) -> Double) -> MetricMathValue {
        switch value {
        case .scalar(let number): .scalar(transform(number))
        case .series(let series): .series(series.mapValues(transform))
        case .array(let array): .array(array.map { $0.mapValues(transform) })
        }
    }

    /// SUM, AVG, MIN, MAX, STDDEV and DATAPOINT_COUNT: of one series, a scalar over all its
    /// datapoints; of an array, one series computed at every timestamp where any series of
    /// the array has a datapoint.
    ///
    /// AVG of an array counts a series without a datapoint at a timestamp as 0 there, as
    /// CloudWatch documents; the others use only the datapoints present.
    private func aggregate(
        _ function: MetricMathFunction, _ value: MetricMathValue, at position: Int
    ) throws(MetricMathError) -> MetricMathValue {
        switch value {
        case .scalar:
            throw wrongKind(function, value, at: position)
        case .series(let series):
            return .scalar(Self.reduce(function, series.values, count: series.values.count))
        case .array(let array):
            let lookups = array.map(\.valuesByTimestamp)
            let points = MetricSeries.unionOfTimestamps(array).map { timestamp in
                let present = lookups.compactMap { $0[timestamp] }
                return (timestamp, Self.reduce(function, present, count: array.count))
            }
            return .series(MetricSeries.finite(id: combinedId, points: points))
        }
    }

    /// One aggregate of `values`; `count` is how many values AVG divides by.
    private static func reduce(_ function: MetricMathFunction, _ values: [Double], count: Int) -> Double {
        switch function {
        case .sum:
            return values.reduce(0, +)
        case .avg:
            return count == 0 ? .nan : values.reduce(0, +) / Double(count)
        case .min:
            return values.min() ?? .nan
        case .max:
            return values.max() ?? .nan
        case .datapointCount:
            return Double(values.count)
        default:
            guard !values.isEmpty else { return .nan }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
            return variance.squareRoot()
        }
    }

    /// DIFF, RATE, DIFF_TIME and RUNNING_SUM: computed along each series from one datapoint
    /// to the next. The first three have no value at a series' first datapoint.
    private func sequential(
        _ function: MetricMathFunction, _ value: MetricMathValue, at position: Int
    ) throws(MetricMathError) -> MetricMathValue {
        func transform(_ series: MetricSeries) -> MetricSeries {
            let times = series.timestamps
            let values = series.values
            if function == .runningSum {
                var total = 0.0
                return series.withPoints(
                    zip(times, values).map { time, value in
                        total += value
                        return (time, total)
                    })
            }
            guard times.count > 1 else { return series.withPoints([]) }
            let points = (1..<times.count).map { i -> (Date, Double) in
                let seconds = times[i].timeIntervalSince(times[i - 1])
                let change = values[i] - values[i - 1]
                switch function {
                case .diff: return (times[i], change)
                case .diffTime: return (times[i], seconds)
                default: return (times[i], change / seconds)
                }
            }
            return series.withPoints(points)
        }
        switch value {
        case .scalar: throw wrongKind(function, value, at: position)
        case .series(let series): return .series(transform(series))
        case .array(let array): return .array(array.map(transform))
        }
    }
}
