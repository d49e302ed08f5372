import AdmiralModel
import Foundation
import Testing

@Suite("Metric math: FILL")
struct MetricMathFillTests {
    private typealias F = MetricMathFixtures

    /// Datapoints at minutes 1 and 4 of a six-minute grid (minutes 0 to 5).
    private let sparse = F.series("m1", [1: 3, 4: 6])

    @Test("FILL with a value gives every empty timestamp of the grid that value")
    func fillWithValue() throws {
        let context = F.context([sparse])
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, 0)", context)) == [0: 0, 1: 3, 2: 0, 3: 0, 4: 6, 5: 0])
        #expect(
            try F.seriesPoints(F.evaluate("FILL(m1, -2.5)", context)) == [
                0: -2.5, 1: 3, 2: -2.5, 3: -2.5, 4: 6, 5: -2.5,
            ])
    }

    @Test("FILL with a scalar expression evaluates it first")
    func fillWithScalarExpression() throws {
        let context = F.context([sparse])
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, MIN(m1))", context)) == [0: 3, 1: 3, 2: 3, 3: 3, 4: 6, 5: 3])
    }

    @Test("FILL with REPEAT repeats the most recent actual value and leaves the grid before the first empty")
    func fillRepeat() throws {
        #expect(
            try F.seriesPoints(F.evaluate("FILL(m1, REPEAT)", F.context([sparse])))
                == [1: 3, 2: 3, 3: 3, 4: 6, 5: 6])
    }

    @Test("FILL with LINEAR interpolates inside gaps and leaves the grid before the first and after the last empty")
    func fillLinear() throws {
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, LINEAR)", F.context([sparse]))) == [1: 3, 2: 4, 3: 5, 4: 6])
    }

    @Test("LINEAR interpolates by time, using datapoints that fall between grid steps")
    func fillLinearOffGrid() throws {
        let series = F.series("m1", [0: 0, 1.5: 30, 4: 80])
        let filled = try F.seriesPoints(F.evaluate("FILL(m1, LINEAR)", F.context([series])))
        #expect(filled == [0: 0, 1: 20, 1.5: 30, 2: 40, 3: 60, 4: 80])
    }

    @Test("FILL with a series takes its datapoint at the same timestamp, where it has one")
    func fillWithSeries() throws {
        let filler = F.series("m2", [0: 100, 2: 200, 4: 400])
        let context = F.context([sparse, filler])
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, m2)", context)) == [0: 100, 1: 3, 2: 200, 4: 6])
    }

    @Test("FILL of an array fills each series, keeping its id")
    func fillArray() throws {
        let other = F.series("m2", [0: 1, 5: 2])
        let value = try F.evaluate("FILL(METRICS(), 0)", F.context([sparse, other]))
        #expect(
            try F.arrayPoints(value) == [
                [0: 0, 1: 3, 2: 0, 3: 0, 4: 6, 5: 0], [0: 1, 1: 0, 2: 0, 3: 0, 4: 0, 5: 2],
            ])
        #expect(value.allSeries.map(\.id) == ["m1", "m2"])
        let repeated = try F.evaluate("FILL(METRICS(), REPEAT)", F.context([sparse, other]))
        #expect(
            try F.arrayPoints(repeated) == [[1: 3, 2: 3, 3: 3, 4: 6, 5: 6], [0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 2]])
    }

    @Test("FILL of a series without any datapoint fills the whole grid with a value, and nothing with REPEAT")
    func fillEmpty() throws {
        let empty = F.series("m1", [:])
        let context = F.context([empty], minutes: 3)
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, 7)", context)) == [0: 7, 1: 7, 2: 7])
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, REPEAT)", context)) == [:])
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, LINEAR)", context)) == [:])
    }

    @Test("The grid runs from the start, a period at a time, up to but not including the end")
    func grid() throws {
        let context = MetricMathContext(
            series: ["m1": F.series("m1", [:])], start: F.at(0), end: F.at(5), period: 120)
        #expect(context.gridTimestamps == [F.at(0), F.at(2), F.at(4)])
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, 1)", context)) == [0: 1, 2: 1, 4: 1])
        let none = MetricMathContext(series: [:], start: F.at(5), end: F.at(5), period: 60)
        #expect(none.gridTimestamps.isEmpty)
        #expect(MetricMathContext.grid(start: F.at(0), end: F.at(3), period: 0).isEmpty)
        #expect(MetricMathContext.grid(start: F.at(0), end: F.at(2), period: 60) == [F.at(0), F.at(1)])
        #expect(MetricMathContext.grid(start: F.at(0), end: F.at(2.5), period: 60) == [F.at(0), F.at(1), F.at(2)])
    }

    @Test("Filling makes sums of sparse series add up where a member is missing")
    func fillThenSum() throws {
        let m1 = F.series("m1", [1: 3])
        let m2 = F.series("m2", [1: 1, 2: 1])
        let context = F.context([m1, m2], minutes: 3)
        #expect(try F.seriesPoints(F.evaluate("FILL(m1, REPEAT) + m2", context)) == [1: 4, 2: 4])
        #expect(try F.seriesPoints(F.evaluate("m2 / FILL(m1, 0)", context)) == [1: 1.0 / 3])
    }
}
