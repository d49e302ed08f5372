import AdmiralModel
import Foundation
import Testing

/// Small hand-made series for the metric math tests: times are whole minutes after `origin`,
/// the request's grid is one datapoint a minute.
enum MetricMathFixtures {
    static let origin = Date(timeIntervalSince1970: 1_700_000_040)

    /// The time `minutes` minutes after `origin`.
    static func at(_ minutes: Double) -> Date {
        origin.addingTimeInterval(minutes * 60)
    }

    /// A series with datapoints at the given minutes.
    static func series(_ id: String, _ points: [Double: Double], label: String? = nil) -> MetricSeries {
        MetricSeries(id: id, label: label ?? id, points: points.map { (at($0.key), $0.value) })
    }

    /// A context over `minutes` minutes with a 60-second period; the series are the
    /// request's metrics, in the order given.
    static func context(
        _ series: [MetricSeries], minutes: Int = 6, expressionId: String? = "e1"
    ) -> MetricMathContext {
        MetricMathContext(
            series: Dictionary(uniqueKeysWithValues: series.map { ($0.id, $0) }),
            metricIds: series.map(\.id),
            start: origin,
            end: at(Double(minutes)),
            period: 60,
            evaluating: expressionId)
    }

    /// Parses and evaluates `text`.
    static func evaluate(_ text: String, _ context: MetricMathContext) throws -> MetricMathValue {
        try MetricMathExpression(parsing: text).evaluate(in: context)
    }

    /// The datapoints of a series, by minute.
    static func minutes(_ series: MetricSeries) -> [Double: Double] {
        Dictionary(uniqueKeysWithValues: series.points.map { ($0.timestamp.timeIntervalSince(origin) / 60, $0.value) })
    }

    /// The datapoints of a value that must be a single series, by minute.
    static func seriesPoints(_ value: MetricMathValue) throws -> [Double: Double] {
        guard case .series(let series) = value else {
            Issue.record("expected a time series, got \(value)")
            throw FixtureFailure.wrongKind
        }
        return minutes(series)
    }

    /// The datapoints of each series of a value that must be an array, by id then minute.
    static func arrayPoints(_ value: MetricMathValue) throws -> [[Double: Double]] {
        guard case .array(let array) = value else {
            Issue.record("expected an array of time series, got \(value)")
            throw FixtureFailure.wrongKind
        }
        return array.map(minutes)
    }

    /// The number of a value that must be a scalar.
    static func scalar(_ value: MetricMathValue) throws -> Double {
        guard case .scalar(let number) = value else {
            Issue.record("expected a scalar, got \(value)")
            throw FixtureFailure.wrongKind
        }
        return number
    }

    /// The error `text` throws when parsed, or when evaluated in `context`.
    static func error(_ text: String, _ context: MetricMathContext? = nil) -> MetricMathError? {
        do {
            let expression = try MetricMathExpression(parsing: text)
            if let context { _ = try expression.evaluate(in: context) }
            return nil
        } catch {
            return error
        }
    }

    enum FixtureFailure: Error {
        case wrongKind
    }
}
