import AdmiralModel
import Foundation
import Testing

@Suite("Metric aggregate: exact basic statistics, weighted values, statistic sets and percentiles")
struct MetricAggregateTests {
    @Test("the basic statistics of a known dataset are exact")
    func knownDataset() throws {
        let aggregate = try #require(MetricAggregate(values: [4, 1, 10, 2, 3], counts: nil))
        #expect(aggregate.sampleCount == 5)
        #expect(aggregate.sum == 20)
        #expect(aggregate.minimum == 1)
        #expect(aggregate.maximum == 10)
        #expect(aggregate.average == 4)
        let expected: [MetricStatistic: Double] = [
            .sampleCount: 5, .sum: 20, .minimum: 1, .maximum: 10, .average: 4,
        ]
        for statistic in MetricStatistic.allCases {
            #expect(aggregate.value(of: statistic) == expected[statistic])
        }
    }

    @Test("a single value is its own count, sum, minimum, maximum and every percentile")
    func singleValue() {
        let aggregate = MetricAggregate(value: -12.5)
        #expect(aggregate.sampleCount == 1)
        #expect(aggregate.sum == -12.5)
        #expect(aggregate.minimum == -12.5)
        #expect(aggregate.maximum == -12.5)
        for p in [0.0, 0.5, 50, 99.9, 100] {
            #expect(aggregate.percentile(p) == -12.5)
        }
    }

    @Test("Values with Counts weight each value by its count, and a value counted zero times did not occur")
    func valuesWithCounts() throws {
        let aggregate = try #require(MetricAggregate(values: [1, 5, 10, 0.5], counts: [2, 0, 3, 0.5]))
        #expect(aggregate.sampleCount == 5.5)
        #expect(aggregate.sum == 32.25)  // 1·2 + 10·3 + 0.5·0.5
        #expect(aggregate.minimum == 0.5)
        #expect(aggregate.maximum == 10)
        #expect(aggregate.average == 32.25 / 5.5)
        // Weight 0.5 at 0.5, 2 at 1 and 3 at 10: p5 is rank 0.225 (at 0.5), p50 rank 2.25
        // (within the first 2.5, at 1) and p60 rank 2.7 (at 10).
        #expect(sketchRelativeError(try #require(aggregate.percentile(5)), 0.5) <= 0.005)
        #expect(sketchRelativeError(try #require(aggregate.percentile(50)), 1) <= 0.005)
        #expect(sketchRelativeError(try #require(aggregate.percentile(60)), 10) <= 0.005)

        let unweighted = try #require(MetricAggregate(values: [7, 7, 9], counts: nil))
        let weighted = try #require(MetricAggregate(values: [7, 9], counts: [2, 1]))
        #expect(unweighted == weighted)
    }

    @Test("Values with mismatched Counts, no values, or nothing counted give no aggregate")
    func invalidValues() {
        #expect(MetricAggregate(values: [1, 2], counts: [1]) == nil)
        #expect(MetricAggregate(values: [], counts: nil) == nil)
        #expect(MetricAggregate(values: [1, 2], counts: [0, 0]) == nil)
        #expect(MetricAggregate(values: [.nan], counts: nil) == nil)
    }

    @Test("a statistic set keeps its numbers and has no percentiles")
    func statisticSet() {
        let aggregate = MetricAggregate(sampleCount: 10, sum: 100, minimum: 1, maximum: 20)
        #expect(aggregate.distribution == nil)
        #expect(aggregate.value(of: .sampleCount) == 10)
        #expect(aggregate.value(of: .sum) == 100)
        #expect(aggregate.value(of: .average) == 10)
        #expect(aggregate.value(of: .minimum) == 1)
        #expect(aggregate.value(of: .maximum) == 20)
        #expect(aggregate.percentile(50) == nil)
        #expect(aggregate.percentile(0) == nil)
        #expect(aggregate.percentile(100) == nil)
    }

    @Test(
        "a statistic set whose minimum equals its maximum, or of one sample, keeps percentiles as CloudWatch documents")
    func statisticSetWithPercentiles() throws {
        let constant = MetricAggregate(sampleCount: 40, sum: 120, minimum: 3, maximum: 3)
        #expect(constant.distribution?.totalCount == 40)
        #expect(constant.percentile(90) == 3)
        let one = MetricAggregate(sampleCount: 1, sum: 8, minimum: 8, maximum: 8)
        #expect(one.percentile(50) == 8)
        let oneInconsistent = MetricAggregate(sampleCount: 1, sum: 6, minimum: 5, maximum: 9)
        #expect(sketchRelativeError(try #require(oneInconsistent.percentile(50)), 6) <= 0.005)
    }

