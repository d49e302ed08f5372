import AdmiralModel
import Foundation
import Testing

@Suite("Metric resolution: CloudWatch's retention tiers and bucket alignment")
struct MetricResolutionTests {
    private static let hour: TimeInterval = 3600
    private static let day: TimeInterval = 86400

    @Test(
        "high-resolution data is kept at 1 s for 3 hours, then 60 s to 15 days, 300 s to 63 days, 3600 s to 455 days",
        arguments: [
            (0, 1), (3 * hour, 1), (3 * hour + 1, 60), (15 * day, 60), (15 * day + 1, 300), (63 * day, 300),
            (63 * day + 1, 3600), (455 * day, 3600), (455 * day + 1, nil), (-60, 1),
        ] as [(TimeInterval, Int?)])
    func highResolution(age: TimeInterval, expected: Int?) {
        #expect(MetricResolution.storageResolution(forAge: age, reported: 1) == expected)
    }

    @Test(
        "standard-resolution data starts at 60 s and ages the same way",
        arguments: [
            (0, 60), (2 * hour, 60), (3 * hour + 1, 60), (15 * day, 60), (15 * day + 0.5, 300),
            (63 * day + 1, 3600), (455 * day, 3600), (456 * day, nil),
        ] as [(TimeInterval, Int?)])
    func standardResolution(age: TimeInterval, expected: Int?) {
        #expect(MetricResolution.storageResolution(forAge: age, reported: 60) == expected)
    }

    @Test("the finest resolution still held at an age follows the same tiers")
    func finestAvailable() {
        #expect(MetricResolution.finestAvailableResolution(forAge: 60) == 1)
        #expect(MetricResolution.finestAvailableResolution(forAge: 4 * Self.hour) == 60)
        #expect(MetricResolution.finestAvailableResolution(forAge: 20 * Self.day) == 300)
        #expect(MetricResolution.finestAvailableResolution(forAge: 100 * Self.day) == 3600)
        #expect(MetricResolution.finestAvailableResolution(forAge: 500 * Self.day) == nil)
        #expect(MetricResolution.tiers.map(\.resolution) == [1, 60, 300, 3600])
    }

    @Test("a bucket starts at the date floored to a multiple of the resolution since the epoch")
    func bucketStart() throws {
        let date = try statisticsDate("2024-05-01T12:32:34Z").addingTimeInterval(0.75)
        #expect(MetricResolution.bucketStart(date, resolution: 1) == (try statisticsDate("2024-05-01T12:32:34Z")))
        #expect(MetricResolution.bucketStart(date, resolution: 60) == (try statisticsDate("2024-05-01T12:32:00Z")))
        #expect(MetricResolution.bucketStart(date, resolution: 300) == (try statisticsDate("2024-05-01T12:30:00Z")))
        #expect(MetricResolution.bucketStart(date, resolution: 3600) == (try statisticsDate("2024-05-01T12:00:00Z")))
        #expect(MetricResolution.bucketStart(date, resolution: 86400) == (try statisticsDate("2024-05-01T00:00:00Z")))
    }

    @Test("a date on a boundary is its own bucket start, and dates before 1970 floor downwards")
    func bucketStartEdges() throws {
        let boundary = try statisticsDate("2024-05-01T12:35:00Z")
        #expect(MetricResolution.bucketStart(boundary, resolution: 300) == boundary)
        #expect(
            MetricResolution.bucketStart(boundary.addingTimeInterval(-0.001), resolution: 300)
                == (try statisticsDate("2024-05-01T12:30:00Z")))
        let early = Date(timeIntervalSince1970: -30.5)
        #expect(MetricResolution.bucketStart(early, resolution: 60) == Date(timeIntervalSince1970: -60))
        #expect(MetricResolution.bucketStart(early, resolution: 0) == Date(timeIntervalSince1970: -31))
    }
}
