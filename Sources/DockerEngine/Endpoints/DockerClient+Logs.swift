import AsyncHTTPClient
import NIOCore
import NIOHTTP1

extension DockerClient {
    /// What a container has written so far, split into stdout and stderr.
    ///
    /// Works for containers with the `json-file` or `local` log driver (the default).
    /// - Parameters:
    ///   - tail: only the last lines, all when nil.
    ///   - maxBytes: the most output to read.
    public func logs(_ id: String, tail: Int? = nil, maxBytes: Int = 4 * 1024 * 1024) async throws -> ContainerLogs {
        let path = containerPath(
            id, "/logs",
            query: [("stdout", "true"), ("stderr", "true"), ("tail", tail.map(String.init) ?? "all")]
        )
        let (_, body) = try await send(.GET, path, timeout: DockerTimeouts.logs, maxBytes: maxBytes)
        return LogDemultiplexer.split(body)
    }
}

extension DockerClient {
    /// Follows a container's stdout and stderr from its first line, with Docker's
    /// timestamps, until the container stops (the sequence then ends after its last line)
    /// or the task iterating it is cancelled. Works for `json-file` and `local` logs and
    /// containers without a TTY.
    public func followLogs(_ id: String) async throws -> DockerLogStream {
        let path = containerPath(
            id, "/logs",
            query: [("stdout", "true"), ("stderr", "true"), ("follow", "true"), ("timestamps", "true")])
        let response = try await stream(.GET, path, deadline: .distantFuture)
        guard response.status == .ok else {
            let body = try? await response.body.collect(upTo: 64 * 1024)
            let text = body.map { String(buffer: $0) } ?? ""
            throw DockerError(.invalidResponse, "logs of \(id): HTTP \(response.status.code) \(text)")
        }
        return DockerLogStream(body: response.body)
    }
}

/// One line a container wrote, as Docker's logs API gives it.
public struct DockerLogLine: Sendable, Hashable {
    /// 1 for stdout, 2 for stderr.
    public var stream: UInt8
    /// Docker's RFC 3339 timestamp with nanoseconds, as written.
    public var timestamp: String
    /// The line, without its newline.
    public var text: String

    /// Creates a line.
    public init(stream: UInt8, timestamp: String, text: String) {
        self.stream = stream
        self.timestamp = timestamp
        self.text = text
    }
}

/// A container's log lines, decoded from the logs API's multiplexed frames; long lines
/// that Docker split into partial frames are joined again.
public struct DockerLogStream: AsyncSequence, Sendable {
    /// One line.
    public typealias Element = DockerLogLine

    private let body: HTTPClientResponse.Body

    init(body: HTTPClientResponse.Body) {
        self.body = body
    }

    /// The lines of logs API frames already read whole (for tests).
    init(frames: [UInt8]) {
        self.body = .bytes(ByteBuffer(bytes: frames))
    }

    /// Starts reading lines.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }

    /// Reads lines one by one.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var chunks: HTTPClientResponse.Body.AsyncIterator
        private var buffer = ByteBuffer()
        /// The start of a line per stream that Docker split into partial frames, as bytes:
        /// Docker cuts a long line every 16 KiB, which may fall inside a UTF-8 character, so
        /// the text is decoded only once the line is whole.
        private var partial: [UInt8: (timestamp: String, bytes: [UInt8])] = [:]
        private var finished = false

        init(chunks: HTTPClientResponse.Body.AsyncIterator) {
            self.chunks = chunks
        }

        /// The next line, or nil when the container stopped and every line was read.
        public mutating func next() async throws -> DockerLogLine? {
            while true {
                if let line = nextFrameLine() { return line }
                if finished {
                    if let (key, line) = partial.first {
                        partial[key] = nil
                        return DockerLogLine(
                            stream: key, timestamp: line.timestamp, text: String(decoding: line.bytes, as: UTF8.self))
                    }
                    return nil
                }
                let chunk: ByteBuffer?
                do {
                    chunk = try await chunks.next()
                } catch {
                    throw DockerClient.translate(error, path: "/logs")
                }
                guard var chunk else {
                    finished = true
                    continue
                }
                buffer.writeBuffer(&chunk)
            }
        }

        /// The next complete line in the frames read so far.
        mutating func nextFrameLine() -> DockerLogLine? {
            while buffer.readableBytes >= 8,
                let stream = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                let length = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt32.self).map(Int.init)
            {
                guard buffer.readableBytes >= 8 + length else { return nil }
                buffer.moveReaderIndex(forwardBy: 8)
                guard let frame = buffer.readSlice(length: length) else { return nil }
                if buffer.readableBytes == 0 { buffer.clear() }
                var text = frame.readableBytesView
                var timestamp = ""
                if let space = text.firstIndex(of: UInt8(ascii: " ")) {
                    timestamp = String(decoding: text[..<space], as: UTF8.self)
                    text = text[(space + 1)...]
                }
                let complete = text.last == UInt8(ascii: "\n")
                if complete { text = text.dropLast() }
                // The usual case, a whole line in one frame, goes straight to a string.
                if complete && partial.isEmpty {
                    return DockerLogLine(stream: stream, timestamp: timestamp, text: String(decoding: text, as: UTF8.self))
                }
                var line = partial.removeValue(forKey: stream) ?? (timestamp: timestamp, bytes: [])
                line.bytes += text
                if complete {
                    return DockerLogLine(
                        stream: stream, timestamp: line.timestamp, text: String(decoding: line.bytes, as: UTF8.self))
                }
                partial[stream] = line
            }
            return nil
        }
    }
}
