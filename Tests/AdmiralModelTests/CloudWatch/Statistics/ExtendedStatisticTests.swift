import AdmiralModel
import Testing

@Suite("Extended statistics: CloudWatch's pNN.NN percentiles and nothing else")
struct ExtendedStatisticTests {
    @Test(
        "percentiles from p0.0 to p100 with up to two decimal places parse to their value and keep their text",
        arguments: [
            ("p0", 0.0), ("p0.0", 0), ("p1", 1), ("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9),
            ("p99.99", 99.99), ("p95.45", 95.45), ("p100", 100), ("p100.0", 100), ("p100.00", 100), ("p05", 5),
        ])
    func valid(text: String, percentile: Double) throws {
        let statistic = try #require(ExtendedStatistic(text))
        #expect(statistic.percentile == percentile)
        #expect(statistic.text == text)
        #expect(statistic.description == text)
    }

    @Test(
        "anything else is rejected: above 100, three decimals, other statistics, stray characters",
        arguments: [
            "", "p", "P99", "p100.01", "p101", "p1000", "p99.999", "p-1", "p.5", "p5.", "p 5", " p5", "p5 ",
            "pp5", "tm99", "TM(10%:90%)", "wm98", "p99%", "p1e2", "p+5", "Average", "p9..9", "p99.9.9",
            "p٩٩",
        ])
    func invalid(text: String) {
        #expect(ExtendedStatistic(text) == nil)
    }

    @Test("a throwing parse names the text and the parameter and says what is accepted")
    func parseMessage() throws {
        let error = #expect(throws: InvalidExtendedStatistic.self) {
            try ExtendedStatistic.parse("p101", parameter: "ExtendedStatistics.member.2")
        }
        let message = try #require(error).message
        #expect(message.contains("p101"))
        #expect(message.contains("ExtendedStatistics.member.2"))
        #expect(message.contains("between p0.0 and p100"))
        #expect(try ExtendedStatistic.parse("p99.5", parameter: "ExtendedStatistic").percentile == 99.5)
    }

    @Test("two spellings of one percentile are different statistics, as CloudWatch answers under each text")
    func spellingsDiffer() throws {
        let short = try #require(ExtendedStatistic("p99"))
        let long = try #require(ExtendedStatistic("p99.0"))
        #expect(short.percentile == long.percentile)
        #expect(short != long)
    }

    @Test("basic statistics have CloudWatch's wire names")
    func basicStatisticNames() {
        #expect(MetricStatistic.allCases.map(\.rawValue) == ["SampleCount", "Average", "Sum", "Minimum", "Maximum"])
        #expect(MetricStatistic(rawValue: "Average") == .average)
        #expect(MetricStatistic(rawValue: "average") == nil)
    }
}
