import Foundation

/// The syntax tree of a metric math expression.
///
/// Runs of `+`/`-` and of `*`/`/` are flat chains rather than nested pairs, so that a long
/// sum such as `m1 + m2 + … + m99` does not make a deep tree.
indirect enum MetricMathNode: Sendable, Hashable {
    /// A number literal.
    case number(Double)
    /// The id of another query.
    case reference(String, position: Int)
    /// A string literal (only the argument of `METRICS`).
    case string(String, position: Int)
    /// A keyword argument (`REPEAT` or `LINEAR`, only the second argument of `FILL`).
    case keyword(MetricMathFillMode, position: Int)
    /// Unary minus.
    case negate(MetricMathNode, position: Int)
    /// An operand followed by operations of one precedence level, applied left to right.
    case chain(MetricMathNode, [MetricMathOperation])
    /// `base ^ exponent`.
    case power(MetricMathNode, MetricMathNode, position: Int)
    /// An array literal `[a, b, …]`.
    case array([MetricMathNode], position: Int)
    /// A function call.
    case call(MetricMathFunction, [MetricMathNode], position: Int)

    /// The ids the node refers to, added to `ids`.
    func collectReferences(into ids: inout Set<String>) {
        switch self {
        case .number, .string, .keyword: break
        case .reference(let id, _): ids.insert(id)
        case .negate(let operand, _): operand.collectReferences(into: &ids)
        case .chain(let first, let rest):
            first.collectReferences(into: &ids)
            for operation in rest { operation.operand.collectReferences(into: &ids) }
        case .power(let base, let exponent, _):
            base.collectReferences(into: &ids)
            exponent.collectReferences(into: &ids)
        case .array(let elements, _), .call(_, let elements, _):
            for element in elements { element.collectReferences(into: &ids) }
        }
    }

    /// Whether the node calls `METRICS`.
    var callsMetrics: Bool {
        switch self {
        case .number, .string, .keyword, .reference: false
        case .negate(let operand, _): operand.callsMetrics
        case .chain(let first, let rest): first.callsMetrics || rest.contains { $0.operand.callsMetrics }
        case .power(let base, let exponent, _): base.callsMetrics || exponent.callsMetrics
        case .array(let elements, _): elements.contains { $0.callsMetrics }
        case .call(let function, let arguments, _):
            function == .metrics || arguments.contains { $0.callsMetrics }
        }
    }
}

/// One step of a chain: an operator and its right-hand operand.
struct MetricMathOperation: Sendable, Hashable {
    var symbol: MetricMathOperator
    var operand: MetricMathNode
    var position: Int
}

/// The binary operators of metric math.
enum MetricMathOperator: Character, Sendable, Hashable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case power = "^"

    /// The operator applied to two numbers. Division by zero gives a non-finite number,
    /// which metric math then drops.
    func apply(_ lhs: Double, _ rhs: Double) -> Double {
        switch self {
        case .add: lhs + rhs
        case .subtract: lhs - rhs
        case .multiply: lhs * rhs
        case .divide: lhs / rhs
        case .power: pow(lhs, rhs)
        }
    }
}

/// How `FILL` fills a missing datapoint when not given a value.
enum MetricMathFillMode: String, Sendable, Hashable {
    /// With the most recent actual value before it.
    case `repeat` = "REPEAT"
    /// By linear interpolation between the actual values on either side.
    case linear = "LINEAR"
}
