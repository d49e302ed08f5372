import AdmiralModel
import DockerEngine
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a container's output from Docker's `json-file` log on disk, as the logs API would
/// give it, without the daemon in between.
///
/// Following the logs API costs the daemon a JSON decoding and a frame per line on top of
/// writing the file (on a 2-core machine it served about 140,000 lines/s, a core's worth,
/// while the container printed faster); the file holds the same lines, one JSON object
/// each: `{"log":"text\n","stream":"stdout","time":"2024-01-02T03:04:05.123456789Z"}`, with
/// `log` not ending in a newline for the leading pieces of a line Docker split. The reader
/// joins those pieces per stream as ``DockerLogStream`` does. Lines the file does not hold
/// whole yet stay buffered until it does.
final class JSONFileLogReader {
    /// Bytes read from the file per call.
    static let chunk = 1 << 20

    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var partial: [UInt8: (timestamp: String, bytes: [UInt8])] = [:]

    /// Opens the file; nil when it cannot be read.
    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The next whole line, reading more of the file when needed; nil when the file holds
    /// no further whole line yet.
    func nextLine() throws -> DockerLogLine? {
        while true {
            if let line = try nextBufferedLine() { return line }
            guard try fill() else { return nil }
        }
    }

    /// Whether the path now names another file than the one being read (Docker rotated the
    /// log, which it does only when a `max-size` is set).
    var isReplaced: Bool {
        var open = stat()
        var named = stat()
        guard fstat(descriptor, &open) == 0 else { return true }
        guard stat(path, &named) == 0 else { return false }  // removed with the container: read on
        return open.st_ino != named.st_ino || open.st_dev != named.st_dev
    }

    /// Reads more of the file; false at its current end.
    private func fill() throws -> Bool {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
        let count = buffer.withUnsafeMutableBytes { raw in
            read(descriptor, raw.baseAddress! + old, Self.chunk)
        }
        buffer.removeLast(Self.chunk - max(count, 0))
        if count < 0 {
            throw DockerError(.invalidResponse, "reading \(path): \(String(cString: strerror(errno)))")
        }
        return count > 0
    }

    /// The next line made whole by the entries buffered.
    private func nextBufferedLine() throws -> DockerLogLine? {
        while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let entry = start..<newline
            start = newline + 1
            guard let parsed = Self.parse(buffer, entry) else {
                throw DockerError(.invalidResponse, "\(path): a log entry that is not Docker's json-file format")
            }
            var text = parsed.log
            let complete = text.last == UInt8(ascii: "\n")
            if complete { text.removeLast() }
            if complete && partial.isEmpty {
                return DockerLogLine(
                    stream: parsed.stream, timestamp: parsed.time, text: String(decoding: text, as: UTF8.self))
            }
            var line = partial.removeValue(forKey: parsed.stream) ?? (timestamp: parsed.time, bytes: [])
            line.bytes += text
            if complete {
                return DockerLogLine(
                    stream: parsed.stream, timestamp: line.timestamp, text: String(decoding: line.bytes, as: UTF8.self))
            }
            partial[parsed.stream] = line
        }
        return nil
    }

    /// The pieces still open when the output ended (a last line without its newline).
    func finishPartial() -> [DockerLogLine] {
        defer { partial = [:] }
        return partial.sorted { $0.key < $1.key }.map {
            DockerLogLine(stream: $0.key, timestamp: $0.value.timestamp, text: String(decoding: $0.value.bytes, as: UTF8.self))
        }
    }

    struct Entry: Equatable {
        var log: [UInt8]
        var stream: UInt8
        var time: String
    }

    static let logKey = Array("log".utf8)
    static let streamKey = Array("stream".utf8)
    static let timeKey = Array("time".utf8)
    static let stderr = Array("stderr".utf8)

    /// One json-file entry; nil when the bytes are not one.
    static func parse(_ bytes: [UInt8], _ range: Range<Int>) -> Entry? {
        var scanner = Scanner(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        var entry = Entry(log: [], stream: 1, time: "")
        guard scanner.take(UInt8(ascii: "{")) else { return nil }
        if scanner.take(UInt8(ascii: "}")) { return entry }
        repeat {
            guard let key = scanner.string() else { return nil }
            guard scanner.take(UInt8(ascii: ":")) else { return nil }
            switch key {
            case Self.logKey:
                guard let value = scanner.string() else { return nil }
                entry.log = value
            case Self.streamKey:
                guard let value = scanner.string() else { return nil }
                entry.stream = value == Self.stderr ? 2 : 1
            case Self.timeKey:
                guard let value = scanner.string() else { return nil }
                entry.time = String(decoding: value, as: UTF8.self)
            default:
                guard scanner.skipValue() else { return nil }
            }
        } while scanner.take(UInt8(ascii: ","))
        guard scanner.take(UInt8(ascii: "}")), scanner.atEnd else { return nil }
        return entry
    }

    /// A JSON scanner over one entry's bytes.
    struct Scanner {
        let bytes: [UInt8]
        var index: Int
        let end: Int

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return index == end
            }
        }

        mutating func skipSpace() {
            while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D {
                index += 1
            }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < end, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// A string's unescaped bytes.
        mutating func string() -> [UInt8]? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let begin = index
            while index < end, bytes[index] != 0x22 {
                index += bytes[index] == 0x5C ? 2 : 1
            }
            guard index < end else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(index - begin)
            guard JSONEscapes.unescape(bytes, begin..<index, into: &out) else { return nil }
            index += 1
            return out
        }

        /// Passes over any value (the `attrs` object Docker adds with `--log-opt labels`).
        mutating func skipValue() -> Bool {
            skipSpace()
            guard index < end else { return false }
            switch bytes[index] {
            case 0x22:
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let close: UInt8 = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                index += 1
                if take(close) { return true }
                repeat {
                    if close == UInt8(ascii: "}") {
                        guard string() != nil, take(UInt8(ascii: ":")) else { return false }
                    }
                    guard skipValue() else { return false }
                } while take(UInt8(ascii: ","))
                return take(close)
            default:
                // A number, true, false or null.
                let begin = index
                while index < end, !",}] \t\r".utf8.contains(bytes[index]) { index += 1 }
                return index > begin
            }
        }
    }
}
