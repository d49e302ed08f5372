import AdmiralModel
import Foundation
import Testing

@Suite("Metric distribution: quantiles within 1 % of the exact ones, weights and merging")
struct MetricDistributionTests {
    @Test("an empty distribution has no quantile and a total of zero")
    func empty() {
        let distribution = MetricDistribution()
        #expect(distribution.isEmpty)
        #expect(distribution.totalCount == 0)
        #expect(distribution.quantile(0.5) == nil)
        #expect(distribution.quantile(0) == nil)
    }

    @Test(
        "every quantile of 10,000 values is within 1 % (in fact 0.5 %) of the exact sorted-array quantile",
        arguments: StatisticsDataset.allCases)
    func accuracy(dataset: StatisticsDataset) throws {
        let values = dataset.values()
        var distribution = MetricDistribution()
        for value in values { distribution.add(value) }
        let sorted = values.sorted()
        #expect(distribution.totalCount == Double(values.count))
        for q in checkedQuantileLevels {
            let estimate = try #require(distribution.quantile(q))
            let exact = exactSortedQuantile(sorted, q)
            let error = sketchRelativeError(estimate, exact)
            #expect(error <= 0.01, "q=\(q): \(estimate) vs exact \(exact)")
            #expect(error <= MetricDistribution.relativeAccuracy * (1 + 1e-9), "q=\(q): \(estimate) vs exact \(exact)")
            #expect(estimate.sign == exact.sign || exact == 0)
        }
    }

    @Test("each of 1,001 evenly spaced quantiles of mixed-sign and wide-range data is within 0.5 %")
    func accuracyAtEveryPermille() throws {
        for dataset in [StatisticsDataset.mixedSign, .wideRangeWithZeros] {
            let values = dataset.values()
            var distribution = MetricDistribution()
            for value in values { distribution.add(value) }
            let sorted = values.sorted()
            var worst = 0.0
            for permille in 0...1000 {
                let q = Double(permille) / 1000
                worst = max(
                    worst, sketchRelativeError(try #require(distribution.quantile(q)), exactSortedQuantile(sorted, q)))
            }
            #expect(worst <= MetricDistribution.relativeAccuracy * (1 + 1e-9), "\(dataset): worst \(worst)")
        }
    }

    @Test("a value added with a count is the same as the value added that many times")
    func countsAreRepetitions() {
        var weighted = MetricDistribution()
        var repeated = MetricDistribution()
        for (value, count) in [(3.5, 4), (-2.0, 2), (0.0, 3), (1e6, 1)] {
            weighted.add(value, count: Double(count))
            for _ in 0..<count { repeated.add(value) }
        }
        #expect(weighted == repeated)
        #expect(weighted.totalCount == 10)
    }

    @Test("counts weight the quantiles, fractional counts included")
    func weightedQuantiles() throws {
        var distribution = MetricDistribution()
        distribution.add(10, count: 99)
        distribution.add(1000, count: 1)
        #expect(sketchRelativeError(try #require(distribution.quantile(0.5)), 10) <= 0.005)
        #expect(sketchRelativeError(try #require(distribution.quantile(0.98)), 10) <= 0.005)
        #expect(sketchRelativeError(try #require(distribution.quantile(1)), 1000) <= 0.005)

        var fractional = MetricDistribution()
        fractional.add(1, count: 0.5)
        fractional.add(100, count: 2.5)
        #expect(fractional.totalCount == 3)
        // Rank 0.25 · (3 − 1) = 0.5 is not below the 0.5 counted at 1, so it falls at 100.
        #expect(sketchRelativeError(try #require(fractional.quantile(0.25)), 100) <= 0.005)
        #expect(sketchRelativeError(try #require(fractional.quantile(0.2)), 1) <= 0.005)
    }

    @Test("merging parts equals adding every value to one distribution, in either order")
    func mergeEqualsAddingAll() {
        let values = StatisticsDataset.wideRangeWithZeros.values()
        var whole = MetricDistribution()
        for value in values { whole.add(value) }
        var parts = [MetricDistribution(), MetricDistribution(), MetricDistribution()]
        for (position, value) in values.enumerated() { parts[position % 3].add(value, count: 1) }

        var forward = parts[0]
        forward.merge(parts[1])
        forward.merge(parts[2])
        var backward = parts[2]
        backward.merge(parts[1])
        backward.merge(parts[0])
        #expect(forward == whole)
        #expect(backward == whole)
        #expect(forward.quantile(0.99) == whole.quantile(0.99))

        var withEmpty = whole
        withEmpty.merge(MetricDistribution())
        #expect(withEmpty == whole)
    }

    @Test("non-finite values and counts that are not positive and finite are ignored")
    func ignoresInvalidInput() {
        var distribution = MetricDistribution()
        distribution.add(.nan)
        distribution.add(.infinity)
        distribution.add(-.infinity, count: 2)
        distribution.add(5, count: 0)
        distribution.add(5, count: -1)
        distribution.add(5, count: .nan)
        distribution.add(5, count: .infinity)
        #expect(distribution.isEmpty)
        #expect(distribution == MetricDistribution())
    }

    @Test("zeros, negative zeros and a single value come back exactly or within 0.5 %")
    func zerosAndSingleValues() throws {
        var zeros = MetricDistribution()
        zeros.add(0)
        zeros.add(-0.0, count: 2)
        #expect(zeros.quantile(0) == 0)
        #expect(zeros.quantile(1) == 0)
        #expect(zeros.bucketCount == 1)

        for value in [1.0, -1.0, 0.001, 123_456.789, -1e-300, 1e308, -Double.greatestFiniteMagnitude] {
            var single = MetricDistribution()
            single.add(value)
            let estimate = try #require(single.quantile(0.5))
            #expect(estimate.isFinite)
            #expect(sketchRelativeError(estimate, value) <= 0.005, "\(value) came back as \(estimate)")
        }
    }

    @Test("a quantile outside 0...1 is nil")
    func quantileOutOfRange() {
        var distribution = MetricDistribution()
        distribution.add(1)
        #expect(distribution.quantile(-0.01) == nil)
        #expect(distribution.quantile(1.01) == nil)
        #expect(distribution.quantile(.nan) == nil)
    }

    @Test("the sketch keeps about 230 buckets per factor of ten, not one per value")
    func compactness() {
        var distribution = MetricDistribution()
        for value in StatisticsDataset.uniform.values() { distribution.add(value) }
        // 10,000 values in [0, 1000) span about four factors of ten (the smallest is near 0.1).
        #expect(distribution.bucketCount < 1000)
    }
}
