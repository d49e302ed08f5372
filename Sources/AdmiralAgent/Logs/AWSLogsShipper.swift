import AdmiralModel
import DockerEngine
import Foundation
import Logging
import Synchronization

/// Ships the output of containers with the `awslogs` log driver to the control plane's
/// CloudWatch Logs API, exactly once.
///
/// Docker keeps each container's output in its json-file log; the shipper follows it
/// through the logs API from the first line, skips the lines it already delivered
/// (`linesDelivered` in `DATA_DIR/awslogs/<container id>.json`), turns the rest into
/// events (``LogEventAssembler``) and sends them in PutLogEvents batches that carry the
/// ordinal of their first event. The server stores each ordinal once per stream, and the
/// position file is written only after the server acknowledged a batch; so a killed agent
/// resends at most what was in flight, and the server drops what it already has.
actor AWSLogsShipper {
    struct Position: Codable {
        var linesDelivered: Int
        var nextOrdinal: Int64
        var complete: Bool
        var dropped: Int
    }

    /// How long events wait for more before a batch is sent (a full batch goes at once).
    static let batchDelay: Duration = .milliseconds(200)
    /// How often the agent looks for containers to follow.
    static let scanInterval: Duration = .seconds(1)
    static let retryDelay: Duration = .milliseconds(500)

    let client: ControlPlaneClient
    let docker: DockerClient
    let directory: URL
    let labels: [String: String]
    let logger: Logger
    var following: Set<String> = []

    init(client: ControlPlaneClient, docker: DockerClient, dataDir: String, labels: [String: String], logger: Logger) {
        self.client = client
        self.docker = docker
        self.directory = URL(fileURLWithPath: dataDir).appendingPathComponent("awslogs")
        self.labels = labels
        self.logger = logger
    }

    /// Looks for containers to follow until cancelled.
    func run() async {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                if let containers = try? await docker.listContainers(
                    labels: labels.map { "\($0.key)=\($0.value)" } + [TaskContainers.Label.awslogs], all: true)
                {
                    for container in containers {
                        guard let label = container.labels?[TaskContainers.Label.awslogs],
                            let options = AWSLogsOptions.from(label: label), !following.contains(container.id)
                        else { continue }
                        let position = load(container.id)
                        guard !position.complete else { continue }
                        following.insert(container.id)
                        group.addTask { await self.follow(container.id, options: options, from: position) }
                    }
                }
                try? await Task.sleep(for: Self.scanInterval)
            }
        }
    }

    func done(_ id: String) { following.remove(id) }

    nonisolated func path(_ id: String) -> URL { directory.appendingPathComponent("\(id).json") }

    nonisolated func load(_ id: String) -> Position {
        guard let data = try? Data(contentsOf: path(id)),
            let position = try? JSONDecoder().decode(Position.self, from: data)
        else { return Position(linesDelivered: 0, nextOrdinal: 0, complete: false, dropped: 0) }
        return position
    }

    nonisolated func save(_ position: Position, _ id: String) throws {
        try JSONEncoder().encode(position).write(to: path(id), options: .atomic)
    }

    /// Follows one container until its output ends and every event is delivered.
    func follow(_ id: String, options: AWSLogsOptions, from start: Position) async {
        // max-buffer-size bounds what non-blocking mode holds; in blocking mode Docker keeps the
        // output, and the agent reads a few batches ahead so reading and sending overlap.
        let capacity =
            options.nonBlocking ? options.maxBufferBytes : max(options.maxBufferBytes, 4 * Logs.Limits.bytesPerBatch)
        let buffer = LogBuffer(capacity: capacity, nonBlocking: options.nonBlocking)
        let assembly = LogAssembly(options: options, from: start, buffer: buffer)
        await withDiscardingTaskGroup { group in
            group.addTask { await self.read(id, options: options, from: start, into: assembly) }
            group.addTask { await self.send(id, options: options, from: start, buffer: buffer) }
            if options.multilinePattern != nil {
                group.addTask { await Self.flushMultiline(assembly) }
            }
        }
        done(id)
    }

    /// Reads the container's lines into events, from where delivery stopped.
    ///
    /// Docker's follow stream can end before the last lines when the container exits
    /// while the reader is behind (Docker 20.10 ends it with most of a fast burst unread),
    /// so the end of a stream is trusted only when a stream opened after the container
    /// stopped brings no new line: each pass skips the lines already read.
    nonisolated func read(_ id: String, options: AWSLogsOptions, from start: Position, into assembly: LogAssembly)
        async
    {
        var consumed = start.linesDelivered
        // A container seen before it started has no output yet, and a read of it would end
        // at once, as if its output were complete: wait for it to start (or go).
        var inspected = try? await docker.inspectContainer(id)
        while inspected?.state.status == "created" && !Task.isCancelled {
            try? await Task.sleep(for: Self.startCheck)
            inspected = try? await docker.inspectContainer(id)
        }
        if let path = inspected?.logPath, path.hasSuffix("-json.log"), let file = JSONFileLogReader(path: path) {
            if await readFile(file, id, consumed: &consumed, into: assembly) { return }
            logger.info(
                "following the container's output through the logs API from where its log file left off",
                metadata: ["container.id": .string(id), "lines.read": .stringConvertible(consumed)])
        }
        while !Task.isCancelled {
            do {
                var seen = 0
                var fresh = 0
                for try await line in try await docker.followLogs(id) {
                    if await offer(line, seen: &seen, consumed: &consumed, to: assembly) { fresh += 1 }
                }
                if fresh > 0 { continue }
                assembly.finish()
                return
            } catch {
                logger.notice(
                    "following container logs failed; retrying",
                    metadata: ["container.id": .string(id), "error": .string("\(error)")])
                try? await Task.sleep(for: Self.retryDelay)
                // Start over from the first line not yet delivered.
                consumed = start.linesDelivered
                assembly.reset()
            }
        }
    }

    /// Hands the `seen`-th line (counting this one) to the assembly unless it is one of the
    /// `consumed` lines already read, waiting for room in blocking mode; true when it was new.
    nonisolated func offer(_ line: DockerLogLine, seen: inout Int, consumed: inout Int, to assembly: LogAssembly)
        async -> Bool
    {
        seen += 1
        guard seen > consumed else { return false }
        consumed = seen
        await assembly.buffer.waitForRoom()
        assembly.add(text: line.text, timestamp: Self.millis(line.timestamp))
        return true
    }

    /// How often the reader asks whether a container created before it looked has started.
    static let startCheck: Duration = .milliseconds(100)
    /// How long the file reader waits at the end of a running container's log.
    static let fileIdle: Duration = .milliseconds(10)
    /// How often the file reader asks whether the container still runs while it waits.
    static let stateCheck: Duration = .milliseconds(200)

    /// Reads the container's lines from its json-file log on disk (``JSONFileLogReader``),
    /// skipping the `consumed` lines already delivered, until the container stopped and the
    /// file holds no more: true when the output was read to its end, false when the file
    /// was replaced (rotated), in which case the logs API reads on from `consumed`.
    ///
    /// The end is trusted once the container is seen stopped and a read after that, a
    /// moment later, brings nothing new.
    nonisolated func readFile(_ file: JSONFileLogReader, _ id: String, consumed: inout Int, into assembly: LogAssembly)
        async -> Bool
    {
        var seen = 0
        var stopped = false
        var lastCheck = ContinuousClock.now - Self.stateCheck
        while !Task.isCancelled {
            do {
                var fresh = 0
                while let line = try file.nextLine() {
                    if await offer(line, seen: &seen, consumed: &consumed, to: assembly) { fresh += 1 }
                }
                if fresh > 0 { continue }
                if stopped {
                    for line in file.finishPartial() {
                        _ = await offer(line, seen: &seen, consumed: &consumed, to: assembly)
                    }
                    assembly.finish()
                    return true
                }
                if file.isReplaced {
                    logger.info("container log file replaced (rotated)", metadata: ["container.id": .string(id)])
                    return false
                }
                if ContinuousClock.now - lastCheck >= Self.stateCheck {
                    lastCheck = ContinuousClock.now
                    do {
                        // A container created and not yet started has not stopped.
                        let state = try await docker.inspectContainer(id).state
                        stopped = !state.running && state.status != "created"
                    } catch let error as DockerError where error.code == .notFound {
                        stopped = true
                    } catch {}
                    if stopped { try? await Task.sleep(for: Self.stateCheck) }
                    continue
                }
                try? await Task.sleep(for: Self.fileIdle)
            } catch {
                logger.warning(
                    "reading the container's log file failed; following through the logs API",
                    metadata: ["container.id": .string(id), "error": .string("\(error)")])
                return false
            }
        }
        return true
    }

    /// How often an open multi-line event is checked for its age.
    static let multilineFlushCheck: Duration = .milliseconds(500)

    /// Hands over open multi-line events once they are too old to take more lines, until
    /// the output ends.
    static func flushMultiline(_ assembly: LogAssembly) async {
        while !Task.isCancelled && !assembly.buffer.isClosed {
            try? await Task.sleep(for: multilineFlushCheck)
            assembly.flush(now: Int(Date().timeIntervalSince1970 * 1000))
        }
    }

    /// Sends batches until the output ended and the buffer is empty.
    nonisolated func send(_ id: String, options: AWSLogsOptions, from start: Position, buffer: LogBuffer) async {
        var position = start
        await ensureStream(options)
        while !Task.isCancelled {
            await buffer.waitForBatch(Self.batchDelay)
            let (batch, closed, dropped) = buffer.take()
            if dropped > 0 {
                position.dropped += dropped
                logger.warning(
                    "awslogs buffer full in non-blocking mode: log events dropped",
                    metadata: [
                        "container.id": .string(id), "dropped": .stringConvertible(dropped),
                        "total.dropped": .stringConvertible(position.dropped),
                    ])
            }
            if batch.isEmpty {
                if closed {
                    position.complete = true
                    try? save(position, id)
                    return
                }
                continue
            }
            for part in Self.batches(batch) {
                await deliver(part, options: options)
                position.nextOrdinal = part.last.map { $0.ordinal + 1 } ?? position.nextOrdinal
                if let through = part.last(where: { $0.event.linesThrough >= 0 })?.event.linesThrough {
                    position.linesDelivered = through
                }
                try? save(position, id)
            }
        }
    }

    /// Sends one batch until the server takes it.
    nonisolated func deliver(_ batch: [LogBuffer.Item], options: AWSLogsOptions) async {
        guard let first = batch.first else { return }
        let body = PutLogEventsBody.encode(group: options.group, stream: options.stream, events: batch)
        while !Task.isCancelled {
            do {
                _ = try await client.putLogEvents(body: body, ordinal: first.ordinal)
                return
            } catch let error as ControlPlaneError where error.code == "ResourceNotFoundException" {
                await ensureStream(options)
            } catch {
                logger.notice("PutLogEvents failed; retrying", metadata: ["error": .string("\(error)")])
                try? await Task.sleep(for: Self.retryDelay)
            }
        }
    }

    /// Creates the group (when asked) and the stream; existing ones are fine.
    nonisolated func ensureStream(_ options: AWSLogsOptions) async {
        if options.createGroup {
            _ = try? await client.createLogGroup(Logs.CreateLogGroupRequest(logGroupName: options.group))
        }
        _ = try? await client.createLogStream(
            Logs.CreateLogStreamRequest(logGroupName: options.group, logStreamName: options.stream))
    }

    /// Items cut into PutLogEvents batches: consecutive ordinals, at most 10,000 events,
    /// 1 MiB, 24 hours.
    static func batches(_ items: [LogBuffer.Item]) -> [[LogBuffer.Item]] {
        var out: [[LogBuffer.Item]] = []
        var current: [LogBuffer.Item] = []
        var bytes = 0
        var oldest = Int.max
        var newest = Int.min
        for item in items {
            let size = LogBatchRules.size(of: item.event.message)
            let breaks =
                current.count == Logs.Limits.eventsPerBatch || bytes + size > Logs.Limits.bytesPerBatch
                || (current.last.map { $0.ordinal + 1 != item.ordinal } ?? false)
                || max(newest, item.event.timestamp) - min(oldest, item.event.timestamp) > Logs.Limits.batchSpanMillis
            if breaks && !current.isEmpty {
                out.append(current)
                current = []
                bytes = 0
                oldest = Int.max
                newest = Int.min
            }
            current.append(item)
            bytes += size
            oldest = min(oldest, item.event.timestamp)
            newest = max(newest, item.event.timestamp)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Milliseconds of Docker's RFC 3339 timestamp (`2024-01-02T03:04:05.123456789Z`), read
    /// by hand: it is parsed once per line, and a date formatter per line cost more than
    /// the rest of the agent's work on it. Falls back to the clock for text it does not read.
    static func millis(_ text: String) -> Int {
        parseMillis(text) ?? Int(Date().timeIntervalSince1970 * 1000)
    }

    static func parseMillis(_ text: String) -> Int? {
        var text = text
        return text.withUTF8 { parseMillis(bytes: $0) }
    }

    static func parseMillis(bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 116,
            bytes[13] == 58, bytes[16] == 58, let year = digits(0, 4), let month = digits(5, 2),
            let day = digits(8, 2), let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var millis = 0
        if bytes[index] == 46 {  // "."
            index += 1
            var scale = 100
            while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                millis += Int(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case 90, 122:  // "Z"
            guard index + 1 == bytes.count else { return nil }
        case 43, 45:  // "+", "-"
            guard index + 6 == bytes.count, bytes[index + 3] == 58, let hours = digits(index + 1, 2),
                let minutes = digits(index + 4, 2)
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (bytes[index] == 43 ? 1 : -1)
        default:
            return nil
        }
        // Days since 1970-01-01 of a civil date (proleptic Gregorian calendar).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return seconds * 1000 + millis
    }
}

/// The assembler of one container's events and the ordinal of the next, shared by the
/// reader (which adds lines) and the multi-line flusher (which closes events by the
/// clock); both hand events to the buffer under one lock, so ordinals follow the buffer's
/// order.
final class LogAssembly: Sendable {
    struct State {
        var assembler: LogEventAssembler
        var ordinal: Int64
    }

    let buffer: LogBuffer
    let options: AWSLogsOptions
    let start: AWSLogsShipper.Position
    let state: Mutex<State>

    init(options: AWSLogsOptions, from start: AWSLogsShipper.Position, buffer: LogBuffer) {
        self.buffer = buffer
        self.options = options
        self.start = start
        state = Mutex(Self.initial(options: options, start: start))
    }

    static func initial(options: AWSLogsOptions, start: AWSLogsShipper.Position) -> State {
        State(
            assembler: LogEventAssembler(
                multilinePattern: options.multilinePattern, linesConsumed: start.linesDelivered),
            ordinal: start.nextOrdinal)
    }

    func add(text: String, timestamp: Int) {
        state.withLock { state in offer(state.assembler.add(text: text, timestamp: timestamp), &state) }
    }

    func flush(now: Int) {
        state.withLock { state in offer(state.assembler.flush(now: now), &state) }
    }

    /// Hands over the event still open and closes the buffer.
    func finish() {
        state.withLock { state in
            offer(state.assembler.finish(), &state)
            buffer.close()
        }
    }

    /// Back to where delivery stopped, with an empty buffer (the lines are read again).
    func reset() {
        state.withLock { state in
            state = Self.initial(options: options, start: start)
            buffer.reset()
        }
    }

    private func offer(_ events: [LogEventAssembler.Event], _ state: inout State) {
        for event in events {
            buffer.offer(event, ordinal: state.ordinal)
            state.ordinal += 1
        }
    }
}

/// The events read and not yet sent, bounded by bytes: in blocking mode the reader waits
/// for room before it reads a line (Docker keeps the output meanwhile); in non-blocking
/// mode what does not fit is dropped and counted.
final class LogBuffer: Sendable {
    struct Item: Sendable {
        var event: LogEventAssembler.Event
        var ordinal: Int64
    }

    struct State {
        var items: [Item] = []
        var bytes = 0
        var closed = false
        var dropped = 0
    }

    /// How often a blocked reader looks for room again.
    static let roomCheck: Duration = .milliseconds(10)

    let capacity: Int
    let nonBlocking: Bool
    let state = Mutex(State())

    init(capacity: Int, nonBlocking: Bool) {
        self.capacity = capacity
        self.nonBlocking = nonBlocking
    }

    /// In blocking mode, waits until the buffer holds less than its capacity.
    func waitForRoom() async {
        guard !nonBlocking else { return }
        while state.withLock({ $0.bytes >= capacity }) && !Task.isCancelled {
            try? await Task.sleep(for: Self.roomCheck)
        }
    }

    /// Waits until the buffer holds a full PutLogEvents batch (or is full), the output
    /// ended, or `delay` passed: under load batches leave as soon as they are whole rather
    /// than on the clock.
    func waitForBatch(_ delay: Duration) async {
        let deadline = ContinuousClock.now + delay
        let fullBytes = min(capacity, Logs.Limits.bytesPerBatch)
        while ContinuousClock.now < deadline && !Task.isCancelled {
            let ready = state.withLock {
                $0.closed || $0.bytes >= fullBytes || $0.items.count >= Logs.Limits.eventsPerBatch
            }
            if ready { return }
            try? await Task.sleep(for: Self.roomCheck)
        }
    }

    /// Adds an event; in non-blocking mode, drops it when it does not fit.
    func offer(_ event: LogEventAssembler.Event, ordinal: Int64) {
        let size = LogBatchRules.size(of: event.message)
        state.withLock { state in
            if nonBlocking && state.bytes + size > capacity && !state.items.isEmpty {
                state.dropped += 1
                return
            }
            state.items.append(Item(event: event, ordinal: ordinal))
            state.bytes += size
        }
    }

    func take() -> (items: [Item], closed: Bool, dropped: Int) {
        state.withLock { state in
            defer {
                state.items = []
                state.bytes = 0
                state.dropped = 0
            }
            return (state.items, state.closed && state.items.isEmpty, state.dropped)
        }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    func close() { state.withLock { $0.closed = true } }

    func reset() { state.withLock { $0 = State() } }
}
