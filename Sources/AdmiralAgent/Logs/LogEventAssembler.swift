import AdmiralModel
import Foundation

/// Turns a container's lines into CloudWatch Logs events, pure and deterministic (so that
/// the same lines give the same events, numbered the same, after an agent restart): lines
/// over the event limit are split as the service splits them, and with a multi-line
/// pattern a line that does not match joins the event before it.
struct LogEventAssembler {
    /// An event with the number of lines consumed once it is delivered.
    struct Event: Equatable {
        var timestamp: Int
        var message: String
        var linesThrough: Int
    }

    /// The most UTF-8 bytes of one event's message.
    static let maxMessageBytes = Logs.Limits.bytesPerEvent - Logs.Limits.eventOverhead

    let multiline: Regex<AnyRegexOutput>?
    var pending: Event?
    var lines: Int

    init(multilinePattern: String?, linesConsumed: Int) {
        multiline = multilinePattern.flatMap { try? Regex($0) }
        lines = linesConsumed
    }

    /// Adds a line; returns the events it completed.
    mutating func add(text: String, timestamp: Int) -> [Event] {
        lines += 1
        var out: [Event] = []
        if let multiline {
            if text.firstMatch(of: multiline) != nil || pending == nil {
                if let done = pending { out += Self.split(done) }
                pending = Event(timestamp: timestamp, message: text, linesThrough: lines)
            } else {
                pending?.message += "\n" + text
                pending?.linesThrough = lines
            }
            return out
        }
        return Self.split(Event(timestamp: timestamp, message: text.isEmpty ? " " : text, linesThrough: lines))
    }

    /// The event still open when the output ended.
    mutating func finish() -> [Event] {
        defer { pending = nil }
        return pending.map(Self.split) ?? []
    }

    /// An event cut into pieces of at most `maxMessageBytes`, at character boundaries.
    static func split(_ event: Event) -> [Event] {
        guard event.message.utf8.count > maxMessageBytes else { return [event] }
        var pieces: [Event] = []
        var current = ""
        var size = 0
        for character in event.message {
            let length = character.utf8.count
            if size + length > maxMessageBytes {
                pieces.append(Event(timestamp: event.timestamp, message: current, linesThrough: -1))
                current = ""
                size = 0
            }
            current.append(character)
            size += length
        }
        pieces.append(Event(timestamp: event.timestamp, message: current, linesThrough: event.linesThrough))
        return pieces
    }
}
