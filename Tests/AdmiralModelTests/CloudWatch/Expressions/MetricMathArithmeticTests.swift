import AdmiralModel
import Foundation
import Testing

@Suite("Metric math: operators on scalars, series and arrays")
struct MetricMathArithmeticTests {
    private typealias F = MetricMathFixtures

    private let m1 = F.series("m1", [0: 1, 1: 2, 3: 4])
    private let m2 = F.series("m2", [1: 10, 2: 20, 3: 30])
    private var context: MetricMathContext { F.context([m1, m2]) }

    @Test("A series and a scalar combine at every datapoint, on either side of the operator")
    func seriesAndScalar() throws {
        #expect(try F.seriesPoints(F.evaluate("m1 * 2", context)) == [0: 2, 1: 4, 3: 8])
        #expect(try F.seriesPoints(F.evaluate("10 - m1", context)) == [0: 9, 1: 8, 3: 6])
        #expect(try F.seriesPoints(F.evaluate("m1 ^ 2", context)) == [0: 1, 1: 4, 3: 16])
        #expect(try F.seriesPoints(F.evaluate("-m1", context)) == [0: -1, 1: -2, 3: -4])
    }

    @Test("Two series combine at every timestamp either has, the missing datapoint counting as 0")
    func seriesWithDifferentTimestamps() throws {
        #expect(try F.seriesPoints(F.evaluate("m1 + m2", context)) == [0: 1, 1: 12, 2: 20, 3: 34])
        #expect(try F.seriesPoints(F.evaluate("m2 - m1", context)) == [0: -1, 1: 8, 2: 20, 3: 26])
        #expect(try F.seriesPoints(F.evaluate("m1 * m2", context)) == [0: 0, 1: 20, 2: 0, 3: 120])
    }

    @Test("Two series with the same timestamps combine point by point")
    func alignedSeries() throws {
        let a = F.series("a", [0: 6, 1: 9, 2: 12])
        let b = F.series("b", [0: 3, 1: 3, 2: 4])
        #expect(try F.seriesPoints(F.evaluate("a / b", F.context([a, b]))) == [0: 2, 1: 3, 2: 3])
    }

    @Test("A division by zero drops that datapoint and keeps the others")
    func divisionByZero() throws {
        let a = F.series("a", [0: 4, 1: 6, 2: 8, 3: 0])
        let b = F.series("b", [0: 2, 1: 0, 2: 4, 3: 0])
        let context = F.context([a, b])
        #expect(try F.seriesPoints(F.evaluate("a / b", context)) == [0: 2, 2: 2])
        #expect(try F.seriesPoints(F.evaluate("a / 0", context)) == [:])
        #expect(try F.seriesPoints(F.evaluate("b ^ -1", context)) == [0: 0.5, 2: 0.25])
    }

    @Test("Dividing by a series that has no datapoint at a timestamp drops that timestamp")
    func divisionByMissingDatapoint() throws {
        #expect(try F.seriesPoints(F.evaluate("m2 / m1", context)) == [0: 0, 1: 5, 3: 7.5])
    }

    @Test("Scalars combine into scalars, and a scalar function can adjust a series")
    func scalars() throws {
        #expect(try F.scalar(F.evaluate("AVG(m2) * 2", context)) == 40)
        #expect(try F.seriesPoints(F.evaluate("m2 - AVG(m2)", context)) == [1: -10, 2: 0, 3: 10])
        #expect(try F.seriesPoints(F.evaluate("m2 / 10 + MIN(m2)", context)) == [1: 11, 2: 12, 3: 13])
    }

    @Test("An array and a scalar combine series by series, keeping each series' id and label")
    func arrayAndScalar() throws {
        let value = try F.evaluate("METRICS() * 100", context)
        #expect(try F.arrayPoints(value) == [[0: 100, 1: 200, 3: 400], [1: 1000, 2: 2000, 3: 3000]])
        #expect(value.allSeries.map(\.id) == ["m1", "m2"])
        #expect(value.allSeries.map(\.label) == ["m1", "m2"])
        #expect(
            try F.arrayPoints(F.evaluate("100 / [m1, m2]", context)) == [
                [0: 100, 1: 50, 3: 25], [1: 10, 2: 5, 3: 100.0 / 30],
            ])
        #expect(
            try F.arrayPoints(F.evaluate("-[m1, m2]", context)) == [[0: -1, 1: -2, 3: -4], [1: -10, 2: -20, 3: -30]])
    }

    @Test("An array and a series combine each series of the array with the series")
    func arrayAndSeries() throws {
        let m3 = F.series("m3", [0: 2, 1: 2, 2: 2, 3: 2])
        let value = try F.evaluate("[m1, m2] / m3", F.context([m1, m2, m3]))
        #expect(try F.arrayPoints(value) == [[0: 0.5, 1: 1, 2: 0, 3: 2], [0: 0, 1: 5, 2: 10, 3: 15]])
        #expect(value.allSeries.map(\.id) == ["m1", "m2"])
    }

    @Test("A series computed from several takes the id of the expression being evaluated")
    func combinedId() throws {
        guard case .series(let sum) = try F.evaluate("m1 + m2", context) else {
            Issue.record("expected a series")
            return
        }
        #expect(sum.id == "e1")
        guard case .series(let scaled) = try F.evaluate("m1 * 2", context) else {
            Issue.record("expected a series")
            return
        }
        #expect(scaled.id == "m1")
    }

    @Test("Two arrays cannot be combined")
    func arrayAndArray() {
        let error = F.error("METRICS() + [m1, m2]", context)
        #expect(error?.code == .invalidArguments)
        #expect(error?.position == 11)
        #expect(error?.message.contains("cannot combine two arrays") == true)
    }

    @Test("An array literal holds series and flattens arrays, but refuses scalars")
    func arrayLiteral() throws {
        #expect(try F.arrayPoints(F.evaluate("[m1, [m2]]", context)).count == 2)
        #expect(try F.arrayPoints(F.evaluate("[METRICS(), m1]", context)).count == 3)
        #expect(F.error("[m1, 5]", context)?.code == .invalidArguments)
    }

    @Test("Naming an id that the request does not have is an error at its position")
    func unknownId() {
        let error = F.error("m1 + m9", context)
        #expect(error?.code == .unknownId)
        #expect(error?.position == 6)
        #expect(
            error?.message
                == "Unknown Id 'm9' at position 6: no metric or expression of the request has this Id. Ids are case "
                + "sensitive.")
    }

    @Test("Results with non-finite values are dropped datapoint by datapoint")
    func nonFinite() throws {
        let a = F.series("a", [0: 100, 1: 0, 2: -1])
        #expect(try F.seriesPoints(F.evaluate("LOG10(a)", F.context([a]))) == [0: 2])
        #expect(try F.seriesPoints(F.evaluate("a ^ 0.5", F.context([a]))) == [0: 10, 1: 0])
    }

    @Test("A scalar division by zero stays a non-finite scalar, and drops every datapoint it touches")
    func scalarDivisionByZero() throws {
        #expect(try F.scalar(F.evaluate("1 / 0", context)).isInfinite)
        #expect(try F.seriesPoints(F.evaluate("m1 + 1 / 0", context)) == [:])
    }
}
