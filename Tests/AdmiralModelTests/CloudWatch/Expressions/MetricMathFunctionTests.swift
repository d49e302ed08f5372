import AdmiralModel
import Foundation
import Testing

@Suite("Metric math: functions")
struct MetricMathFunctionTests {
    private typealias F = MetricMathFixtures

    private let m1 = F.series("m1", [0: 1, 1: 2])
    private let m2 = F.series("m2", [1: 4, 2: 8])

    @Test(
        "SUM, AVG, MIN, MAX and DATAPOINT_COUNT of one series are scalars over all its datapoints",
        arguments: [("SUM", 9.0), ("AVG", 3), ("MIN", 1), ("MAX", 6), ("DATAPOINT_COUNT", 3)])
    func aggregateOfSeries(function: String, expected: Double) throws {
        let series = F.series("m1", [0: 1, 1: 2, 2: 6])
        #expect(try F.scalar(F.evaluate("\(function)(m1)", F.context([series]))) == expected)
    }

    @Test(
        "SUM, MIN, MAX and DATAPOINT_COUNT of an array are series over every timestamp of any member",
        arguments: [
            ("SUM", [0: 1.0, 1: 6, 2: 8]),
            ("MIN", [0: 1, 1: 2, 2: 8]),
            ("MAX", [0: 1, 1: 4, 2: 8]),
            ("DATAPOINT_COUNT", [0: 1, 1: 2, 2: 1]),
        ])
    func aggregateOfArray(function: String, expected: [Double: Double]) throws {
        #expect(try F.seriesPoints(F.evaluate("\(function)([m1, m2])", F.context([m1, m2]))) == expected)
    }

    @Test("AVG of an array counts a member without a datapoint at a timestamp as 0, as CloudWatch documents")
    func averageOfArray() throws {
        #expect(try F.seriesPoints(F.evaluate("AVG([m1, m2])", F.context([m1, m2]))) == [0: 0.5, 1: 3, 2: 4])
    }

    @Test("STDDEV of a series is the population standard deviation of its datapoints")
    func standardDeviation() throws {
        let series = F.series("m1", [0: 2, 1: 4, 2: 4, 3: 4, 4: 5, 5: 5, 6: 7, 7: 9])
        #expect(try F.scalar(F.evaluate("STDDEV(m1)", F.context([series]))) == 2)
        #expect(try F.seriesPoints(F.evaluate("STDDEV([m1, m2])", F.context([m1, m2]))) == [0: 0, 1: 1, 2: 0])
    }

    @Test("METRICS() returns the request's metrics in request order, without expressions")
    func metricsFunction() throws {
        let errors = F.series("errors", [0: 1])
        let requests = F.series("requests", [0: 10])
        var context = F.context([requests, errors], expressionId: "e2")
        context.series["e1"] = F.series("e1", [0: 99])
        let value = try F.evaluate("METRICS()", context)
        #expect(value.allSeries.map(\.id) == ["requests", "errors"])
    }

    @Test("METRICS() leaves out the expression being evaluated even when it is listed as a metric")
    func metricsExcludesItself() throws {
        let context = F.context([m1, m2], expressionId: "m2")
        #expect(try F.evaluate("METRICS()", context).allSeries.map(\.id) == ["m1"])
    }

    @Test("Without metric ids, METRICS() returns every series of the context, in order of id")
    func metricsDefaultIds() throws {
        let context = MetricMathContext(
            series: ["b": m2, "a": m1], start: F.at(0), end: F.at(3), period: 60, evaluating: "e1")
        #expect(context.metricIds == ["a", "b"])
        #expect(try F.evaluate("METRICS()", context).allSeries.map(\.id) == ["m1", "m2"])
    }

    @Test("METRICS(\"filter\") returns the metrics whose id contains the filter, case sensitively")
    func metricsFilter() throws {
        let series = [
            F.series("errors4xx", [0: 1]), F.series("errors5xx", [0: 2]), F.series("requests", [0: 10]),
            F.series("m5xx", [0: 3]),
        ]
        let context = F.context(series)
        #expect(try F.evaluate("METRICS(\"errors\")", context).allSeries.map(\.id) == ["errors4xx", "errors5xx"])
        #expect(try F.evaluate("METRICS(\"5xx\")", context).allSeries.map(\.id) == ["errors5xx", "m5xx"])
        #expect(try F.evaluate("METRICS(\"ERRORS\")", context).allSeries.isEmpty)
        #expect(try F.seriesPoints(F.evaluate("SUM([METRICS(\"4xx\"), METRICS(\"5xx\")])", context)) == [0: 6])
    }

