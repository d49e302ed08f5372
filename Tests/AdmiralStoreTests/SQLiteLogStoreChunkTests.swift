import AdmiralModel
import Foundation
import GRDB
import Testing

@testable import AdmiralStore

/// The log store packs each put into a chunk and merges chunks on read: these tests hold
/// its answers to a plain model of the events (every event, sorted by timestamp and
/// insertion), over random out-of-order puts into several streams.
@Suite("Log store chunks against a model of the events")
struct SQLiteLogStoreChunkTests {
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct ModelEvent: Equatable {
        var stream: String
        var timestamp: Int
        var message: String
        var order: Int
    }

    static let base = 1_700_000_000_000

    /// Random puts: batches of 1-40 events, timestamps within a few seconds of a clock that
    /// moves forward with jitter (so batches overlap in time), some messages holding ERROR.
    static func seed(_ store: SQLiteLogStore, streams: [String], puts: Int, random: inout Generator) async throws
        -> [ModelEvent]
    {
        try await store.createGroup(LogGroupRecord(name: "g", creationTime: base))
        for stream in streams { try await store.createStream(group: "g", name: stream, creationTime: base) }
        var model: [ModelEvent] = []
        var clock = base
        for put in 0..<puts {
            clock += Int.random(in: 0...400, using: &random)
            let stream = streams[Int.random(in: 0..<streams.count, using: &random)]
            let count = Int.random(in: 1...40, using: &random)
            var writes: [LogEventWrite] = []
            for index in 0..<count {
                let timestamp = clock + Int.random(in: -2_000...2_000, using: &random)
                let error = Int.random(in: 0..<10, using: &random) == 0
                let message = "\(error ? "ERROR" : "info") put \(put) event \(index) é"
                writes.append(LogEventWrite(index: index, timestamp: timestamp, message: message))
                model.append(ModelEvent(stream: stream, timestamp: timestamp, message: message, order: model.count))
            }
            let outcome = try await store.putEvents(
                group: "g", stream: stream, events: writes, ingestionTime: clock, ordinal: nil, batchCount: count)
            #expect(outcome.stored == count)
        }
        return model.sorted { ($0.timestamp, $0.order) < ($1.timestamp, $1.order) }
    }

    @Test("GetLogEvents pages forward and backward through exactly the model's events", arguments: [1, 2, 3])
    func streamPaging(seed: UInt64) async throws {
        var random = Generator(state: seed)
        let store = try SQLiteLogStore.inMemory()
        let model = try await Self.seed(store, streams: ["a", "b"], puts: 120, random: &random)
        for stream in ["a", "b"] {
            let expected = model.filter { $0.stream == stream }
            // Forward from the head, pages of 7.
            var forward: [StoredLogEvent] = []
            var after: LogPosition?
            while true {
                let page = try await store.events(
                    group: "g", stream: stream, start: nil, end: nil, after: after, before: nil, forward: true,
                    limit: 7, maxBytes: 1_048_576)
                guard let last = page.last else { break }
                forward += page
                after = last.position
            }
            #expect(forward.map(\.message) == expected.map(\.message))
            #expect(forward.map(\.timestamp) == expected.map(\.timestamp))
            #expect(zip(forward, forward.dropFirst()).allSatisfy { $0.position < $1.position })
            // Backward from the tail, pages of 5, each page oldest first.
            var backward: [StoredLogEvent] = []
            var before: LogPosition?
            while true {
                let page = try await store.events(
                    group: "g", stream: stream, start: nil, end: nil, after: nil, before: before, forward: false,
                    limit: 5, maxBytes: 1_048_576)
                guard let first = page.first else { break }
                backward = page + backward
                before = first.position
            }
            #expect(backward == forward)
            // A time range, both ways.
            let start = Self.base + 5_000
            let end = Self.base + 15_000
            let inRange = expected.filter { $0.timestamp >= start && $0.timestamp < end }
            let ranged = try await store.events(
                group: "g", stream: stream, start: start, end: end, after: nil, before: nil, forward: true,
                limit: 10_000, maxBytes: 1_048_576)
            #expect(ranged.map(\.message) == inRange.map(\.message))
            let newest = try await store.events(
                group: "g", stream: stream, start: start, end: end, after: nil, before: nil, forward: false,
                limit: 3, maxBytes: 1_048_576)
            #expect(newest.map(\.message) == inRange.suffix(3).map(\.message))
        }
    }

    @Test("FilterLogEvents interleaves streams in time order, with and without a term, through small pages")
    func filterPaging() async throws {
        var random = Generator(state: 42)
        let store = try SQLiteLogStore.inMemory()
        let model = try await Self.seed(store, streams: ["a", "b", "c"], puts: 150, random: &random)
        for (patternText, scanLimit) in [("", 1_000_000), ("ERROR", 1_000_000), ("ERROR", 50), ("ERROR put", 37)] {
            let pattern = try LogFilterPattern(patternText)
            let expected = model.filter { pattern.matches($0.message) }
            var found: [StoredLogEvent] = []
            var after: LogPosition?
            var pages = 0
            repeat {
                let page = try await store.filterEvents(
                    group: "g", streams: nil, prefix: nil, start: nil, end: nil, after: after, limit: 9,
                    maxBytes: 1_048_576, scanLimit: scanLimit, pattern: pattern)
                found += page.events
                after = page.next
                pages += 1
            } while after != nil && pages < 10_000
            #expect(found.map(\.message) == expected.map(\.message), "pattern '\(patternText)' scan \(scanLimit)")
            #expect(found.map(\.stream) == expected.map(\.stream))
        }
        // One stream, a time range.
        let pattern = try LogFilterPattern("ERROR")
        let page = try await store.filterEvents(
            group: "g", streams: ["b"], prefix: nil, start: Self.base + 10_000, end: Self.base + 20_000, after: nil,
            limit: 10_000, maxBytes: 1_048_576, scanLimit: 1_000_000, pattern: pattern)
        let expected = model.filter {
            $0.stream == "b" && $0.timestamp >= Self.base + 10_000 && $0.timestamp <= Self.base + 20_000
                && $0.message.contains("ERROR")
        }
        #expect(page.events.map(\.message) == expected.map(\.message))
        #expect(page.next == nil)
    }

