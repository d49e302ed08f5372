import AdmiralModel
import AdmiralStore
import Foundation

extension LogsService {
    /// PutLogEvents with CloudWatch Logs' rules (``LogBatchRules``): a batch over the
    /// limits is refused whole; events too old, expired or too new are refused one by
    /// one in `rejectedLogEventsInfo`; sequence tokens are accepted and ignored. With an
    /// `ordinal` (sent by Admiral's agent), events already stored under the same numbers
    /// are left out, so a batch resent after a lost answer is stored once.
    public func putLogEvents(_ input: Logs.PutLogEventsRequest, context: RequestContext, ordinal: Int64? = nil)
        async throws -> Logs.PutLogEventsResponse
    {
        try LogNames.checkGroupName(input.logGroupName)
        try LogNames.checkStreamName(input.logStreamName)
        let now = Self.millis(context.now)
        let retention = try await store.retention(ofGroup: input.logGroupName)
        let verdict = try LogBatchRules.check(input.logEvents, now: now, retentionDays: retention)
        let writes = verdict.accepted.map { index in
            LogEventWrite(
                index: index, timestamp: input.logEvents[index].timestamp, message: input.logEvents[index].message)
        }
        let outcome = try await store.putEvents(
            group: input.logGroupName, stream: input.logStreamName, events: writes, ingestionTime: now,
            ordinal: ordinal, batchCount: input.logEvents.count)
        if outcome.stored > 0 {
            let stored = outcome.duplicates == 0 ? writes : Array(writes.suffix(outcome.stored))
            try await applyMetricFilters(group: input.logGroupName, events: stored, now: context.now)
        }
        return Logs.PutLogEventsResponse(
            nextSequenceToken: String(format: "%056d", now), rejectedLogEventsInfo: verdict.rejected)
    }

    /// GetLogEvents: one stream's events in a time range, a page at a time, with
    /// CloudWatch Logs' forward (`f/...`) and backward (`b/...`) tokens. Without a token
    /// the page is the newest events (or the oldest with `startFromHead`); a token that
    /// reaches the end comes back unchanged, which is how clients know to stop.
    public func getLogEvents(_ input: Logs.GetLogEventsRequest, context: RequestContext) async throws
        -> Logs.GetLogEventsResponse
    {
        let group = try Self.groupName(name: input.logGroupName, identifier: input.logGroupIdentifier)
        try LogNames.checkStreamName(input.logStreamName)
        let limit = try Self.checkLimit(input.limit, max: Logs.Limits.eventsPerPage)
        let token = try input.nextToken.map(LogEventToken.init(parsing:))
        let forward = token.map { $0.forward } ?? (input.startFromHead ?? false)
        let events = try await store.events(
            group: group, stream: input.logStreamName, start: input.startTime, end: input.endTime,
            after: token.flatMap { $0.forward ? $0.position : nil },
            before: token.flatMap { $0.forward ? nil : $0.position },
            forward: forward, limit: limit, maxBytes: Logs.Limits.bytesPerPage)
        let forwardToken: LogEventToken
        let backwardToken: LogEventToken
        if let first = events.first, let last = events.last {
            forwardToken = LogEventToken(forward: true, position: last.position)
            backwardToken = LogEventToken(forward: false, position: first.position)
        } else if let token {
            forwardToken = token.forward ? token : LogEventToken(forward: true, position: token.before)
            backwardToken = token.forward ? LogEventToken(forward: false, position: token.after) : token
        } else {
            forwardToken = LogEventToken(forward: true, position: LogPosition(timestamp: 0, id: 0))
            backwardToken = LogEventToken(forward: false, position: LogPosition(timestamp: 0, id: 0))
        }
        return Logs.GetLogEventsResponse(
            events: events.map {
                Logs.OutputLogEvent(timestamp: $0.timestamp, message: $0.message, ingestionTime: $0.ingestionTime)
            }, nextForwardToken: forwardToken.text, nextBackwardToken: backwardToken.text)
    }

