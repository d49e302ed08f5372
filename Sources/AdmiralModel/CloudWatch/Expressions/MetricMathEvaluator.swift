import Foundation

/// Evaluates the syntax tree of a metric math expression against a context, with
/// CloudWatch's rules for combining scalars, series and arrays:
///
/// - an operator between two series applies at every timestamp where either has a
///   datapoint, a missing datapoint counting as 0 ("Missing values in a time series are
///   treated as 0");
/// - between a series and a scalar it applies to every datapoint; between an array and a
///   scalar or a series, to each series of the array; two arrays cannot be combined;
/// - a datapoint whose result is not finite (a division by zero, the logarithm of 0) is
///   dropped ("If the value of a data point causes a function to attempt to divide by zero,
///   the data point is dropped").
struct MetricMathEvaluator {
    let context: MetricMathContext

    /// The id of a series the expression computes from several others.
    var combinedId: String { context.expressionId ?? "" }

    func evaluate(_ node: MetricMathNode) throws(MetricMathError) -> MetricMathValue {
        switch node {
        case .number(let value):
            return .scalar(value)
        case .reference(let id, let position):
            return try resolve(id, at: position)
        case .string(_, let position), .keyword(_, let position):
            throw MetricMathError(
                .invalidArguments, "The argument at position \(position) is not a value.", position: position)
        case .negate(let operand, _):
            return negate(try evaluate(operand))
        case .chain(let first, let rest):
            var value = try evaluate(first)
            for operation in rest {
                value = try combine(value, operation.symbol, try evaluate(operation.operand), at: operation.position)
            }
            return value
        case .power(let base, let exponent, let position):
            return try combine(try evaluate(base), .power, try evaluate(exponent), at: position)
        case .array(let elements, let position):
            var series: [MetricSeries] = []
            for element in elements {
                switch try evaluate(element) {
                case .series(let one): series.append(one)
                case .array(let many): series.append(contentsOf: many)
                case .scalar:
                    throw MetricMathError(
                        .invalidArguments,
                        "The array at position \(position) holds a scalar; an array can hold only time series "
                            + "(ids of metrics or expressions, or functions returning series).",
                        position: position)
                }
            }
            return .array(series)
        case .call(let function, let arguments, let position):
            return try call(function, arguments, at: position)
        }
    }

    private func resolve(_ id: String, at position: Int) throws(MetricMathError) -> MetricMathValue {
        if let series = context.series[id] { return .series(series) }
        if let array = context.arrays[id] { return .array(array) }
        throw MetricMathError(
            .unknownId,
            "Unknown Id '\(id)' at position \(position): no metric or expression of the request has this Id. "
                + "Ids are case sensitive.",
            position: position)
    }

    private func negate(_ value: MetricMathValue) -> MetricMathValue {
        switch value {
        case .scalar(let number): .scalar(-number)
        case .series(let series): .series(series.mapValues { -$0 })
        case .array(let array): .array(array.map { $0.mapValues { -$0 } })
        }
    }

    func combine(
        _ lhs: MetricMathValue, _ symbol: MetricMathOperator, _ rhs: MetricMathValue, at position: Int
    ) throws(MetricMathError) -> MetricMathValue {
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)):
            return .scalar(symbol.apply(left, right))
        case (.series(let left), .scalar(let right)):
            return .series(left.mapValues { symbol.apply($0, right) })
        case (.scalar(let left), .series(let right)):
            return .series(right.mapValues { symbol.apply(left, $0) })
        case (.series(let left), .series(let right)):
            return .series(Self.pair(left, right, symbol, id: context.expressionId ?? left.id, label: ""))
        case (.array(let left), .scalar(let right)):
            return .array(left.map { $0.mapValues { symbol.apply($0, right) } })
        case (.scalar(let left), .array(let right)):
            return .array(right.map { $0.mapValues { symbol.apply(left, $0) } })
        case (.array(let left), .series(let right)):
            return .array(left.map { Self.pair($0, right, symbol, id: $0.id, label: $0.label) })
        case (.series(let left), .array(let right)):
            return .array(right.map { Self.pair(left, $0, symbol, id: $0.id, label: $0.label) })
        case (.array, .array):
            throw MetricMathError(
                .invalidArguments,
                "The operator '\(symbol.rawValue)' at position \(position) cannot combine two arrays of time "
                    + "series; reduce one of them to a single series first, for example with SUM(…).",
                position: position)
        }
    }

    /// Two series combined at every timestamp where either has a datapoint, the missing one
    /// counting as 0.
    static func pair(
        _ left: MetricSeries, _ right: MetricSeries, _ symbol: MetricMathOperator, id: String, label: String
    ) -> MetricSeries {
        var points: [(Date, Double)] = []
        points.reserveCapacity(Swift.max(left.timestamps.count, right.timestamps.count))
        var i = 0
        var j = 0
        while i < left.timestamps.count || j < right.timestamps.count {
            let leftTime = i < left.timestamps.count ? left.timestamps[i] : nil
            let rightTime = j < right.timestamps.count ? right.timestamps[j] : nil
            if let leftTime, let rightTime, leftTime == rightTime {
                points.append((leftTime, symbol.apply(left.values[i], right.values[j])))
                i += 1
                j += 1
            } else if let leftTime, rightTime.map({ leftTime < $0 }) ?? true {
                points.append((leftTime, symbol.apply(left.values[i], 0)))
                i += 1
            } else if let rightTime {
                points.append((rightTime, symbol.apply(0, right.values[j])))
                j += 1
            }
        }
        return MetricSeries.finite(id: id, label: label, points: points)
    }

    /// The error for a function given the wrong kind of value.
    func wrongKind(
        _ function: MetricMathFunction, _ value: MetricMathValue, at position: Int
    ) -> MetricMathError {
        MetricMathError(
            .invalidArguments,
            "\(function.rawValue) at position \(position) takes \(function.signature), but was given "
                + "\(value.kindName).",
            position: position)
    }
}