    @Test("SUM(METRICS()) and AVG(METRICS()) aggregate every metric of the request")
    func aggregateOfMetrics() throws {
        let context = F.context([m1, m2])
        #expect(try F.seriesPoints(F.evaluate("SUM(METRICS())", context)) == [0: 1, 1: 6, 2: 8])
        #expect(try F.seriesPoints(F.evaluate("AVG(METRICS())", context)) == [0: 0.5, 1: 3, 2: 4])
        #expect(try F.seriesPoints(F.evaluate("SUM(METRICS(\"nothing\"))", context)) == [:])
        #expect(try F.scalar(F.evaluate("METRIC_COUNT(METRICS())", context)) == 2)
    }

    @Test("RATE is the change per second from the previous datapoint; the first datapoint has none")
    func rate() throws {
        let series = F.series("m1", [0: 0, 1: 120, 3: 180])
        #expect(try F.seriesPoints(F.evaluate("RATE(m1)", F.context([series]))) == [1: 2, 3: 0.5])
        let single = F.series("m1", [2: 5])
        #expect(try F.seriesPoints(F.evaluate("RATE(m1)", F.context([single]))) == [:])
    }

    @Test("DIFF is the change from the previous datapoint, DIFF_TIME the seconds since it")
    func diff() throws {
        let context = F.context([F.series("m1", [0: 5, 1: 8, 3: 2])])
        #expect(try F.seriesPoints(F.evaluate("DIFF(m1)", context)) == [1: 3, 3: -6])
        #expect(try F.seriesPoints(F.evaluate("DIFF_TIME(m1)", context)) == [1: 60, 3: 120])
    }

    @Test("RATE, DIFF and RUNNING_SUM of an array apply to each series")
    func sequentialOfArray() throws {
        let context = F.context([m1, m2])
        #expect(try F.arrayPoints(F.evaluate("DIFF(METRICS())", context)) == [[1: 1], [2: 4]])
        #expect(try F.arrayPoints(F.evaluate("RATE([m1, m2])", context)) == [[1: 1.0 / 60], [2: 4.0 / 60]])
        #expect(try F.arrayPoints(F.evaluate("RUNNING_SUM(METRICS())", context)) == [[0: 1, 1: 3], [1: 4, 2: 12]])
    }

    @Test("ABS, CEIL and FLOOR apply to every datapoint")
    func pointwise() throws {
        let context = F.context([F.series("m1", [0: -1.5, 1: 2.5])])
        #expect(try F.seriesPoints(F.evaluate("ABS(m1)", context)) == [0: 1.5, 1: 2.5])
        #expect(try F.seriesPoints(F.evaluate("CEIL(m1)", context)) == [0: -1, 1: 3])
        #expect(try F.seriesPoints(F.evaluate("FLOOR(m1)", context)) == [0: -2, 1: 2])
        #expect(try F.seriesPoints(F.evaluate("ABS(m1 - 3)", context)) == [0: 4.5, 1: 0.5])
        #expect(try F.arrayPoints(F.evaluate("ABS(-METRICS())", context)) == [[0: 1.5, 1: 2.5]])
    }

    @Test("FIRST and LAST pick from an array, REMOVE_EMPTY drops series without datapoints")
    func arraySelection() throws {
        let empty = F.series("m3", [:])
        let context = F.context([m1, empty, m2])
        #expect(try F.evaluate("FIRST(METRICS())", context).allSeries.map(\.id) == ["m1"])
        #expect(try F.evaluate("LAST(METRICS())", context).allSeries.map(\.id) == ["m2"])
        #expect(try F.evaluate("REMOVE_EMPTY(METRICS())", context).allSeries.map(\.id) == ["m1", "m2"])
    }

    @Test("PERIOD is the request's period in seconds, TIME_SERIES a datapoint at every step of the grid")
    func periodAndTimeSeries() throws {
        let context = F.context([m1], minutes: 3)
        #expect(try F.scalar(F.evaluate("PERIOD(m1)", context)) == 60)
        #expect(try F.seriesPoints(F.evaluate("m1 * PERIOD(m1)", context)) == [0: 60, 1: 120])
        #expect(try F.seriesPoints(F.evaluate("TIME_SERIES(5)", context)) == [0: 5, 1: 5, 2: 5])
        #expect(try F.seriesPoints(F.evaluate("TIME_SERIES(MAX(m1))", context)) == [0: 2, 1: 2, 2: 2])
    }

    @Test(
        "A function given the wrong kind of value says what it takes",
        arguments: [
            "RATE(5)", "SUM(5)", "AVG(2 * 3)", "FILL(5, 0)", "FILL(m1, METRICS())", "TIME_SERIES(m1)",
            "PERIOD(5)", "METRIC_COUNT(5)", "FIRST(5)", "DIFF(1)",
        ])
    func wrongKind(text: String) throws {
        let error = try #require(F.error(text, F.context([m1, m2])))
        #expect(error.code == .invalidArguments)
        #expect(error.position == 1)
    }

    @Test("The wrong-kind message names the function, what it takes and what it got")
    func wrongKindMessage() {
        #expect(
            F.error("RATE(5)", F.context([m1]))?.message
                == "RATE at position 1 takes RATE(series or array), but was given a scalar (S).")
    }
}