    /// The most events one FilterLogEvents page reads before it answers with a token.
    static let filterScanLimit = 1_000_000

    /// FilterLogEvents: a group's events (in the streams named, or with a prefix, or all)
    /// in a time range, interleaved by time, that match a filter pattern.
    public func filterLogEvents(_ input: Logs.FilterLogEventsRequest, context: RequestContext) async throws
        -> Logs.FilterLogEventsResponse
    {
        let group = try Self.groupName(name: input.logGroupName, identifier: input.logGroupIdentifier)
        if input.logStreamNames != nil && input.logStreamNamePrefix != nil {
            throw AdmiralError.invalidParameter(
                "logStreamNames and logStreamNamePrefix are mutually exclusive parameters: specify one of them.")
        }
        if let names = input.logStreamNames {
            guard (1...100).contains(names.count) else {
                throw AdmiralError.invalidParameter("logStreamNames must name between 1 and 100 streams.")
            }
            for name in names { try LogNames.checkStreamName(name, member: "logStreamNames") }
        }
        let limit = try Self.checkLimit(input.limit, max: Logs.Limits.eventsPerPage)
        let pattern = try LogFilterPattern(input.filterPattern ?? "")
        let after = try input.nextToken.map { token -> LogPosition in
            guard let parsed = LogPosition(filterToken: token) else {
                throw AdmiralError.invalidParameter("The specified nextToken is invalid.")
            }
            return parsed
        }
        let page = try await store.filterEvents(
            group: group, streams: input.logStreamNames, prefix: input.logStreamNamePrefix, start: input.startTime,
            end: input.endTime, after: after, limit: limit, maxBytes: Logs.Limits.bytesPerPage,
            scanLimit: Self.filterScanLimit, pattern: pattern)
        return Logs.FilterLogEventsResponse(
            events: page.events.map {
                Logs.FilteredLogEvent(
                    logStreamName: $0.stream, timestamp: $0.timestamp, message: $0.message,
                    ingestionTime: $0.ingestionTime, eventId: String($0.id))
            },
            searchedLogStreams: page.streams.map {
                Logs.SearchedLogStream(logStreamName: $0, searchedCompletely: page.next == nil)
            }, nextToken: page.next.map(LogEventToken.filterToken))
    }
}

/// GetLogEvents' tokens: `f/TIMESTAMP/ID` reads forward after that event, `b/TIMESTAMP/ID`
/// backward before it. FilterLogEvents' tokens are `TIMESTAMP/ID` in base64.
struct LogEventToken: Equatable {
    var forward: Bool
    var position: LogPosition

    init(forward: Bool, position: LogPosition) {
        self.forward = forward
        self.position = position
    }

    init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 3, parts[0] == "f" || parts[0] == "b", let timestamp = Int(parts[1]),
            let id = Int64(parts[2])
        else { throw AdmiralError.invalidParameter("The specified nextToken is invalid.") }
        self.forward = parts[0] == "f"
        self.position = LogPosition(timestamp: timestamp, id: id)
    }

    var text: String { "\(forward ? "f" : "b")/\(position.timestamp)/\(position.id)" }

    /// The position just after this one (a backward token from it includes it).
    var after: LogPosition { LogPosition(timestamp: position.timestamp, id: position.id + 1) }
    /// The position just before this one (a forward token from it includes it).
    var before: LogPosition { LogPosition(timestamp: position.timestamp, id: position.id - 1) }

    static func filterToken(_ position: LogPosition) -> String {
        Data("\(position.timestamp)/\(position.id)".utf8).base64EncodedString()
    }
}

extension LogPosition {
    init?(filterToken text: String) {
        guard let data = Data(base64Encoded: text) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: "/")
        guard parts.count == 2, let timestamp = Int(parts[0]), let id = Int64(parts[1]) else { return nil }
        self.init(timestamp: timestamp, id: id)
    }
}
