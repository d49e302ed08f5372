import Foundation

/// A CloudWatch metric math expression, the `Expression` of a GetMetricData query or of a
/// PutMetricAlarm metric: parsed once, evaluated against the series of a request.
///
/// The language, as CloudWatch documents it ("Metric math syntax and functions"):
///
/// - numbers (`5`, `0.25`, `1e-3`), and the ids of the request's other queries, which start
///   with a lowercase letter and hold letters, digits and underscores (`m1`, `errors_5xx`);
/// - `+ - * / ^` with the usual precedence (`^` binds tightest and groups to the right),
///   unary minus, parentheses, and arrays of series `[m1, m2]`;
/// - functions in uppercase: `SUM AVG MIN MAX STDDEV DATAPOINT_COUNT` (of a series, a
///   scalar; of an array, a series), `METRICS()` and `METRICS("filter")` (the request's
///   metrics, or those whose id contains the filter), `FILL(x, value | series | REPEAT |
///   LINEAR)`, `RATE DIFF DIFF_TIME RUNNING_SUM`, `ABS CEIL FLOOR LOG LOG10`,
///   `FIRST LAST REMOVE_EMPTY METRIC_COUNT`, `PERIOD(m1)` and `TIME_SERIES(scalar)`.
///
/// Comparison and logical operators, `IF`, `SEARCH`, `SORT`, `SLICE`, the time functions
/// and the functions that need other services are refused as unsupported.
public struct MetricMathExpression: Sendable, Hashable, CustomStringConvertible {
    /// The longest expression CloudWatch accepts, in characters.
    public static let maximumLength = 2048

    /// The expression as written.
    public let text: String
    let root: MetricMathNode

    /// Parses an expression, checking its syntax, its function names and how many arguments
    /// each call has. Ids are checked when evaluating (or by ``evaluationOrder(_:metricIds:)``).
    public init(parsing text: String) throws(MetricMathError) {
        guard text.count <= Self.maximumLength else {
            throw MetricMathError(
                .syntax,
                "The expression is \(text.count) characters long; CloudWatch accepts at most "
                    + "\(Self.maximumLength).")
        }
        self.text = text
        self.root = try MetricMathParser.parse(text)
    }

    /// The ids of other queries the expression names, not counting those `METRICS()`
    /// returns.
    public var referencedIds: Set<String> {
        var ids = Set<String>()
        root.collectReferences(into: &ids)
        return ids
    }

    /// Whether the expression calls `METRICS`, and so depends on every metric of the request.
    public var usesMetricsFunction: Bool { root.callsMetrics }

    /// The expression as written.
    public var description: String { text }

    /// Evaluates the expression.
    ///
    /// The result may be a scalar (`AVG(m1)`); CloudWatch accepts only a series or an array
    /// as the final result of a query, so the caller refuses a scalar there with
    /// ``MetricMathError/Code/scalarResult``.
    ///
    /// - Throws: ``MetricMathError`` with code `unknownId` when the expression names an id
    ///   the context does not have, `invalidArguments` when a function or operator is given
    ///   the wrong kind of value.
    public func evaluate(in context: MetricMathContext) throws(MetricMathError) -> MetricMathValue {
        try MetricMathEvaluator(context: context).evaluate(root)
    }

    /// The order in which to evaluate the expressions of a request so that every expression
    /// comes after the expressions it refers to. The expressions are visited in order of id,
    /// so the same request always gives the same order.
    ///
    /// - Parameters:
    ///   - expressions: the expressions of the request, by the id of their query.
    ///   - metricIds: the ids of the request's metric (non-expression) queries.
    /// - Throws: ``MetricMathError`` with code `duplicateId` when an id is both a metric and
    ///   an expression, `unknownId` when an expression names an id the request does not have,
    ///   `cycle` when expressions refer to each other in a circle (the message shows it).
    public static func evaluationOrder(
        _ expressions: [String: MetricMathExpression], metricIds: Set<String>
    ) throws(MetricMathError) -> [String] {
        let ids = expressions.keys.sorted()
        var references: [String: [String]] = [:]
        for id in ids {
            guard !metricIds.contains(id) else {
                throw MetricMathError(
                    .duplicateId,
                    "The Id '\(id)' is used by both a metric and an expression; each Id must be unique within "
                        + "the request.")
            }
            let named = expressions[id]?.referencedIds.sorted() ?? []
            for other in named where !metricIds.contains(other) && expressions[other] == nil {
                throw MetricMathError(
                    .unknownId,
                    "The expression '\(id)' refers to '\(other)', but no metric or expression of the request has "
                        + "this Id.")
            }
            references[id] = named.filter { expressions[$0] != nil }
        }
        var order = MetricMathOrdering(references: references)
        for id in ids { try order.visit(id, path: []) }
        return order.order
    }
}

/// A depth-first walk of the references between expressions that lists each expression
/// after those it refers to, and finds circles.
private struct MetricMathOrdering {
    let references: [String: [String]]
    var order: [String] = []
    var done: Set<String> = []
    var onPath: Set<String> = []

    init(references: [String: [String]]) {
        self.references = references
    }

    mutating func visit(_ id: String, path: [String]) throws(MetricMathError) {
        guard !done.contains(id) else { return }
        guard !onPath.contains(id) else {
            let start = path.firstIndex(of: id) ?? 0
            let circle = (path[start...] + [id]).joined(separator: " -> ")
            throw MetricMathError(
                .cycle,
                "The expressions refer to each other in a circle (\(circle)); an expression cannot depend, "
                    + "directly or through others, on itself.")
        }
        onPath.insert(id)
        for other in references[id] ?? [] { try visit(other, path: path + [id]) }
        onPath.remove(id)
        done.insert(id)
        order.append(id)
    }
}
