import AdmiralModel
import AdmiralStore
import Foundation
import Testing

@testable import AdmiralControlPlane

@Suite("CloudWatch Logs over a real SQLite log store")
struct LogsServiceTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    var context: RequestContext {
        RequestContext(
            names: ECSNames(region: "us-east-1", accountId: "000000000000"),
            principalARN: "arn:aws:iam::000000000000:user/t", now: now)
    }
    var nowMillis: Int { Int(now.timeIntervalSince1970 * 1000) }
    let cloudWatch = CloudWatchService(store: InMemoryMetricStore.make())

    func service() async throws -> LogsService {
        let logs = LogsService(store: try SQLiteLogStore.inMemory(), cloudWatch: cloudWatch)
        _ = try await logs.createLogGroup(Logs.CreateLogGroupRequest(logGroupName: "/app"), context: context)
        _ = try await logs.createLogStream(
            Logs.CreateLogStreamRequest(logGroupName: "/app", logStreamName: "s1"), context: context)
        return logs
    }

    func put(_ logs: LogsService, _ messages: [String], stream: String = "s1", ordinal: Int64? = nil, offset: Int = 0)
        async throws -> Logs.PutLogEventsResponse
    {
        try await logs.putLogEvents(
            Logs.PutLogEventsRequest(
                logGroupName: "/app", logStreamName: stream,
                logEvents: messages.enumerated().map {
                    Logs.InputLogEvent(timestamp: nowMillis - 60_000 + offset + $0.offset, message: $0.element)
                }), context: context, ordinal: ordinal)
    }

    @Test("creating a group twice or a stream in a missing group fails with the service's codes")
    func errors() async throws {
        let logs = try await service()
        await #expect(throws: LogStoreErrors.groupExists) {
            try await logs.createLogGroup(Logs.CreateLogGroupRequest(logGroupName: "/app"), context: context)
        }
        await #expect(throws: LogStoreErrors.groupNotFound) {
            try await logs.createLogStream(
                Logs.CreateLogStreamRequest(logGroupName: "/nope", logStreamName: "s"), context: context)
        }
        await #expect(throws: LogStoreErrors.streamNotFound) { try await put(logs, ["x"], stream: "missing") }
    }

    @Test("a refused batch stores nothing")
    func refusedBatchStoresNothing() async throws {
        let logs = try await service()
        await #expect(throws: AdmiralError.self) { try await put(logs, Array(repeating: "x", count: 10_001)) }
        let page = try await logs.getLogEvents(
            Logs.GetLogEventsRequest(logGroupName: "/app", logStreamName: "s1"), context: context)
        #expect(page.events?.isEmpty == true)
    }

    @Test("GetLogEvents pages forward and backward and returns the same token at the end")
    func paging() async throws {
        let logs = try await service()
        _ = try await put(logs, (0..<25).map { "line \($0)" })
        var request = Logs.GetLogEventsRequest(
            logGroupName: "/app", logStreamName: "s1", limit: 10, startFromHead: true)
        var seen: [String] = []
        var token: String?
        for _ in 0..<10 {
            request.nextToken = token
            let page = try await logs.getLogEvents(request, context: context)
            seen += (page.events ?? []).compactMap(\.message)
            if page.nextForwardToken == token { break }
            token = page.nextForwardToken
        }
        #expect(seen == (0..<25).map { "line \($0)" })
        // Without startFromHead the newest page comes first; backward tokens reach older events.
        let newest = try await logs.getLogEvents(
            Logs.GetLogEventsRequest(logGroupName: "/app", logStreamName: "s1", limit: 10), context: context)
        #expect(newest.events?.first?.message == "line 15")
        let older = try await logs.getLogEvents(
            Logs.GetLogEventsRequest(
                logGroupName: "/app", logStreamName: "s1", nextToken: newest.nextBackwardToken, limit: 10),
            context: context)
        #expect(older.events?.map(\.message) == (5..<15).map { "line \($0)" })
    }

    @Test("a batch resent with the same ordinal is stored once, and an overlapping one only in part")
    func ordinals() async throws {
        let logs = try await service()
        _ = try await put(logs, ["a", "b", "c"], ordinal: 0)
        _ = try await put(logs, ["a", "b", "c"], ordinal: 0)
        _ = try await put(logs, ["c", "d"], ordinal: 2, offset: 2)
        let page = try await logs.getLogEvents(
            Logs.GetLogEventsRequest(logGroupName: "/app", logStreamName: "s1", startFromHead: true), context: context)
        #expect(page.events?.compactMap(\.message) == ["a", "b", "c", "d"])
    }

    @Test("FilterLogEvents interleaves streams and selects by pattern")
    func filter() async throws {
        let logs = try await service()
        _ = try await logs.createLogStream(
            Logs.CreateLogStreamRequest(logGroupName: "/app", logStreamName: "s2"), context: context)
        _ = try await put(logs, ["ERROR one", "INFO two"], stream: "s1")
        _ = try await put(logs, ["ERROR three"], stream: "s2", offset: 1)
        let found = try await logs.filterLogEvents(
            Logs.FilterLogEventsRequest(logGroupName: "/app", filterPattern: "ERROR"), context: context)
        #expect(found.events?.map(\.message) == ["ERROR one", "ERROR three"])
        #expect(found.events?.map(\.logStreamName) == ["s1", "s2"])
        let paged = try await logs.filterLogEvents(
            Logs.FilterLogEventsRequest(logGroupName: "/app", limit: 2), context: context)
        #expect(paged.events?.count == 2)
        let rest = try await logs.filterLogEvents(
            Logs.FilterLogEventsRequest(logGroupName: "/app", nextToken: paged.nextToken, limit: 2), context: context)
        #expect(rest.events?.map(\.message) == ["ERROR three"])
        #expect(rest.nextToken == nil)
    }

    @Test("retention deletes events older than the policy")
    func retention() async throws {
        let logs = try await service()
        _ = try await logs.store.putEvents(
            group: "/app", stream: "s1",
            events: [
                LogEventWrite(index: 0, timestamp: nowMillis - 3 * 86_400_000, message: "old"),
                LogEventWrite(index: 1, timestamp: nowMillis, message: "new"),
            ], ingestionTime: nowMillis, ordinal: nil, batchCount: 2)
        _ = try await logs.putRetentionPolicy(
            Logs.PutRetentionPolicyRequest(logGroupName: "/app", retentionInDays: 1), context: context)
        #expect(try await logs.store.expire(now: nowMillis) == 1)
        let page = try await logs.getLogEvents(
            Logs.GetLogEventsRequest(logGroupName: "/app", logStreamName: "s1"), context: context)
        #expect(page.events?.compactMap(\.message) == ["new"])
        await #expect(throws: AdmiralError.self) {
            try await logs.putRetentionPolicy(
                Logs.PutRetentionPolicyRequest(logGroupName: "/app", retentionInDays: 2), context: context)
        }
    }

    @Test("a metric filter counts matching events into CloudWatch")
    func metricFilter() async throws {
        let logs = try await service()
        _ = try await logs.putMetricFilter(
            Logs.PutMetricFilterRequest(
                logGroupName: "/app", filterName: "errors", filterPattern: "ERROR",
                metricTransformations: [
                    Logs.MetricTransformation(metricName: "Errors", metricNamespace: "App", metricValue: "1")
                ]), context: context)
        _ = try await put(logs, ["ERROR a", "INFO b", "ERROR c"])
        let stats = try await cloudWatch.getMetricStatistics(
            CloudWatch.GetMetricStatisticsInput(
                namespace: "App", metricName: "Errors", startTime: now.addingTimeInterval(-600), endTime: now,
                period: 60, statistics: [.sum]), context: context)
        #expect(stats.datapoints?.compactMap(\.sum).reduce(0, +) == 2)
        let groups = try await logs.describeLogGroups(Logs.DescribeLogGroupsRequest(), context: context)
        #expect(groups.logGroups?.first?.metricFilterCount == 1)
    }

    @Test("tags are set, listed and removed through the group's ARN")
    func tags() async throws {
        let logs = try await service()
        let arn = "arn:aws:logs:us-east-1:000000000000:log-group:/app"
        _ = try await logs.tagResource(
            Logs.TagResourceRequest(resourceArn: arn, tags: ["team": "a", "env": "b"]), context: context)
        _ = try await logs.untagResource(
            Logs.UntagResourceRequest(resourceArn: arn, tagKeys: ["env"]), context: context)
        let listed = try await logs.listTagsForResource(
            Logs.ListTagsForResourceRequest(resourceArn: arn), context: context)
        #expect(listed.tags == ["team": "a"])
    }
}
