import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@Suite("The metric store: merging writes, retention tiers and units")
struct MetricStoreTests {
    let metric = MetricIdentity(namespace: "App", name: "Latency", dimensions: [.init(name: "Host", value: "a")])
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("writes to one bucket merge; reads return them with their unit, filtered by unit when asked")
    func mergeAndUnits() async throws {
        let store = try SQLiteMetricStore.inMemory()
        let bucket = now.addingTimeInterval(-120)
        try await store.put(
            [
                MetricWrite(
                    metric: metric, timestamp: bucket, resolution: 60, unit: "Seconds", aggregate: .init(value: 2)),
                MetricWrite(
                    metric: metric, timestamp: bucket, resolution: 60, unit: "Seconds", aggregate: .init(value: 4)),
                MetricWrite(
                    metric: metric, timestamp: bucket, resolution: 60, unit: "Count", aggregate: .init(value: 9)),
            ], publishedAt: now)
        let all = try await store.datapoints(of: metric, from: bucket, to: now, unit: nil)
        #expect(all.count == 2)
        let seconds = try await store.datapoints(of: metric, from: bucket, to: now, unit: "Seconds")
        #expect(seconds.map(\.aggregate.sum) == [6])
        #expect(seconds.map(\.aggregate.sampleCount) == [2])
    }

    @Test("puts made at once share transactions and lose nothing: every value of 200 concurrent puts is counted")
    func concurrentPuts() async throws {
        let store = try SQLiteMetricStore.inMemory()
        let bucket = now.addingTimeInterval(-60)
        let other = MetricIdentity(namespace: "App", name: "Errors", dimensions: [])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for call in 0..<200 {
                group.addTask {
                    try await store.put(
                        [
                            MetricWrite(
                                metric: metric, timestamp: bucket, resolution: 60,
                                aggregate: .init(value: Double(call))),
                            MetricWrite(
                                metric: other, timestamp: bucket, resolution: 60, aggregate: .init(value: 1)),
                        ], publishedAt: now)
                }
            }
            try await group.waitForAll()
        }
        let latency = try await store.datapoints(of: metric, from: bucket, to: now, unit: nil)
        #expect(latency.map(\.aggregate.sampleCount) == [200])
        #expect(latency.map(\.aggregate.sum) == [Double((0..<200).reduce(0, +))])
        let errors = try await store.datapoints(of: other, from: bucket, to: now, unit: nil)
        #expect(errors.map(\.aggregate.sum) == [200])
        let listed = try await store.listMetrics(
            namespace: "App", name: nil, activeSince: nil, after: nil, limit: 10, matching: { _ in true })
        #expect(listed.metrics.count == 2)
    }

    @Test("1-second data older than 3 hours is rolled into minutes, keeping sums, counts and percentiles")
    func rollUp() async throws {
        let store = try SQLiteMetricStore.inMemory()
        let old = MetricResolution.bucketStart(now.addingTimeInterval(-4 * 3600), resolution: 60)
        var writes: [MetricWrite] = []
        for second in 0..<60 {
            writes.append(
                MetricWrite(
                    metric: metric, timestamp: old.addingTimeInterval(Double(second)), resolution: 1,
                    aggregate: .init(value: Double(second))))
        }
        // Recent high-resolution data stays as it is.
        writes.append(
            MetricWrite(
                metric: metric, timestamp: now.addingTimeInterval(-10), resolution: 1, aggregate: .init(value: 7)))
        try await store.put(writes, publishedAt: now)
        let changed = try await store.rollUp(now: now)
        #expect(changed == 60)
        let points = try await store.datapoints(of: metric, from: old.addingTimeInterval(-60), to: now, unit: nil)
        #expect(points.map(\.resolution) == [60, 1])
        let minute = try #require(points.first)
        #expect(minute.timestamp == old)
        #expect(minute.aggregate.sum == Double((0..<60).reduce(0, +)))
        #expect(minute.aggregate.sampleCount == 60)
        #expect(minute.aggregate.percentile(50).map { abs($0 - 29.5) <= 1 } == true)
    }

    @Test("hourly data older than 455 days is dropped")
    func expiry() async throws {
        let store = try SQLiteMetricStore.inMemory()
        let ancient = MetricResolution.bucketStart(now.addingTimeInterval(-456 * 86400), resolution: 3600)
        try await store.put(
            [MetricWrite(metric: metric, timestamp: ancient, resolution: 3600, aggregate: .init(value: 1))],
            publishedAt: now)
        _ = try await store.rollUp(now: now)
        #expect(try await store.datapoints(of: metric, from: ancient, to: now, unit: nil).isEmpty)
    }
}
