import AdmiralModel
import Foundation
import Testing

@Suite("Metric math: the order of a request's expressions")
struct MetricMathOrderTests {
    private typealias F = MetricMathFixtures

    private func expressions(_ texts: [String: String]) throws -> [String: MetricMathExpression] {
        try texts.mapValues { try MetricMathExpression(parsing: $0) }
    }

    @Test("Each expression comes after the expressions it refers to")
    func dependencyOrder() throws {
        let order = try MetricMathExpression.evaluationOrder(
            expressions(["e3": "e1 + e2", "e2": "e1 + m2", "e1": "m1 * 2"]), metricIds: ["m1", "m2"])
        #expect(order == ["e1", "e2", "e3"])
    }

    @Test("The order is the same every time: expressions are visited by id, each after those it refers to")
    func deterministic() throws {
        let order = try MetricMathExpression.evaluationOrder(
            expressions(["zeta": "m1", "alpha": "zeta + 1", "beta": "m1"]), metricIds: ["m1"])
        #expect(order == ["zeta", "alpha", "beta"])
    }

    @Test("An expression naming an id the request does not have is refused")
    func unknownReference() throws {
        let request = try expressions(["e1": "m1 + m9"])
        let error = #expect(throws: MetricMathError.self) {
            try MetricMathExpression.evaluationOrder(request, metricIds: ["m1"])
        }
        #expect(error?.code == .unknownId)
        #expect(
            error?.message
                == "The expression 'e1' refers to 'm9', but no metric or expression of the request has this Id.")
    }

    @Test("Expressions referring to each other in a circle are refused, and the circle is shown")
    func cycle() throws {
        let request = try expressions(["e1": "e2 + 1", "e2": "e3 * 2", "e3": "e1", "e4": "m1"])
        let error = #expect(throws: MetricMathError.self) {
            try MetricMathExpression.evaluationOrder(request, metricIds: ["m1"])
        }
        #expect(error?.code == .cycle)
        #expect(error?.message.contains("(e1 -> e2 -> e3 -> e1)") == true)
    }

    @Test("An expression referring to itself is a circle")
    func selfReference() throws {
        let request = try expressions(["e1": "e1 * 2"])
        let error = #expect(throws: MetricMathError.self) {
            try MetricMathExpression.evaluationOrder(request, metricIds: [])
        }
        #expect(error?.code == .cycle)
        #expect(error?.message.contains("(e1 -> e1)") == true)
    }

    @Test("An id used by both a metric and an expression is refused")
    func duplicateId() throws {
        let request = try expressions(["m1": "m2 * 2"])
        let error = #expect(throws: MetricMathError.self) {
            try MetricMathExpression.evaluationOrder(request, metricIds: ["m1", "m2"])
        }
        #expect(error?.code == .duplicateId)
    }

    @Test("Evaluating a request in that order lets expressions use earlier results, single or arrays")
    func evaluateRequest() throws {
        let m1 = F.series("m1", [0: 1, 1: 2])
        let m2 = F.series("m2", [0: 10, 1: 20])
        let request = try expressions([
            "total": "SUM(doubled) + base", "doubled": "METRICS() * 2", "base": "m1 - 1",
        ])
        let order = try MetricMathExpression.evaluationOrder(request, metricIds: ["m1", "m2"])
        #expect(order == ["base", "doubled", "total"])
        var context = F.context([m1, m2])
        for id in order {
            context.expressionId = id
            switch try #require(request[id]).evaluate(in: context) {
            case .series(let series): context.series[id] = series
            case .array(let array): context.arrays[id] = array
            case .scalar: Issue.record("\(id) evaluated to a scalar")
            }
        }
        #expect(F.minutes(try #require(context.series["total"])) == [0: 22, 1: 45])
        #expect(context.series["total"]?.id == "total")
    }
}
