import Foundation

/// What a metric math expression, or a part of one, evaluates to.
///
/// CloudWatch's documentation calls these S (a scalar), TS (a time series) and TS[] (an
/// array of time series). The final result of a query's expression must be a time series or
/// an array of them; scalars appear only inside, as in `m1 - AVG(m1)`.
public enum MetricMathValue: Sendable, Hashable {
    /// A single number, such as `5`, `AVG(m1)` or `PERIOD(m1)`.
    case scalar(Double)
    /// One time series, such as `m1` or `SUM(METRICS())`.
    case series(MetricSeries)
    /// Several time series, such as `METRICS()` or `[m1, m2] / 2`.
    case array([MetricSeries])

    /// The time series of the value: one for a series, each of an array, none for a scalar.
    public var allSeries: [MetricSeries] {
        switch self {
        case .scalar: []
        case .series(let series): [series]
        case .array(let array): array
        }
    }

    /// The name of the kind of value, as the documentation abbreviates it, for messages.
    var kindName: String {
        switch self {
        case .scalar: "a scalar (S)"
        case .series: "a time series (TS)"
        case .array: "an array of time series (TS[])"
        }
    }
}
