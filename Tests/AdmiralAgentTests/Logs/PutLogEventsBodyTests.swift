import AdmiralModel
import Foundation
import Testing

@testable import AdmiralAgent

@Suite("PutLogEvents bodies written by hand")
struct PutLogEventsBodyTests {
    @Test("a body decodes to the same group, stream and events, whatever the messages hold")
    func roundTrip() throws {
        var random = LogsSeededGenerator(state: 7)
        let alphabet: [Character] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}",
            "é", "漢", "😀", "{", "}", ","]
        for _ in 0..<50 {
            let messages = (0..<Int.random(in: 1...20, using: &random)).map { _ in
                String((0..<Int.random(in: 1...30, using: &random)).map { _ in alphabet.randomElement(using: &random)! })
            }
            let items = messages.enumerated().map { index, message in
                LogBuffer.Item(
                    event: LogEventAssembler.Event(
                        timestamp: 1_700_000_000_000 + index * 7 - 3, message: message, linesThrough: index),
                    ordinal: Int64(index))
            }
            let body = PutLogEventsBody.encode(group: "/ecs/\"web\"", stream: "ecs/app/é\\1", events: items)
            let decoded = try JSONDecoder().decode(Logs.PutLogEventsRequest.self, from: Data(body))
            #expect(decoded.logGroupName == "/ecs/\"web\"")
            #expect(decoded.logStreamName == "ecs/app/é\\1")
            #expect(decoded.logEvents.map(\.message) == messages)
            #expect(decoded.logEvents.map(\.timestamp) == items.map(\.event.timestamp))
        }
    }
}
