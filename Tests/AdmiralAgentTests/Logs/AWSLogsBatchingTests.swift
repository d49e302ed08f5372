import AdmiralModel
import Foundation
import Testing

@testable import AdmiralAgent

/// A small deterministic generator (SplitMix64), so that random batches repeat.
struct LogsSeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("awslogs batching and buffering")
struct AWSLogsBatchingTests {
    typealias Item = LogBuffer.Item
    static let t0 = 1_700_000_000_000
    static let day = Logs.Limits.batchSpanMillis

    static func items(_ messages: [String], timestamps: [Int]? = nil, from ordinal: Int64 = 0) -> [Item] {
        messages.enumerated().map { index, message in
            Item(
                event: LogEventAssembler.Event(
                    timestamp: timestamps?[index] ?? t0 + index, message: message, linesThrough: index + 1),
                ordinal: ordinal + Int64(index))
        }
    }

    /// The server's own check, as PutLogEvents applies it.
    static func accepted(_ batch: [Item]) -> Bool {
        let events = batch.map { Logs.InputLogEvent(timestamp: $0.event.timestamp, message: $0.event.message) }
        let now = batch.map(\.event.timestamp).max() ?? t0
        return (try? LogBatchRules.check(events, now: now, retentionDays: nil)) != nil
    }

    @Test("10,001 events make a batch of 10,000 and one of 1")
    func eventCountLimit() {
        let batches = AWSLogsShipper.batches(Self.items(Array(repeating: "x", count: 10_001)))
        #expect(batches.map(\.count) == [10_000, 1])
        #expect(batches.allSatisfy(Self.accepted))
    }

    @Test("1,048,576 bytes count 26 bytes per event: four largest events fit exactly, a fifth does not")
    func byteLimitWithOverhead() {
        let largest = String(repeating: "m", count: LogEventAssembler.maxMessageBytes)
        #expect(LogBatchRules.size(of: largest) * 4 == Logs.Limits.bytesPerBatch)
        let batches = AWSLogsShipper.batches(Self.items(Array(repeating: largest, count: 5)))
        #expect(batches.map(\.count) == [4, 1])
        #expect(batches.allSatisfy(Self.accepted))

        // 100-byte messages are 126 bytes each: 8,322 fit, not the 10,485 the messages alone would allow.
        let hundred = String(repeating: "h", count: 100)
        let small = AWSLogsShipper.batches(Self.items(Array(repeating: hundred, count: 9_000)))
        #expect(small.map(\.count) == [Logs.Limits.bytesPerBatch / 126, 9_000 - Logs.Limits.bytesPerBatch / 126])
        #expect(small.allSatisfy(Self.accepted))
    }

    @Test("a batch spans at most 24 hours, counting events out of time order")
    func spanLimit() {
        let exactly = AWSLogsShipper.batches(
            Self.items(["a", "b", "c"], timestamps: [Self.t0, Self.t0 + Self.day / 2, Self.t0 + Self.day]))
        #expect(exactly.map(\.count) == [3])
        let over = AWSLogsShipper.batches(
            Self.items(["a", "b", "c", "d"], timestamps: [Self.t0 + 10, Self.t0, Self.t0 + Self.day + 5, Self.t0 + 1]))
        // t0 + 1 after t0 + day + 5 would stretch the second batch past a day as well.
        #expect(over.map(\.count) == [2, 1, 1])
        #expect(over.allSatisfy(Self.accepted))
    }

    @Test("a gap in the ordinals (events dropped in non-blocking mode) ends a batch")
    func ordinalGaps() {
        var items = Self.items(["a", "b", "c", "d", "e"])
        items[3].ordinal = 10
        items[4].ordinal = 11
        let batches = AWSLogsShipper.batches(items)
        #expect(batches.map { $0.map(\.ordinal) } == [[0, 1, 2], [10, 11]])
    }

