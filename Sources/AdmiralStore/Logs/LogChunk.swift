import AdmiralModel
import Foundation

/// The events of one PutLogEvents call, packed into one BLOB: the unit the log store
/// writes, indexes and reads.
///
/// A row per event made SQLite's B-trees the cost of ingestion (an insert into the table
/// and into two indexes per event); a chunk costs one insert per call, and FilterLogEvents
/// searches a chunk's messages as one run of bytes. Events inside a chunk are sorted by
/// (timestamp, order sent), and event `k` of chunk `c` has the id `c << indexBits | k`, so
/// ids order events the way the store always ordered them: by timestamp, then insertion.
///
/// Layout, little-endian: a version byte (1); the event count `n` (UInt32); `n` timestamps
/// (Int64); `n` ingestion times (Int64); `n` end offsets (UInt32) into the messages, which
/// follow as UTF-8, one after another. A chunk's events span at most 24 hours (a
/// PutLogEvents batch may not span more), which bounds the chunks a time range can touch.
struct LogChunk: Sendable {
    /// Bits of an event id that number the event inside its chunk (batches hold at most
    /// 10,000 events).
    static let indexBits: Int64 = 14
    /// The most events in a chunk.
    static let capacity = 1 << 14
    /// The longest time between a chunk's oldest and newest events.
    static let maxSpan = Logs.Limits.batchSpanMillis
    static let version: UInt8 = 1

    /// The chunk's bytes, as stored.
    let bytes: [UInt8]
    /// Its number of events.
    let count: Int

    /// Reads stored bytes; nil when they are not a chunk.
    init?(bytes: [UInt8]) {
        guard bytes.count >= 5, bytes[0] == Self.version else { return nil }
        let count = Int(Self.load(UInt32.self, bytes, at: 1))
        guard count <= Self.capacity, bytes.count >= Self.header(count) else { return nil }
        self.bytes = bytes
        self.count = count
        guard count == 0 || Self.header(count) + Int(endOffset(count - 1)) == bytes.count else { return nil }
    }

    /// Packs events, given as (timestamp, ingestion time, message), sorted by timestamp
    /// with ties in the order given.
    init<Messages: Collection>(_ events: Messages) where Messages.Element == (Int, Int, String) {
        // Producers nearly always send events in order: sort only when they are not.
        var inOrder = true
        var previous = Int.min
        for event in events {
            if event.0 < previous {
                inOrder = false
                break
            }
            previous = event.0
        }
        if inOrder {
            self.init(packing: events)
        } else {
            self.init(packing: events.enumerated().sorted { ($0.1.0, $0.0) < ($1.1.0, $1.0) }.lazy.map(\.1))
        }
    }

    private init<Messages: Collection>(packing sorted: Messages) where Messages.Element == (Int, Int, String) {
        let count = sorted.count
        precondition(count <= Self.capacity, "a log chunk holds at most \(Self.capacity) events")
        let messageBytes = sorted.reduce(0) { $0 + $1.2.utf8.count }
        var out = [UInt8]()
        out.reserveCapacity(Self.header(count) + messageBytes)
        out.append(Self.version)
        Self.append(UInt32(count), to: &out)
        for event in sorted { Self.append(Int64(event.0), to: &out) }
        for event in sorted { Self.append(Int64(event.1), to: &out) }
        var end = 0
        for event in sorted {
            end += event.2.utf8.count
            Self.append(UInt32(end), to: &out)
        }
        for event in sorted { out.append(contentsOf: event.2.utf8) }
        self.bytes = out
        self.count = count
    }

    static func header(_ count: Int) -> Int { 5 + count * 20 }

    var messagesStart: Int { Self.header(count) }

    func timestamp(_ index: Int) -> Int {
        Int(Self.load(Int64.self, bytes, at: 5 + index * 8))
    }

    func ingestionTime(_ index: Int) -> Int {
        Int(Self.load(Int64.self, bytes, at: 5 + count * 8 + index * 8))
    }

    func endOffset(_ index: Int) -> UInt32 {
        Self.load(UInt32.self, bytes, at: 5 + count * 16 + index * 4)
    }

    /// Where event `index`'s message lies in `bytes`.
    func messageRange(_ index: Int) -> Range<Int> {
        let start = index == 0 ? 0 : Int(endOffset(index - 1))
        return messagesStart + start..<messagesStart + Int(endOffset(index))
    }

    func messageSize(_ index: Int) -> Int { messageRange(index).count }

    func message(_ index: Int) -> String {
        String(decoding: bytes[messageRange(index)], as: UTF8.self)
    }

    /// The bytes of all messages.
    var messageBytes: Int { count == 0 ? 0 : Int(endOffset(count - 1)) }

    /// The event whose message holds the byte at `offset` of `bytes` (a message offset).
    func event(containing offset: Int) -> Int {
        let target = offset - messagesStart
        var low = 0
        var high = count - 1
        while low < high {
            let middle = (low + high) / 2
            if Int(endOffset(middle)) > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The indexes of the events whose message contains `literal`, in order: one memmem
    /// over the messages rather than a search per event.
    func events(containing literal: [UInt8]) -> [Int] {
        guard !literal.isEmpty, count > 0 else { return Array(0..<count) }
        var found: [Int] = []
        bytes.withUnsafeBytes { raw in
            let end = raw.count
            var from = messagesStart
            literal.withUnsafeBytes { needle in
                while from < end {
                    guard let offset = ByteSearch.firstOffset(of: needle, in: raw, from: from) else { return }
                    let index = event(containing: offset)
                    let range = messageRange(index)
                    if offset + needle.count <= range.upperBound { found.append(index) }
                    // A hit that runs into the next message is no match of this one, and
                    // no later one inside it could be: look again from the next message.
                    from = range.upperBound
                }
            }
        }
        return found
    }

    /// The id of event `index` of chunk `chunk`.
    static func eventId(chunk: Int64, index: Int) -> Int64 { chunk << indexBits | Int64(index) }

    /// The chunk of an event id.
    static func chunk(of id: Int64) -> Int64 { id >> indexBits }

    private static func load<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}
