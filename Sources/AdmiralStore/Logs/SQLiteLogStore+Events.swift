import AdmiralModel
import Foundation
import GRDB

extension SQLiteLogStore {
    public func putEvents(
        group: String, stream: String, events: [LogEventWrite], ingestionTime: Int, ordinal: Int64?, batchCount: Int
    ) async throws -> LogPutOutcome {
        // Packed by the writer, which runs on the low-priority pool (as the decoding of a
        // large batch does): one hop between threads fewer than packing it apart.
        return try await commits.write { db in
            guard
                let groupId = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT id FROM log_groups WHERE name = ?"), arguments: [group])
            else { throw LogStoreErrors.groupNotFound }
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT id, next_ordinal FROM log_streams WHERE group_id = ? AND name = ?"),
                    arguments: [groupId, stream])
            else { throw LogStoreErrors.streamNotFound }
            let streamId: Int64 = row[0]
            let nextOrdinal: Int64 = row[1]
            var fresh = events
            if let ordinal, events.contains(where: { ordinal + Int64($0.index) < nextOrdinal }) {
                fresh = events.filter { ordinal + Int64($0.index) >= nextOrdinal }
            }
            let kept = fresh.count
            let chunk = fresh.isEmpty ? nil : LogChunk(fresh.lazy.map { ($0.timestamp, ingestionTime, $0.message) })
            if let chunk {
                try Self.insert(chunk, group: groupId, stream: streamId, ingestionTime: ingestionTime, db)
            }
            if let ordinal {
                try db.cachedStatement(sql: "UPDATE log_streams SET next_ordinal = max(next_ordinal, ?) WHERE id = ?")
                    .execute(arguments: [ordinal + Int64(batchCount), streamId])
            }
            return LogPutOutcome(stored: kept, duplicates: events.count - kept)
        }
    }

    public func retention(ofGroup name: String) async throws -> Int? {
        try await writer.read { db in
            guard
                let row = try Row.fetchOne(
                    db.cachedStatement(sql: "SELECT retention FROM log_groups WHERE name = ?"), arguments: [name])
            else { throw LogStoreErrors.groupNotFound }
            return row[0]
        }
    }

    /// Stores a chunk and counts it in its stream (with the time of a put that stored it).
    static func insert(_ chunk: LogChunk, group: Int64, stream: Int64, ingestionTime: Int? = nil, _ db: Database)
        throws
    {
        guard chunk.count > 0 else { return }
        let first = chunk.timestamp(0)
        let last = chunk.timestamp(chunk.count - 1)
        let bytes = chunk.messageBytes
        try insertRow(chunk, group: group, stream: stream, db)
        try db.cachedStatement(
            sql: """
                UPDATE log_streams SET first_ts = min(coalesce(first_ts, ?), ?),
                    last_ts = max(coalesce(last_ts, ?), ?), stored_bytes = stored_bytes + ?,
                    last_ingest = coalesce(?, last_ingest)
                WHERE id = ?
                """
        ).execute(arguments: [first, first, last, last, bytes, ingestionTime, stream])
    }

    /// The chunk's row alone (the stream's counts are the caller's).
    static func insertRow(_ chunk: LogChunk, group: Int64, stream: Int64, _ db: Database) throws {
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO log_chunks (group_id, stream_id, min_ts, max_ts, count, bytes, body)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        // The statement binds (copies) the body before this returns, so it is lent, not copied.
        try chunk.bytes.withUnsafeBytes { body in
            try insert.execute(arguments: [
                group, stream, chunk.timestamp(0), chunk.timestamp(chunk.count - 1), chunk.count, chunk.messageBytes,
                Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: body.baseAddress!), count: body.count,
                    deallocator: .none),
            ])
        }
    }

    public func events(
        group: String, stream: String, start: Int?, end: Int?, after: LogPosition?, before: LogPosition?,
        forward: Bool, limit: Int, maxBytes: Int
    ) async throws -> [StoredLogEvent] {
        try await writer.read { db in
            let groupId = try Self.groupId(db, group)
            guard
                let streamId = try Int64.fetchOne(
                    db, sql: "SELECT id FROM log_streams WHERE group_id = ? AND name = ?",
                    arguments: [groupId, stream])
            else { throw LogStoreErrors.streamNotFound }
            var sql = "SELECT id, stream_id, min_ts, max_ts, body FROM log_chunks WHERE stream_id = ?"
            var arguments: StatementArguments = [streamId]
            let low = [start, after?.timestamp].compactMap { $0 }.max()
            let high = [end.map { $0 - 1 }, before?.timestamp].compactMap { $0 }.min()
            if forward {
                if let low {
                    sql += " AND min_ts >= ? AND max_ts >= ?"
                    arguments += [low - LogChunk.maxSpan, low]
                }
                if let high {
                    sql += " AND min_ts <= ?"
                    arguments += [high]
                }
                sql += " ORDER BY min_ts, id"
            } else {
                if let high {
                    sql += " AND max_ts <= ? AND min_ts <= ?"
                    arguments += [high + LogChunk.maxSpan, high]
                }
                if let low {
                    sql += " AND max_ts >= ?"
                    arguments += [low]
                }
                sql += " ORDER BY max_ts DESC, id DESC"
            }
            var found: [StoredLogEvent] = []
            var bytes = 0
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            try LogChunkMerge.run(rows, forward: forward, literal: nil, openLimit: .max) { event in
                let position = event.position
                if forward, let high, position.timestamp > high { return .stop }
                if !forward, let low, position.timestamp < low { return .stop }
                if let start, position.timestamp < start { return .outside }
                if let end, position.timestamp >= end { return .outside }
                if let after, position <= after { return .outside }
                if let before, position >= before { return .outside }
                if found.count == limit { return .stop }
                bytes += event.chunk.messageSize(event.index) + Logs.Limits.eventOverhead
                if bytes > maxBytes && !found.isEmpty { return .stop }
                found.append(
                    StoredLogEvent(
                        id: position.id, stream: stream, timestamp: position.timestamp,
                        ingestionTime: event.chunk.ingestionTime(event.index), message: event.chunk.message(event.index)))
                return .take
            }
            return forward ? found : found.reversed()
        }
    }

    public func filterEvents(
        group: String, streams: [String]?, prefix: String?, start: Int?, end: Int?, after: LogPosition?, limit: Int,
        maxBytes: Int, scanLimit: Int, pattern: LogFilterPattern
    ) async throws -> LogFilterPage {
        try await writer.read { db in
            let groupId = try Self.groupId(db, group)
            var names: [Int64: String] = [:]
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, name FROM log_streams WHERE group_id = ? ORDER BY name", arguments: [groupId])
            let wanted = streams.map(Set.init)
            for row in rows {
                let name: String = row["name"]
                if let wanted, !wanted.contains(name) { continue }
                if let prefix, !name.hasPrefix(prefix) { continue }
                names[row["id"]] = name
            }
            let searched = names.values.sorted()
            guard !names.isEmpty else { return LogFilterPage(events: [], streams: searched, next: nil) }
            var sql = "SELECT id, stream_id, min_ts, max_ts, body FROM log_chunks WHERE group_id = ?"
            var arguments: StatementArguments = [groupId]
            if streams != nil || prefix != nil {
                sql += " AND stream_id IN (\(names.keys.map { String($0) }.joined(separator: ",")))"
            }
            let low = [start, after?.timestamp].compactMap { $0 }.max()
            if let low {
                sql += " AND min_ts >= ? AND max_ts >= ?"
                arguments += [low - LogChunk.maxSpan, low]
            }
            if let end {
                sql += " AND min_ts <= ?"
                arguments += [end]
            }
            sql += " ORDER BY min_ts, id"
            var found: [StoredLogEvent] = []
            var bytes = 0
            var scanned = 0
            var full = false
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            let resume = try LogChunkMerge.run(
                cursor, forward: true, literal: pattern.requiredLiteral, openLimit: scanLimit
            ) { event in
                let position = event.position
                if let end, position.timestamp > end { return .stop }
                if let start, position.timestamp < start { return .outside }
                if let after, position <= after { return .outside }
                if found.count == limit || scanned == scanLimit {
                    full = true
                    return .stop
                }
                scanned += 1
                let message = event.chunk.message(event.index)
                guard pattern.matches(message) else { return .skip }
                let size = message.utf8.count + Logs.Limits.eventOverhead
                if bytes + size > maxBytes && !found.isEmpty {
                    full = true
                    return .stop
                }
                bytes += size
                found.append(
                    StoredLogEvent(
                        id: position.id, stream: names[event.stream] ?? "", timestamp: position.timestamp,
                        ingestionTime: event.chunk.ingestionTime(event.index), message: message))
                return .take
            }
            // A page cut short (by its size or by the chunks it may open) goes on from the
            // first event it did not read; a page stopped by the end of the range is complete.
            let next = resume.flatMap { resume -> LogPosition? in
                guard full || resume.budgetSpent else { return nil }
                return LogPosition(timestamp: resume.position.timestamp, id: resume.position.id - 1)
            }
            return LogFilterPage(events: found, streams: searched, next: next)
        }
    }

    public func expire(now: Int) async throws -> Int {
        try await writer.write { db in
            let groups = try Row.fetchAll(
                db, sql: "SELECT id, retention FROM log_groups WHERE retention IS NOT NULL")
            var removed = 0
            for row in groups {
                let id: Int64 = row["id"]
                let days: Int = row["retention"]
                let cutoff = now - days * 86_400_000
                var touched: Set<Int64> = []
                // Chunks wholly older than the cutoff go; those across it keep their newer events.
                let old = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, stream_id, max_ts, count, bytes, body FROM log_chunks
                        WHERE group_id = ? AND min_ts < ? ORDER BY id
                        """, arguments: [id, cutoff])
                for chunk in old {
                    let chunkId: Int64 = chunk["id"]
                    let streamId: Int64 = chunk["stream_id"]
                    let maxTs: Int = chunk["max_ts"]
                    touched.insert(streamId)
                    try db.execute(sql: "DELETE FROM log_chunks WHERE id = ?", arguments: [chunkId])
                    try db.execute(
                        sql: "UPDATE log_streams SET stored_bytes = max(0, stored_bytes - ?) WHERE id = ?",
                        arguments: [chunk["bytes"] as Int, streamId])
                    guard maxTs >= cutoff else {
                        removed += chunk["count"] as Int
                        continue
                    }
                    let body: Data = chunk["body"]
                    guard let stored = LogChunk(bytes: [UInt8](body)) else { continue }
                    let keep = (0..<stored.count).filter { stored.timestamp($0) >= cutoff }
                    removed += stored.count - keep.count
                    let rest = LogChunk(
                        keep.lazy.map { (stored.timestamp($0), stored.ingestionTime($0), stored.message($0)) })
                    try Self.insert(rest, group: id, stream: streamId, db)
                }
                for streamId in touched {
                    try db.execute(
                        sql: "UPDATE log_streams SET first_ts = (SELECT min(min_ts) FROM log_chunks WHERE stream_id = ?) "
                            + "WHERE id = ?", arguments: [streamId, streamId])
                }
            }
            return removed
        }
    }

    /// Packs the events of the first schema (a row each) into chunks, stream by stream in
    /// time order, each within ``LogChunk``'s capacity and span.
    static func moveEventsToChunks(_ db: Database) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT group_id, stream_id, ts, ingest, message FROM log_events ORDER BY stream_id, ts, id")
        var pending: [(Int, Int, String)] = []
        var owner: (group: Int64, stream: Int64)?
        func flush() throws {
            guard let owner, !pending.isEmpty else { return }
            let chunk = LogChunk(pending)
            pending.removeAll(keepingCapacity: true)
            try insertRow(chunk, group: owner.group, stream: owner.stream, db)
        }
        while let row = try rows.next() {
            let group: Int64 = row[0]
            let stream: Int64 = row[1]
            let timestamp: Int = row[2]
            if owner?.stream != stream || pending.count == 10_000
                || (pending.first.map { timestamp - $0.0 > LogChunk.maxSpan } ?? false)
            {
                try flush()
                owner = (group, stream)
            }
            pending.append((timestamp, row[3], row[4]))
        }
        try flush()
    }
}

/// Reads chunks, ordered by their oldest timestamp (forward) or newest (backward), as one
/// sequence of events in (timestamp, id) order: a chunk is opened only once the events of
/// those already open could come after its first (forward) or last (backward) one.
enum LogChunkMerge {
    /// An event of an open chunk.
    struct Event {
        let chunkId: Int64
        let stream: Int64
        let chunk: LogChunk
        let index: Int

        var position: LogPosition {
            LogPosition(timestamp: chunk.timestamp(index), id: LogChunk.eventId(chunk: chunkId, index: index))
        }
    }

    /// What the reader does with an event.
    enum Step {
        /// Counts it and moves on.
        case take
        /// Passes over it (read, not taken).
        case skip
        /// Passes over it as outside the range read (not counted as read).
        case outside
        /// Ends the read before it.
        case stop
    }

    /// Where a read ended early: the first event not read.
    struct Resume {
        var position: LogPosition
        /// The read stopped because it opened `openLimit` events' worth of chunks.
        var budgetSpent: Bool
    }

    private struct Open {
        let chunkId: Int64
        let stream: Int64
        let chunk: LogChunk
        /// The events to visit (those holding the literal), nil for all.
        let candidates: [Int]?
        /// Visits them newest first.
        let descending: Bool
        var cursor = 0

        var index: Int? {
            let total = candidates?.count ?? chunk.count
            guard cursor < total else { return nil }
            let place = descending ? total - 1 - cursor : cursor
            return candidates.map { $0[place] } ?? place
        }
    }

    /// Visits the events of the chunks `rows` gives (columns id, stream_id, min_ts, max_ts,
    /// body), in order, until `visit` stops or the chunks end; with a `literal`, only events
    /// whose message contains it are visited. Once an event in the range was read, opening
    /// chunks stops when they held `openLimit` events (so every read makes progress).
    /// Returns where it stopped, nil when every event was visited.
    @discardableResult
    static func run(
        _ rows: RowCursor, forward: Bool, literal: [UInt8]?, openLimit: Int, visit: (Event) throws -> Step
    ) throws -> Resume? {
        var open: [Open] = []
        var next = try rows.next()
        var opened = 0
        var read = 0
        func key(_ item: Open, _ index: Int) -> LogPosition {
            LogPosition(timestamp: item.chunk.timestamp(index), id: LogChunk.eventId(chunk: item.chunkId, index: index))
        }
        while true {
            var best: (slot: Int, index: Int, key: LogPosition)?
            for (slot, item) in open.enumerated() {
                guard let index = item.index else { continue }
                let candidate = key(item, index)
                if let current = best, forward ? current.key <= candidate : current.key >= candidate { continue }
                best = (slot, index, candidate)
            }
            if let row = next {
                let bound: Int = forward ? row[2] : row[3]
                let chunkId: Int64 = row[0]
                let mustOpen = best.map { forward ? $0.key.timestamp >= bound : $0.key.timestamp <= bound } ?? true
                if mustOpen {
                    if opened >= openLimit && read > 0 {
                        let first = LogPosition(
                            timestamp: bound,
                            id: forward ? LogChunk.eventId(chunk: chunkId, index: 0)
                                : LogChunk.eventId(chunk: chunkId, index: LogChunk.capacity - 1))
                        let at = best.map { forward ? min($0.key, first) : max($0.key, first) } ?? first
                        return Resume(position: at, budgetSpent: true)
                    }
                    let stream: Int64 = row[1]
                    let bytes = try row.withUnsafeData(atIndex: 4) { data in data.map { [UInt8]($0) } ?? [] }
                    if let chunk = LogChunk(bytes: bytes) {
                        opened += chunk.count
                        let item = Open(
                            chunkId: chunkId, stream: stream, chunk: chunk,
                            candidates: literal.map { chunk.events(containing: $0) }, descending: !forward)
                        if item.index != nil { open.append(item) }
                    }
                    next = try rows.next()
                    continue
                }
            }
            guard let chosen = best else { return nil }
            let event = Event(
                chunkId: open[chosen.slot].chunkId, stream: open[chosen.slot].stream, chunk: open[chosen.slot].chunk,
                index: chosen.index)
            switch try visit(event) {
            case .stop: return Resume(position: chosen.key, budgetSpent: false)
            case .take, .skip:
                read += 1
                open[chosen.slot].cursor += 1
            case .outside: open[chosen.slot].cursor += 1
            }
            if open[chosen.slot].index == nil { open.remove(at: chosen.slot) }
        }
    }
}
