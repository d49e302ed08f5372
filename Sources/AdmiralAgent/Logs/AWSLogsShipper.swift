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

    /// How long events wait for more before a batch is sent.
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
        let buffer = LogBuffer(capacity: options.maxBufferBytes, nonBlocking: options.nonBlocking)
        await withDiscardingTaskGroup { group in
            group.addTask { await self.read(id, options: options, from: start, into: buffer) }
            group.addTask { await self.send(id, options: options, from: start, buffer: buffer) }
        }
        done(id)
    }

    /// Reads the container's lines into events, from where delivery stopped.
    nonisolated func read(_ id: String, options: AWSLogsOptions, from start: Position, into buffer: LogBuffer) async {
        var assembler = LogEventAssembler(
            multilinePattern: options.multilinePattern, linesConsumed: start.linesDelivered)
        var ordinal = start.nextOrdinal
        var seen = 0
        while !Task.isCancelled {
            do {
                for try await line in try await docker.followLogs(id) {
                    seen += 1
                    guard seen > start.linesDelivered else { continue }
                    let timestamp = Self.millis(line.timestamp)
                    for event in assembler.add(text: line.text, timestamp: timestamp) {
                        await buffer.push(event, ordinal: ordinal)
                        ordinal += 1
                    }
                }
                for event in assembler.finish() {
                    await buffer.push(event, ordinal: ordinal)
                    ordinal += 1
                }
                buffer.close()
                return
            } catch {
                logger.notice(
                    "following container logs failed; retrying",
                    metadata: ["container.id": .string(id), "error": .string("\(error)")])
                try? await Task.sleep(for: Self.retryDelay)
                // Start over from the first line not yet read.
                seen = 0
                assembler = LogEventAssembler(
                    multilinePattern: options.multilinePattern, linesConsumed: start.linesDelivered)
                ordinal = start.nextOrdinal
                buffer.reset()
            }
        }
    }

    /// Sends batches until the output ended and the buffer is empty.
    nonisolated func send(_ id: String, options: AWSLogsOptions, from start: Position, buffer: LogBuffer) async {
        var position = start
        await ensureStream(options)
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.batchDelay)
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
        let request = Logs.PutLogEventsRequest(
            logGroupName: options.group, logStreamName: options.stream,
            logEvents: batch.map { Logs.InputLogEvent(timestamp: $0.event.timestamp, message: $0.event.message) })
        while !Task.isCancelled {
            do {
                _ = try await client.putLogEvents(request, ordinal: first.ordinal)
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

    /// Milliseconds of Docker's RFC 3339 timestamp (`2024-01-02T03:04:05.123456789Z`).
    static func millis(_ text: String) -> Int {
        guard let date = DockerRuntime.parseDate(text) else { return Int(Date().timeIntervalSince1970 * 1000) }
        return Int((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}

/// The events read and not yet sent, bounded by bytes: in blocking mode the reader waits
/// for room (Docker keeps the output meanwhile); in non-blocking mode what does not fit is
/// dropped and counted.
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

    let capacity: Int
    let nonBlocking: Bool
    let state = Mutex(State())

    init(capacity: Int, nonBlocking: Bool) {
        self.capacity = capacity
        self.nonBlocking = nonBlocking
    }

    func push(_ event: LogEventAssembler.Event, ordinal: Int64) async {
        let size = LogBatchRules.size(of: event.message)
        while true {
            let added = state.withLock { state -> Bool in
                if state.bytes + size <= capacity || state.items.isEmpty {
                    state.items.append(Item(event: event, ordinal: ordinal))
                    state.bytes += size
                    return true
                }
                if nonBlocking {
                    state.dropped += 1
                    return true
                }
                return false
            }
            if added || Task.isCancelled { return }
            try? await Task.sleep(for: .milliseconds(10))
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

    func close() { state.withLock { $0.closed = true } }

    func reset() { state.withLock { $0 = State() } }
}
