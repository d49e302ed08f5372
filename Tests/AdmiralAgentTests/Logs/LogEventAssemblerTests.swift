import AdmiralModel
import Foundation
import Testing

@testable import AdmiralAgent

@Suite("awslogs event assembly")
struct LogEventAssemblerTests {
    typealias Event = LogEventAssembler.Event
    static let t0 = 1_700_000_000_000
    static let max = LogEventAssembler.maxMessageBytes

    /// Every line through one assembler, then its end.
    static func assemble(
        _ lines: [(String, Int)], pattern: String? = nil, consumed: Int = 0
    ) -> [Event] {
        var assembler = LogEventAssembler(multilinePattern: pattern, linesConsumed: consumed)
        var events = lines.flatMap { assembler.add(text: $0.0, timestamp: $0.1) }
        events += assembler.finish()
        return events
    }

    @Test("without a pattern every line is an event that consumes it; an empty line is one space")
    func linesAreEvents() {
        let events = Self.assemble([("a", Self.t0), ("", Self.t0 + 1), ("c", Self.t0 + 2)], consumed: 10)
        #expect(
            events == [
                Event(timestamp: Self.t0, message: "a", linesThrough: 11),
                Event(timestamp: Self.t0 + 1, message: " ", linesThrough: 12),
                Event(timestamp: Self.t0 + 2, message: "c", linesThrough: 13),
            ])
    }

    @Test("with a multi-line pattern, lines that do not match join the event before them")
    func multilinePatternGroups() {
        var assembler = LogEventAssembler(multilinePattern: "^(INFO|ERROR) ", linesConsumed: 0)
        #expect(assembler.add(text: "INFO start", timestamp: Self.t0).isEmpty)
        #expect(
            assembler.add(text: "ERROR boom", timestamp: Self.t0 + 1) == [
                Event(timestamp: Self.t0, message: "INFO start", linesThrough: 1)
            ])
        #expect(assembler.add(text: "  at a()", timestamp: Self.t0 + 2).isEmpty)
        #expect(assembler.add(text: "", timestamp: Self.t0 + 3).isEmpty)
        #expect(assembler.add(text: "  at b()", timestamp: Self.t0 + 4).isEmpty)
        #expect(
            assembler.add(text: "INFO next", timestamp: Self.t0 + 5) == [
                Event(timestamp: Self.t0 + 1, message: "ERROR boom\n  at a()\n\n  at b()", linesThrough: 5)
            ])
        #expect(assembler.finish() == [Event(timestamp: Self.t0 + 5, message: "INFO next", linesThrough: 6)])
        #expect(assembler.finish().isEmpty)
    }

    @Test("lines before the first match make an event of their own, never an empty one")
    func leadingContinuationLines() {
        let events = Self.assemble(
            [("", Self.t0), ("", Self.t0), ("INFO a", Self.t0 + 1)], pattern: "^INFO")
        #expect(
            events == [
                Event(timestamp: Self.t0, message: "\n", linesThrough: 2),
                Event(timestamp: Self.t0 + 1, message: "INFO a", linesThrough: 3),
            ])
        let lone = Self.assemble([("", Self.t0)], pattern: "^INFO")
        #expect(lone == [Event(timestamp: Self.t0, message: " ", linesThrough: 1)])
    }

    @Test("awslogs-datetime-format becomes an anchored pattern that groups a timestamped entry's lines")
    func datetimeFormatGroups() throws {
        let options = try AWSLogsOptions(
            options: ["awslogs-group": "g", "awslogs-datetime-format": "[%b %d, %Y %H:%M:%S]"],
            containerName: "app", taskArn: "arn:aws:ecs:us-east-1:1:task/c/abc")
        let pattern = try #require(options.multilinePattern)
        #expect(pattern.hasPrefix("^\\["))
        let events = Self.assemble(
            [
                ("[May 01, 2017 19:00:01] A message was logged", Self.t0),
                ("  with a second line", Self.t0),
                ("x [May 01, 2017 19:00:02] not at the start", Self.t0),
                ("[May 01, 2017 19:00:04] Another message", Self.t0 + 1),
            ], pattern: pattern)
        #expect(
            events.map(\.message) == [
                "[May 01, 2017 19:00:01] A message was logged\n  with a second line\n"
                    + "x [May 01, 2017 19:00:02] not at the start",
                "[May 01, 2017 19:00:04] Another message",
            ])
        let iso = AWSLogsOptions.regex(strftime: "%Y-%m-%dT%H:%M:%S.%f%z")
        let regex = try Regex(iso)
        #expect("2024-01-02T03:04:05.123+0100 x".firstMatch(of: regex) != nil)
        #expect(" 2024-01-02T03:04:05.123+0100".firstMatch(of: regex) == nil)
        #expect("2024-01-02 03:04:05.123+0100".firstMatch(of: regex) == nil)
    }

    @Test("a multi-line event takes lines for 5 s from its first; flush(now:) hands it over once that old")
    func multilineAge() {
        let flush = LogEventAssembler.multilineFlushMillis
        var assembler = LogEventAssembler(multilinePattern: "^E", linesConsumed: 0)
        #expect(assembler.add(text: "E1", timestamp: Self.t0).isEmpty)
        #expect(assembler.add(text: "  a", timestamp: Self.t0 + flush - 1).isEmpty)
        // Stamped 5 s after the event began: an event of its own.
        #expect(
            assembler.add(text: "  b", timestamp: Self.t0 + flush) == [
                Event(timestamp: Self.t0, message: "E1\n  a", linesThrough: 2)
            ])
        #expect(assembler.flush(now: Self.t0 + 2 * flush - 1).isEmpty)
        #expect(
            assembler.flush(now: Self.t0 + 2 * flush) == [
                Event(timestamp: Self.t0 + flush, message: "  b", linesThrough: 3)
            ])
        #expect(assembler.flush(now: Self.t0 + 3 * flush).isEmpty)
        // After a flush, the next continuation line starts an event, as the rule would.
        #expect(assembler.add(text: "  c", timestamp: Self.t0 + 2 * flush).isEmpty)
        #expect(assembler.finish() == [Event(timestamp: Self.t0 + 2 * flush, message: "  c", linesThrough: 4)])
        // Without a pattern nothing is ever held.
        var plain = LogEventAssembler(multilinePattern: nil, linesConsumed: 0)
        _ = plain.add(text: "x", timestamp: Self.t0)
        #expect(plain.flush(now: Self.t0 + 10 * flush).isEmpty)
    }

    @Test("a line over 256 KiB becomes events of at most 262,118 bytes; only the last consumes the line")
    func longLineSplits() {
        let line = String(repeating: "a", count: 600_000)
        let events = Self.assemble([("x", Self.t0), (line, Self.t0 + 1), ("y", Self.t0 + 2)], consumed: 4)
        #expect(events.map(\.message.utf8.count) == [1, Self.max, Self.max, 600_000 - 2 * Self.max, 1])
        #expect(events.map(\.linesThrough) == [5, -1, -1, 6, 7])
        #expect(events[1...3].allSatisfy { $0.timestamp == Self.t0 + 1 })
        #expect(events[1...3].map(\.message).joined() == line)
        #expect(events.allSatisfy { LogBatchRules.size(of: $0.message) <= Logs.Limits.bytesPerEvent })
    }

    @Test("a line of exactly the limit stays one event; one byte more makes two")
    func splitBoundary() {
        #expect(Self.assemble([(String(repeating: "b", count: Self.max), Self.t0)]).count == 1)
        #expect(
            Self.assemble([(String(repeating: "b", count: Self.max + 1), Self.t0)]).map(\.message.utf8.count) == [
                Self.max, 1,
            ])
    }

    @Test("a split never cuts a multi-byte character")
    func splitKeepsCharacters() {
        // 262,118 is not a multiple of 3: a cut by bytes would fall inside a "€".
        let line = String(repeating: "€", count: 200_000)
        let events = Self.assemble([(line, Self.t0)])
        #expect(events.count == 3)
        #expect(events.allSatisfy { $0.message.utf8.count <= Self.max && $0.message.allSatisfy { $0 == "€" } })
        #expect(events.map(\.message).joined() == line)
    }

    @Test("a multi-line event past the limit hands over its full pieces and stays open for more lines")
    func multilineGrowsInPieces() {
        var assembler = LogEventAssembler(multilinePattern: "^E", linesConsumed: 0)
        let chunk = String(repeating: "c", count: 100_000)
        var out: [Event] = []
        out += assembler.add(text: "E start", timestamp: Self.t0)
        for _ in 0..<5 { out += assembler.add(text: chunk, timestamp: Self.t0 + 1) }
        #expect(out.count == 1)
        #expect(out[0].message.utf8.count == Self.max && out[0].linesThrough == -1)
        out += assembler.add(text: "E next", timestamp: Self.t0 + 2)
        out += assembler.finish()
        let whole = "E start" + String(repeating: "\n" + chunk, count: 5)
        #expect(out.dropLast().map(\.message).joined() == whole)
        #expect(out.map(\.linesThrough) == [-1, 6, 7])
        #expect(out.last?.message == "E next")
    }

    @Test("an assembler restarted after a delivered event gives the same events from there, numbered alike")
    func restartIsDeterministic() {
        var lines: [(String, Int)] = []
        for i in 0..<300 {
            let text = i % 7 == 0 ? "ERROR \(i)" : i % 11 == 0 ? "" : "  detail \(i)"
            lines.append((i == 150 ? text + String(repeating: "z", count: 300_000) : text, Self.t0 + i * 40))
        }
        let all = Self.assemble(lines, pattern: "^ERROR")
        for (index, event) in all.enumerated() where event.linesThrough >= 0 && index % 5 == 0 {
            let rest = Self.assemble(
                Array(lines[event.linesThrough...]), pattern: "^ERROR", consumed: event.linesThrough)
            #expect(rest == Array(all[(index + 1)...]))
        }
        // Every line is in exactly one event, in order.
        #expect(all.map(\.message).joined(separator: "|").count > 0)
        #expect(all.last?.linesThrough == lines.count)
    }
}
