import AdmiralModel
import Foundation
import Testing

@Suite("Period bucketing: stored buckets merged into the periods of an answer")
struct PeriodBucketingTests {
    private typealias Row = (timestamp: Date, aggregate: MetricAggregate)

    @Test("periods are aligned to the start, timestamped at their own start, and only those with data appear")
    func alignedToStart() throws {
        let start = try statisticsDate("2024-05-01T12:07:00Z")
        let rows: [Row] = [
            (try statisticsDate("2024-05-01T12:07:00Z"), MetricAggregate(value: 1)),
            (try statisticsDate("2024-05-01T12:11:59Z"), MetricAggregate(value: 2)),
            (try statisticsDate("2024-05-01T12:12:00Z"), MetricAggregate(value: 4)),
            (try statisticsDate("2024-05-01T12:30:00Z"), MetricAggregate(value: 8)),
        ]
        let buckets = PeriodBucketing.buckets(rows, start: start, end: start.addingTimeInterval(3600), period: 300)
        #expect(
            buckets.map(\.timestamp) == [
                try statisticsDate("2024-05-01T12:07:00Z"), try statisticsDate("2024-05-01T12:12:00Z"),
                try statisticsDate("2024-05-01T12:27:00Z"),
            ])
        #expect(buckets.map(\.aggregate.sum) == [3, 4, 8])
        #expect(buckets.map(\.aggregate.sampleCount) == [2, 1, 1])
        #expect(buckets[0].aggregate.minimum == 1)
        #expect(buckets[0].aggregate.maximum == 2)
    }

    @Test("rows before the start or at or after the end are left out; the start is inclusive and the end exclusive")
    func rangeIsHalfOpen() throws {
        let start = try statisticsDate("2024-05-01T12:00:00Z")
        let end = try statisticsDate("2024-05-01T13:00:00Z")
        let rows: [Row] = [
            (start.addingTimeInterval(-1), MetricAggregate(value: 100)),
            (start, MetricAggregate(value: 1)),
            (end.addingTimeInterval(-0.001), MetricAggregate(value: 2)),
            (end, MetricAggregate(value: 100)),
            (end.addingTimeInterval(3600), MetricAggregate(value: 100)),
        ]
        let buckets = PeriodBucketing.buckets(rows, start: start, end: end, period: 3600)
        #expect(buckets.count == 1)
        #expect(buckets.first?.timestamp == start)
        #expect(buckets.first?.aggregate.sum == 3)
    }

    @Test("the answer does not depend on the order of the rows")
    func orderIndependent() throws {
        let start = try statisticsDate("2024-05-01T00:00:00Z")
        var random = StatisticsSeededRandom(seed: 99)
        let rows: [Row] = (0..<500).map { _ in
            let offset = Double(Int.random(in: 0..<86400, using: &random))
            return (
                start.addingTimeInterval(offset),
                MetricAggregate(value: Double(Int.random(in: -50...50, using: &random)))
            )
        }
        let end = start.addingTimeInterval(86400)
        let sorted = PeriodBucketing.buckets(
            rows.sorted { $0.timestamp < $1.timestamp }, start: start, end: end, period: 3600)
        let shuffled = PeriodBucketing.buckets(rows.shuffled(using: &random), start: start, end: end, period: 3600)
        let reversed = PeriodBucketing.buckets(rows.reversed(), start: start, end: end, period: 3600)
        #expect(sorted == shuffled)
        #expect(sorted == reversed)
        #expect(sorted.map(\.timestamp) == sorted.map(\.timestamp).sorted())
        #expect(sorted.reduce(0) { $0 + $1.aggregate.sampleCount } == 500)
    }

    @Test(
        "rows stored at different resolutions merge into one period, and a statistic set among them drops percentiles")
    func mixedResolutions() throws {
        let hourStart = try statisticsDate("2024-03-01T13:00:00Z")
        // A bucket already rolled up to the hour, and the minutes of the same hour.
        var rows: [Row] = [(hourStart, try #require(MetricAggregate(values: [1, 2, 3], counts: nil)))]
        for minute in 0..<60 {
            rows.append((hourStart.addingTimeInterval(Double(minute) * 60), MetricAggregate(value: Double(minute))))
        }
        let buckets = PeriodBucketing.buckets(
            rows, start: hourStart, end: hourStart.addingTimeInterval(3600), period: 3600)
        let only = try #require(buckets.first)
        #expect(buckets.count == 1)
        #expect(only.aggregate.sampleCount == 63)
        #expect(only.aggregate.sum == 6 + (0..<60).reduce(0.0) { $0 + Double($1) })
        #expect(only.aggregate.maximum == 59)
        #expect(only.aggregate.percentile(50) != nil)

        rows.append(
            (hourStart.addingTimeInterval(600), MetricAggregate(sampleCount: 5, sum: 10, minimum: 1, maximum: 3)))
        let withSet = PeriodBucketing.buckets(
            rows, start: hourStart, end: hourStart.addingTimeInterval(3600), period: 3600)
        #expect(withSet.first?.aggregate.sampleCount == 68)
        #expect(withSet.first?.aggregate.percentile(50) == nil)
    }

    @Test("a coarse stored bucket lands wholly in the finer period holding its timestamp")
    func coarseRowInFinePeriods() throws {
        let start = try statisticsDate("2024-03-01T13:00:00Z")
        let rows: [Row] = [
            (start.addingTimeInterval(3600), MetricAggregate(sampleCount: 60, sum: 60, minimum: 1, maximum: 1))
        ]
        let buckets = PeriodBucketing.buckets(rows, start: start, end: start.addingTimeInterval(7200), period: 60)
        #expect(buckets.map(\.timestamp) == [start.addingTimeInterval(3600)])
        #expect(buckets.first?.aggregate.sampleCount == 60)
    }

    @Test("sub-minute periods from a fractional start keep their alignment to it")
    func fractionalStart() {
        let start = Date(timeIntervalSince1970: 100.5)
        let rows: [Row] = [
            (Date(timeIntervalSince1970: 100.5), MetricAggregate(value: 1)),
            (Date(timeIntervalSince1970: 105.4), MetricAggregate(value: 2)),
            (Date(timeIntervalSince1970: 105.5), MetricAggregate(value: 3)),
        ]
        let buckets = PeriodBucketing.buckets(rows, start: start, end: Date(timeIntervalSince1970: 130), period: 5)
        #expect(buckets.map(\.timestamp) == [Date(timeIntervalSince1970: 100.5), Date(timeIntervalSince1970: 105.5)])
        #expect(buckets.map(\.aggregate.sum) == [3, 3])
    }

    @Test("an empty range, an inverted one or a period below 1 gives no buckets")
    func degenerate() throws {
        let start = try statisticsDate("2024-03-01T13:00:00Z")
        let rows: [Row] = [(start, MetricAggregate(value: 1))]
        #expect(PeriodBucketing.buckets(rows, start: start, end: start, period: 60).isEmpty)
        #expect(PeriodBucketing.buckets(rows, start: start, end: start.addingTimeInterval(-60), period: 60).isEmpty)
        #expect(PeriodBucketing.buckets(rows, start: start, end: start.addingTimeInterval(60), period: 0).isEmpty)
        #expect(PeriodBucketing.buckets([Row](), start: start, end: start.addingTimeInterval(60), period: 60).isEmpty)
    }
}
