import Foundation
import Testing

@testable import AdmiralModel

@Suite("CloudWatch Logs filter patterns")
struct LogFilterPatternTests {
    func matches(_ pattern: String, _ message: String) throws -> Bool {
        try LogFilterPattern(pattern).matches(message)
    }

    @Test("the empty pattern matches every event")
    func empty() throws {
        #expect(try matches("", "anything"))
        #expect(try matches("  ", "anything"))
    }

    @Test("terms are case-sensitive substrings that must all appear")
    func terms() throws {
        #expect(try matches("ERROR", "[ERROR] disk full"))
        #expect(try !matches("ERROR", "[error] disk full"))
        #expect(try matches("ERROR disk", "[ERROR] disk full"))
        #expect(try !matches("ERROR memory", "[ERROR] disk full"))
    }

    @Test("quoted phrases match as a whole")
    func phrases() throws {
        #expect(try matches("\"disk full\"", "[ERROR] disk full"))
        #expect(try !matches("\"full disk\"", "[ERROR] disk full"))
    }

    @Test("a '-' term excludes and '?' terms are alternatives")
    func exclusionsAndAlternatives() throws {
        #expect(try matches("ERROR -timeout", "ERROR disk full"))
        #expect(try !matches("ERROR -timeout", "ERROR timeout"))
        #expect(try matches("?ERROR ?WARN", "WARN low disk"))
        #expect(try matches("?ERROR ?WARN", "ERROR low disk"))
        #expect(try !matches("?ERROR ?WARN", "INFO fine"))
    }

    @Test("JSON patterns compare strings, numbers and combine with && and ||")
    func json() throws {
        let event =
            #"{"level": "error", "latency": 150, "user": {"id": 7}, "tags": ["a", "b"], "ok": false, "gone": null}"#
        #expect(try matches(#"{ $.level = "error" && $.latency > 100 }"#, event))
        #expect(try !matches(#"{ $.level = "error" && $.latency > 200 }"#, event))
        #expect(try matches(#"{ $.level = "info" || $.latency >= 150 }"#, event))
        #expect(try matches(#"{ $.user.id = 7 }"#, event))
        #expect(try matches(#"{ $.tags[1] = "b" }"#, event))
        #expect(try matches(#"{ $.level = err* }"#, event))
        #expect(try matches(#"{ $.level != "info" }"#, event))
        #expect(try matches(#"{ $.ok IS FALSE }"#, event))
        #expect(try matches(#"{ $.gone IS NULL }"#, event))
        #expect(try matches(#"{ $.missing NOT EXISTS }"#, event))
        #expect(try !matches(#"{ $.level = "error" }"#, "level=error not json"))
        #expect(try matches(#"{ ($.latency < 10 || $.latency > 100) && $.level = "error" }"#, event))
    }