    @Test("a literal that runs across two messages matches neither")
    func literalAcrossMessages() throws {
        let chunk = LogChunk([(1, 1, "abcER"), (2, 1, "ROR x"), (3, 1, "an ERROR"), (4, 1, "ERROR")])
        #expect(chunk.events(containing: Array("ERROR".utf8)) == [2, 3])
        #expect(chunk.events(containing: Array("x".utf8)) == [1])
        #expect(LogChunk(bytes: chunk.bytes)?.message(2) == "an ERROR")
        #expect(LogChunk(bytes: Array(chunk.bytes.dropLast())) == nil)
    }

    @Test("retention drops whole chunks and the old part of a chunk across the cutoff")
    func retention() async throws {
        let store = try SQLiteLogStore.inMemory()
        let day = 86_400_000
        let now = Self.base + 10 * day
        try await store.createGroup(LogGroupRecord(name: "g", creationTime: Self.base))
        try await store.createStream(group: "g", name: "s", creationTime: Self.base)
        let old = (0..<5).map { LogEventWrite(index: $0, timestamp: now - 5 * day + $0, message: "old \($0)") }
        let across = [
            LogEventWrite(index: 0, timestamp: now - 2 * day - 1_000, message: "expired"),
            LogEventWrite(index: 1, timestamp: now - 2 * day + 1_000, message: "kept"),
        ]
        let fresh = [LogEventWrite(index: 0, timestamp: now, message: "fresh")]
        for events in [old, across, fresh] {
            _ = try await store.putEvents(
                group: "g", stream: "s", events: events, ingestionTime: now, ordinal: nil, batchCount: events.count)
        }
        try await store.updateGroup(named: "g") { $0.retentionInDays = 2 }
        #expect(try await store.expire(now: now) == 6)
        let left = try await store.events(
            group: "g", stream: "s", start: nil, end: nil, after: nil, before: nil, forward: true, limit: 100,
            maxBytes: 1_048_576)
        #expect(left.map(\.message) == ["kept", "fresh"])
        let stream = try await store.streams(
            group: "g", prefix: nil, order: .name, descending: false, offset: 0, limit: 10)
        #expect(stream.first?.storedBytes == "kept".utf8.count + "fresh".utf8.count)
        #expect(stream.first?.firstEventTimestamp == now - 2 * day + 1_000)
        #expect(try await store.expire(now: now) == 0)
    }

    @Test("events stored one row each by the first schema are moved into chunks on upgrade")
    func upgrade() async throws {
        let queue = try DatabaseQueue()
        var first = DatabaseMigrator()
        first.registerMigration("v1-log-groups-streams-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE log_groups (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created INTEGER NOT NULL,
                        retention INTEGER, kms_key TEXT, class TEXT NOT NULL, protected INTEGER NOT NULL, tags TEXT NOT NULL);
                    CREATE TABLE log_streams (id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, name TEXT NOT NULL,
                        created INTEGER NOT NULL, first_ts INTEGER, last_ts INTEGER, last_ingest INTEGER,
                        stored_bytes INTEGER NOT NULL DEFAULT 0, next_ordinal INTEGER NOT NULL DEFAULT 0,
                        UNIQUE (group_id, name));
                    CREATE TABLE log_events (id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, stream_id INTEGER NOT NULL,
                        ts INTEGER NOT NULL, ingest INTEGER NOT NULL, message TEXT NOT NULL);
                    CREATE TABLE log_metric_filters (group_id INTEGER NOT NULL, name TEXT NOT NULL, body BLOB NOT NULL,
                        PRIMARY KEY (group_id, name));
                    INSERT INTO log_groups VALUES (1, 'g', 0, NULL, NULL, 'STANDARD', 0, '{}');
                    INSERT INTO log_streams (id, group_id, name, created) VALUES (1, 1, 's', 0), (2, 1, 't', 0);
                    INSERT INTO log_events (group_id, stream_id, ts, ingest, message) VALUES
                        (1, 1, 30, 31, 'third'), (1, 2, 5, 6, 'other'), (1, 1, 10, 11, 'first'), (1, 1, 10, 12, 'second');
                    """)
        }
        try first.migrate(queue)
        let store = try SQLiteLogStore(writer: queue)
        let events = try await store.events(
            group: "g", stream: "s", start: nil, end: nil, after: nil, before: nil, forward: true, limit: 10,
            maxBytes: 1_048_576)
        #expect(events.map(\.message) == ["first", "second", "third"])
        #expect(events.map(\.ingestionTime) == [11, 12, 31])
        let tables = try await queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master") }
        #expect(!tables.contains("log_events"))
    }
}
