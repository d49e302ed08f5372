import AdmiralModel
import Foundation
import Testing

@Suite("Metric math: series")
struct MetricSeriesTests {
    @Test("A series made from points in any order is sorted by time")
    func sortedPoints() {
        let series = MetricSeries(
            id: "m1",
            points: [(MetricMathFixtures.at(2), 3), (MetricMathFixtures.at(0), 1), (MetricMathFixtures.at(1), 2)])
        #expect(series.values == [1, 2, 3])
        #expect(series.timestamps == [MetricMathFixtures.at(0), MetricMathFixtures.at(1), MetricMathFixtures.at(2)])
        #expect(series.points.map(\.value) == [1, 2, 3])
        #expect(!series.isEmpty)
        #expect(series.label == "")
    }

    @Test("A value lists its series: none for a scalar, one for a series, each of an array")
    func allSeries() {
        let series = MetricMathFixtures.series("m1", [0: 1])
        #expect(MetricMathValue.scalar(1).allSeries.isEmpty)
        #expect(MetricMathValue.series(series).allSeries == [series])
        #expect(MetricMathValue.array([series, series]).allSeries.count == 2)
    }
}
