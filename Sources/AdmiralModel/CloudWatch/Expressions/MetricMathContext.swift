import Foundation

/// What a metric math expression is evaluated against: the series of the other queries of
/// the request, by id, and the time grid of the request.
///
/// The caller evaluates the expressions of a request in the order
/// ``MetricMathExpression/evaluationOrder(_:metricIds:)`` gives and adds each result here
/// before evaluating the expressions that refer to it.
public struct MetricMathContext: Sendable {
    /// The series of the request by id: the metrics, and the expressions evaluated so far
    /// whose result is a single series.
    public var series: [String: MetricSeries]
    /// The expressions evaluated so far whose result is an array of series, by id.
    public var arrays: [String: [MetricSeries]]
    /// The ids of the metrics of the request (not its expressions) in request order: what
    /// `METRICS()` returns. Every id is expected in ``series``.
    public var metricIds: [String]
    /// The id of the expression being evaluated, which `METRICS()` never returns and which
    /// names the series the expression combines from several.
    public var expressionId: String?
    /// The start of the request's time range (inclusive).
    public var start: Date
    /// The end of the request's time range (exclusive).
    public var end: Date
    /// The period of the request, in seconds.
    public var period: Int

    /// Creates a context.
    ///
    /// - Parameters:
    ///   - series: the series by id (metrics and single-series expression results).
    ///   - arrays: the array results of expressions already evaluated, by id.
    ///   - metricIds: the ids `METRICS()` returns, in request order. When `nil`, every id of
    ///     `series`, sorted: pass the metric ids whenever `series` also holds expression
    ///     results, since `METRICS()` must not return expressions.
    ///   - start: the start of the time range, inclusive.
    ///   - end: the end of the time range, exclusive.
    ///   - period: the period in seconds.
    ///   - expressionId: the id of the expression being evaluated.
    public init(
        series: [String: MetricSeries],
        arrays: [String: [MetricSeries]] = [:],
        metricIds: [String]? = nil,
        start: Date,
        end: Date,
        period: Int,
        evaluating expressionId: String? = nil
    ) {
        self.series = series
        self.arrays = arrays
        self.metricIds = metricIds ?? series.keys.sorted()
        self.expressionId = expressionId
        self.start = start
        self.end = end
        self.period = period
    }

    /// The timestamps at which the request expects a datapoint: `start`, `start + period`,
    /// … while before `end`. `FILL` and `TIME_SERIES` fill these.
    public var gridTimestamps: [Date] {
        Self.grid(start: start, end: end, period: period)
    }

    /// The timestamps `start`, `start + period`, … while before `end`; none when the period
    /// is not positive or the range is empty.
    public static func grid(start: Date, end: Date, period: Int) -> [Date] {
        guard period > 0, start < end else { return [] }
        let count = Int((end.timeIntervalSince(start) / TimeInterval(period)).rounded(.up))
        return (0..<count).map { start.addingTimeInterval(TimeInterval($0 * period)) }
            .filter { $0 < end }
    }
}