    @Test("JSON events the fast scanner declines (escaped keys, deep nesting) are still read")
    func jsonFallback() throws {
        #expect(try matches(#"{ $.ab = 1 }"#, #"{"a\u0062": 1, "msg": "caf\u00e9 \"quoted\""}"#))
        #expect(try matches(#"{ $.msg = "café \"quoted\"" }"#, #"{"msg": "caf\u00e9 \"quoted\"", "n": -1.5e2}"#))
        #expect(try matches(#"{ $.n < -100 }"#, #"{"msg": "x", "n": -1.5e2}"#))
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(try matches(#"{ $.a = 1 }"#, #"{"a": 1, "deep": "# + deep + "}"))
        #expect(try !matches(#"{ $.a = 1 }"#, #"{"a": 1,"#))
    }

    @Test("space-delimited patterns bind fields, with ellipses and conditions")
    func delimited() throws {
        let line = #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 404 2326"#
        #expect(try matches("[ip, id, user, timestamp, request, status, size]", line))
        #expect(try !matches("[ip, id, user, timestamp, request, status]", line))
        #expect(try matches("[ip, ..., status = 4*, size]", line))
        #expect(try !matches("[ip, ..., status = 5*, size]", line))
        #expect(try matches("[..., status = 404, size > 1000]", line))
        #expect(try matches("[..., status = 500 || status = 404, size]", line))
        let match = try #require(try LogFilterPattern("[ip, ..., status, size]").match(line))
        #expect(match.values["$status"] == "404")
        #expect(match.values["$size"] == "2326")
        #expect(match.values["$ip"] == "127.0.0.1")
    }

    @Test("metric values come from a number or a named field")
    func metricValues() throws {
        let pattern = try LogFilterPattern(#"{ $.latency > 0 }"#)
        let match = try #require(pattern.match(#"{"latency": 42.5}"#))
        #expect(LogFilterPattern.metricValue("$.latency", in: match) == 42.5)
        #expect(LogFilterPattern.metricValue("1", in: match) == 1)
        #expect(LogFilterPattern.metricValue("$.other", in: match) == nil)
    }

    @Test("malformed patterns are refused with InvalidParameterException")
    func malformed() {
        for text in [#"{ $.a = "x" "#, "[a, b", #"{ $.a > "x" }"#, "[a, a]", #""unclosed"#, "{ a = 1 }", "[a, b = ]"] {
            #expect(throws: AdmiralError.self, "\(text)") { try LogFilterPattern(text) }
        }
    }
}

@Suite("PutLogEvents batch rules")
struct LogBatchRulesTests {
    let now = 1_800_000_000_000

    func events(_ count: Int, at timestamp: Int? = nil, size: Int = 10) -> [Logs.InputLogEvent] {
        (0..<count).map { _ in
            Logs.InputLogEvent(timestamp: timestamp ?? now, message: String(repeating: "x", count: size))
        }
    }

    @Test("a batch of 10,000 events passes and 10,001 is refused")
    func count() throws {
        #expect(try LogBatchRules.check(events(10_000), now: now, retentionDays: nil).accepted.count == 10_000)
        #expect(throws: AdmiralError.self) { try LogBatchRules.check(events(10_001), now: now, retentionDays: nil) }
    }

    @Test("the batch's bytes count 26 bytes per event")
    func bytes() throws {
        // 4 events of 262,118 bytes are 1,048,576 bytes with overhead: exactly the limit.
        let fits = events(4, size: 262_144 - 26)
        #expect(try LogBatchRules.check(fits, now: now, retentionDays: nil).accepted.count == 4)
        var over = fits
        over.append(Logs.InputLogEvent(timestamp: now, message: "x"))
        #expect(throws: AdmiralError.self) { try LogBatchRules.check(over, now: now, retentionDays: nil) }
        #expect(throws: AdmiralError.self) {
            try LogBatchRules.check(events(1, size: 262_144 - 25), now: now, retentionDays: nil)
        }
    }

    @Test("a batch spanning more than 24 hours is refused")
    func span() throws {
        let batch = [
            Logs.InputLogEvent(timestamp: now - 25 * 3_600_000, message: "old"),
            Logs.InputLogEvent(timestamp: now, message: "new"),
        ]
        #expect(throws: AdmiralError.self) { try LogBatchRules.check(batch, now: now, retentionDays: nil) }
    }

    @Test("too old, expired and too new events are rejected one by one; out of order is accepted")
    func rejected() throws {
        let batch = [
            Logs.InputLogEvent(timestamp: now - 14 * 86_400_000 - 1000, message: "too old"),
            Logs.InputLogEvent(timestamp: now - 14 * 86_400_000 + 1000, message: "old but fine"),
            Logs.InputLogEvent(timestamp: now - 1000, message: "b"),
            Logs.InputLogEvent(timestamp: now - 2000, message: "a"),
            Logs.InputLogEvent(timestamp: now + 3 * 3_600_000, message: "too new"),
        ]
        // The span is over 24 hours, so check the parts separately.
        let first = try LogBatchRules.check(Array(batch[2...]), now: now, retentionDays: nil)
        #expect(first.accepted == [0, 1])
        #expect(first.rejected?.tooNewLogEventStartIndex == 2)
        let second = try LogBatchRules.check(Array(batch[0...1]), now: now, retentionDays: nil)
        #expect(second.accepted == [1])
        #expect(second.rejected?.tooOldLogEventEndIndex == 1)
        let expired = try LogBatchRules.check(
            [Logs.InputLogEvent(timestamp: now - 2 * 86_400_000, message: "x")], now: now, retentionDays: 1)
        #expect(expired.accepted.isEmpty)
        #expect(expired.rejected?.expiredLogEventEndIndex == 1)
    }

    @Test("empty batches and empty messages are refused")
    func empty() {
        #expect(throws: AdmiralError.self) { try LogBatchRules.check([], now: now, retentionDays: nil) }
        #expect(throws: AdmiralError.self) {
            try LogBatchRules.check([Logs.InputLogEvent(timestamp: now, message: "")], now: now, retentionDays: nil)
        }
    }

    @Test("group and stream names follow CloudWatch Logs' character sets")
    func names() {
        #expect(throws: Never.self) { try LogNames.checkGroupName("/ecs/web_app-1.#") }
        #expect(throws: AdmiralError.self) { try LogNames.checkGroupName("bad name") }
        #expect(throws: AdmiralError.self) { try LogNames.checkGroupName("") }
        #expect(throws: Never.self) { try LogNames.checkStreamName("ecs/web/0123 abc") }
        #expect(throws: AdmiralError.self) { try LogNames.checkStreamName("a:b") }
        #expect(LogNames.groupName(fromIdentifier: "arn:aws:logs:us-east-1:0:log-group:/ecs/web:*") == "/ecs/web")
    }

    @Test("terms holding NUL and other odd characters are searched by bytes, never trapping")
    func oddTerms() throws {
        // Found by fuzzing: Foundation's contains trapped on this message with a NUL term,
        // and FilterLogEvents runs client patterns over stored messages.
        let message = "\u{0}\u{0}\u{0}\u{0}\u{0}\u{0}, s0tatue>=100]"
        let pattern = try LogFilterPattern("\"\u{0}\u{0}\u{0}\u{0}\u{0}\"")
        #expect(pattern.matches(message))
        #expect(!pattern.matches("10.0/\u{FFFD}\u{FFFD}[ip, u\u{FFFD}s\u{FFFD}\u{0}"))
        #expect(try LogFilterPattern("{ $.a = \"x*\u{0}*y\" }").matches(#"{"a": "x\u0000 y"}"#))
    }
}
