import AdmiralModel
import Foundation

/// Turns a container's lines into CloudWatch Logs events, pure and deterministic (so that
/// the same lines give the same events, numbered the same, after an agent restart): lines
/// over the event limit are split as the service splits them, and with a multi-line
/// pattern a line that does not match joins the event before it.
///
/// A multi-line event is held until a line begins the next one, so the last event of a
/// container that keeps running would wait for ever: like Docker's awslogs driver, an
/// event stops taking lines once it is ``multilineFlushMillis`` old. The rule reads the
/// lines' own timestamps (a continuation line stamped that long after the event began
/// starts an event of its own), which a restarted agent sees again; ``flush(now:)`` applies
/// it by the clock while no line comes, and hands over what the next line would have closed.
struct LogEventAssembler {
    /// An event with the number of lines consumed once it is delivered; -1 for a piece of
    /// a split event that more pieces follow.
    struct Event: Equatable {
        var timestamp: Int
        var message: String
        var linesThrough: Int
    }

    /// The most UTF-8 bytes of one event's message.
    static let maxMessageBytes = Logs.Limits.bytesPerEvent - Logs.Limits.eventOverhead
    /// How long a multi-line event takes more lines, from its first line's timestamp: 5 s,
    /// as Docker's awslogs driver flushes a pending multi-line event.
    static let multilineFlushMillis = 5_000

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
        guard let multiline else {
            return Self.split(Event(timestamp: timestamp, message: text, linesThrough: lines))
        }
        var out: [Event] = []
        if var event = pending, text.firstMatch(of: multiline) == nil,
            timestamp - event.timestamp < Self.multilineFlushMillis
        {
            pending = nil  // `event` holds the only copy, so appending does not copy the message
            event.message += "\n"
            event.message += text
            event.linesThrough = lines
            // An event past the size limit hands over its full pieces now rather than grow
            // without bound; the rest stays open for more lines.
            if event.message.utf8.count > Self.maxMessageBytes {
                var pieces = Self.split(event)
                event = pieces.removeLast()
                out += pieces
            }
            pending = event
        } else {
            if let done = pending { out += Self.split(done) }
            pending = Event(timestamp: timestamp, message: text, linesThrough: lines)
        }
        return out
    }

    /// The open multi-line event when it is ``multilineFlushMillis`` old at `now`
    /// (milliseconds since the epoch): no later line could join it.
    mutating func flush(now: Int) -> [Event] {
        guard let event = pending, now - event.timestamp >= Self.multilineFlushMillis else { return [] }
        pending = nil
        return Self.split(event)
    }

    /// The event still open when the output ended.
    mutating func finish() -> [Event] {
        defer { pending = nil }
        return pending.map(Self.split) ?? []
    }

    /// An event cut into pieces of at most `maxMessageBytes`, at character boundaries. An
    /// empty message (an empty line) becomes one space, since the service refuses empty
    /// events.
    static func split(_ event: Event) -> [Event] {
        if event.message.isEmpty {
            return [Event(timestamp: event.timestamp, message: " ", linesThrough: event.linesThrough)]
        }
        guard event.message.utf8.count > maxMessageBytes else { return [event] }
        var pieces: [Event] = []
        var current = ""
        var size = 0
        for character in event.message {
            let length = character.utf8.count
            if size + length > maxMessageBytes && size > 0 {
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