    @Test("random events: batches keep their order and ordinals, and every one passes PutLogEvents' checks")
    func randomBatches() {
        var random = LogsSeededGenerator(state: 15)
        for round in 0..<6 {
            var messages: [String] = []
            var timestamps: [Int] = []
            var clock = Self.t0
            for _ in 0..<Int.random(in: 1...11_000, using: &random) {
                let roll = Int.random(in: 0..<1000, using: &random)
                let size = roll < 3 ? LogEventAssembler.maxMessageBytes : roll < 50 ? 20_000 : 1 + roll % 200
                messages.append(String(repeating: "r", count: size))
                clock += roll == 999 ? Self.day / 3 : Int.random(in: -5...5, using: &random)
                timestamps.append(clock)
            }
            let items = Self.items(messages, timestamps: timestamps, from: Int64(round * 100_000))
            let batches = AWSLogsShipper.batches(items)
            #expect(batches.flatMap { $0.map(\.ordinal) } == items.map(\.ordinal))
            #expect(batches.allSatisfy { !$0.isEmpty && Self.accepted($0) })
            // Each batch after the first is cut because the next event would break a limit.
            for (batch, next) in zip(batches, batches.dropFirst()) {
                #expect(!Self.accepted(batch + [next[0]]) || batch.count == Logs.Limits.eventsPerBatch)
            }
        }
    }

    @Test("a line over 256 KiB is shipped as consecutive events in one batch when they fit")
    func longLineBatches() {
        var assembler = LogEventAssembler(multilinePattern: nil, linesConsumed: 0)
        let events =
            assembler.add(text: "before", timestamp: Self.t0)
            + assembler.add(text: String(repeating: "L", count: 700_000), timestamp: Self.t0 + 1)
            + assembler.add(text: "after", timestamp: Self.t0 + 2)
        let items = events.enumerated().map { Item(event: $0.element, ordinal: Int64($0.offset)) }
        let batches = AWSLogsShipper.batches(items)
        #expect(batches.map(\.count) == [5])
        #expect(batches[0].map(\.event.message).dropFirst().dropLast().joined().count == 700_000)
        #expect(batches.allSatisfy(Self.accepted))
    }

    @Test("non-blocking: what does not fit is dropped and counted; the first event always fits")
    func nonBlockingDrops() {
        let buffer = LogBuffer(capacity: 100, nonBlocking: true)
        let big = LogEventAssembler.Event(timestamp: Self.t0, message: String(repeating: "b", count: 500), linesThrough: 1)
        let small = LogEventAssembler.Event(timestamp: Self.t0, message: "s", linesThrough: 2)
        buffer.offer(big, ordinal: 0)
        buffer.offer(small, ordinal: 1)
        var (items, closed, dropped) = buffer.take()
        #expect(items.map(\.ordinal) == [0] && dropped == 1 && !closed)
        for ordinal in 2..<10 { buffer.offer(small, ordinal: Int64(ordinal)) }
        (items, closed, dropped) = buffer.take()
        // 27 bytes each: three fit in 100.
        #expect(items.map(\.ordinal) == [2, 3, 4] && dropped == 5)
        buffer.close()
        (items, closed, dropped) = buffer.take()
        #expect(items.isEmpty && closed && dropped == 0)
    }

    @Test("blocking: nothing is dropped; the reader waits for room until the sender takes")
    func blockingWaits() async throws {
        let buffer = LogBuffer(capacity: 100, nonBlocking: false)
        let event = LogEventAssembler.Event(timestamp: Self.t0, message: String(repeating: "w", count: 74), linesThrough: 1)
        buffer.offer(event, ordinal: 0)
        buffer.offer(event, ordinal: 1)
        let waiter = Task {
            await buffer.waitForRoom()
            return ContinuousClock.now
        }
        try await Task.sleep(for: .milliseconds(100))
        let taken = ContinuousClock.now
        let (items, closed, dropped) = buffer.take()
        #expect(items.map(\.ordinal) == [0, 1] && !closed && dropped == 0)
        let resumed = await waiter.value
        #expect(resumed > taken)
    }