    @Test("merging adds counts and sums and widens the bounds")
    func mergeBasics() throws {
        var merged = try #require(MetricAggregate(values: [1, 2, 3], counts: nil))
        merged.merge(MetricAggregate(value: -4))
        merged.merge(try #require(MetricAggregate(values: [10], counts: [2])))
        #expect(merged.sampleCount == 6)
        #expect(merged.sum == 22)
        #expect(merged.minimum == -4)
        #expect(merged.maximum == 10)
        #expect(merged.distribution?.totalCount == 6)
        #expect(try #require(merged.percentile(100)) == 10)
        #expect(try #require(merged.percentile(0)) == -4)
    }

    @Test("merging a statistic set into values, or values into a statistic set, leaves no distribution")
    func mergeDropsDistribution() throws {
        let values = try #require(MetricAggregate(values: [1, 2, 3], counts: nil))
        let set = MetricAggregate(sampleCount: 4, sum: 10, minimum: 1, maximum: 4)
        let valuesThenSet = values.merging(set)
        let setThenValues = set.merging(values)
        #expect(valuesThenSet.distribution == nil)
        #expect(setThenValues.distribution == nil)
        #expect(valuesThenSet.percentile(50) == nil)
        #expect(valuesThenSet.sampleCount == 7)
        #expect(valuesThenSet.sum == 16)
        #expect(valuesThenSet == setThenValues)
    }

    @Test("merging aggregates of parts equals the aggregate of all the values")
    func mergeEqualsWhole() throws {
        let values = StatisticsDataset.fewDistinct.values()
        let whole = try #require(MetricAggregate(values: values, counts: nil))
        var merged = MetricAggregate(value: values[0])
        for chunk in stride(from: 1, to: values.count, by: 333) {
            let part = Array(values[chunk..<min(chunk + 333, values.count)])
            merged.merge(try #require(MetricAggregate(values: part, counts: nil)))
        }
        #expect(merged == whole)
    }

    @Test(
        "percentiles of 10,000 values are within 1 % of the exact ones, p0 and p100 exact, all within the bounds",
        arguments: StatisticsDataset.allCases)
    func percentiles(dataset: StatisticsDataset) throws {
        let values = dataset.values()
        let aggregate = try #require(MetricAggregate(values: values, counts: nil))
        let sorted = values.sorted()
        #expect(aggregate.percentile(0) == sorted.first)
        #expect(aggregate.percentile(100) == sorted.last)
        for q in checkedQuantileLevels {
            let estimate = try #require(aggregate.percentile(q * 100))
            #expect(sketchRelativeError(estimate, exactSortedQuantile(sorted, q)) <= 0.01, "p\(q * 100)")
            #expect(estimate >= aggregate.minimum && estimate <= aggregate.maximum)
        }
    }

    @Test("a percentile is clamped into the bounds even where the bucket's representative lies outside them")
    func clamping() throws {
        // 1.004 falls in the bucket (1, 1.01005] whose representative is 1.005, above the
        // maximum; the answer is clamped back to 1.004 (and -1.004 likewise for negatives).
        let aggregate = try #require(MetricAggregate(values: [1.004, 1.004], counts: nil))
        #expect(aggregate.percentile(50) == 1.004)
        let negative = try #require(MetricAggregate(values: [-1.004, -1.004, -1.004], counts: nil))
        #expect(negative.percentile(30) == -1.004)
    }

    @Test("a percentile outside 0...100 is nil")
    func percentileOutOfRange() {
        let aggregate = MetricAggregate(value: 1)
        #expect(aggregate.percentile(-1) == nil)
        #expect(aggregate.percentile(100.01) == nil)
        #expect(aggregate.percentile(.nan) == nil)
    }

    @Test("an extended statistic reads its percentile from the aggregate")
    func extendedStatisticValue() throws {
        let aggregate = try #require(MetricAggregate(values: (1...100).map(Double.init), counts: nil))
        let p99 = try #require(ExtendedStatistic("p99"))
        #expect(sketchRelativeError(try #require(aggregate.value(of: p99)), 99) <= 0.005)
        let p100 = try #require(ExtendedStatistic("p100"))
        #expect(aggregate.value(of: p100) == 100)
        #expect(MetricAggregate(sampleCount: 2, sum: 3, minimum: 1, maximum: 2).value(of: p99) == nil)
    }
}