    @Test("the reader's events and the multi-line flusher's share one ordinal sequence in buffer order")
    func assemblyOrdinals() throws {
        let options = try AWSLogsOptions(
            options: ["awslogs-group": "g", "awslogs-multiline-pattern": "^E", "max-buffer-size": "1m"],
            containerName: "app", taskArn: "arn:aws:ecs:us-east-1:1:task/c/abc")
        let buffer = LogBuffer(capacity: options.maxBufferBytes, nonBlocking: false)
        let start = AWSLogsShipper.Position(linesDelivered: 3, nextOrdinal: 40, complete: false, dropped: 0)
        let assembly = LogAssembly(options: options, from: start, buffer: buffer)
        assembly.add(text: "E one", timestamp: Self.t0)
        assembly.add(text: "  more", timestamp: Self.t0 + 1)
        assembly.flush(now: Self.t0 + 4_999)
        assembly.flush(now: Self.t0 + 5_000)
        assembly.add(text: "E two", timestamp: Self.t0 + 6_000)
        assembly.add(text: "E three", timestamp: Self.t0 + 6_001)
        assembly.finish()
        let (items, closed, _) = buffer.take()
        #expect(items.map(\.ordinal) == [40, 41, 42])
        #expect(items.map(\.event.message) == ["E one\n  more", "E two", "E three"])
        #expect(items.map(\.event.linesThrough) == [5, 6, 7])
        #expect(!closed && buffer.isClosed)
        assembly.reset()
        assembly.add(text: "E again", timestamp: Self.t0)
        assembly.finish()
        #expect(buffer.take().items.map(\.ordinal) == [40])
    }
}

@Suite("awslogs timestamps")
struct AWSLogsTimestampTests {
    @Test("Docker's RFC 3339 timestamps read to the millisecond, as a date formatter reads them")
    func dockerTimestamps() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for text in [
            "2024-01-02T03:04:05.123Z", "1970-01-01T00:00:00.000Z", "2000-02-29T23:59:59.999Z",
            "2026-12-31T12:00:00.500+02:00", "2026-03-01T00:00:00.001-05:30", "2100-03-01T00:00:00.000Z",
        ] {
            let expected = try #require(formatter.date(from: text))
            #expect(AWSLogsShipper.parseMillis(text) == Int((expected.timeIntervalSince1970 * 1000).rounded()))
        }
        #expect(AWSLogsShipper.parseMillis("2024-01-02T03:04:05.123456789Z") == 1_704_164_645_123)
        #expect(AWSLogsShipper.parseMillis("2024-01-02T03:04:05Z") == 1_704_164_645_000)
        for bad in ["", "2024-01-02 03:04:05Z", "2024-01-02T03:04:05", "2024-13-02T03:04:05Z", "x024-01-02T03:04:05Z"] {
            #expect(AWSLogsShipper.parseMillis(bad) == nil)
        }
    }
}

@Suite("awslogs batch timing")
struct AWSLogsBatchTimingTests {
    @Test("a full buffer or a closed one is sent at once; otherwise events wait for the batch delay")
    func waitForBatch() async {
        let event = LogEventAssembler.Event(timestamp: 0, message: String(repeating: "f", count: 74), linesThrough: 1)
        let full = LogBuffer(capacity: 200, nonBlocking: false)
        full.offer(event, ordinal: 0)
        full.offer(event, ordinal: 1)
        var began = ContinuousClock.now
        await full.waitForBatch(.seconds(30))
        #expect(ContinuousClock.now - began < .seconds(5))
        let closed = LogBuffer(capacity: 1 << 20, nonBlocking: false)
        closed.close()
        began = ContinuousClock.now
        await closed.waitForBatch(.seconds(30))
        #expect(ContinuousClock.now - began < .seconds(5))
        let partial = LogBuffer(capacity: 1 << 20, nonBlocking: false)
        partial.offer(event, ordinal: 0)
        began = ContinuousClock.now
        await partial.waitForBatch(.milliseconds(100))
        #expect(ContinuousClock.now - began >= .milliseconds(100))
    }
}
