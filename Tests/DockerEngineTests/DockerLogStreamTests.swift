import Testing

@testable import DockerEngine

@Suite("Docker logs API frames")
struct DockerLogStreamTests {
    /// One multiplexed frame: stream, three zero bytes, the big-endian length, the payload.
    static func frame(_ stream: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [stream, 0, 0, 0, UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            + payload
    }

    static func lines(_ frames: [UInt8]) async throws -> [DockerLogLine] {
        var out: [DockerLogLine] = []
        for try await line in DockerLogStream(frames: frames) { out.append(line) }
        return out
    }

    @Test("a long line Docker cut into 16 KiB partial frames inside UTF-8 characters is joined whole")
    func partialFramesKeepCharacters() async throws {
        let line = String(repeating: "€", count: 20_000)  // 60,000 bytes
        let bytes = Array(line.utf8)
        var frames: [UInt8] = []
        var offset = 0
        var pieces = 0
        while offset < bytes.count {
            let end = min(offset + 16_384, bytes.count)
            let stamp = Array("2024-01-02T03:04:05.00000000\(pieces)Z ".utf8)
            let newline: [UInt8] = end == bytes.count ? [10] : []
            frames += Self.frame(1, stamp + bytes[offset..<end] + newline)
            // A stderr line between the pieces of the stdout one.
            if pieces == 1 { frames += Self.frame(2, Array("2024-01-02T03:04:06Z err\n".utf8)) }
            offset = end
            pieces += 1
        }
        #expect(16_384 % 3 != 0 && pieces == 4)
        let read = try await Self.lines(frames + Self.frame(1, Array("2024-01-02T03:04:07Z after\n".utf8)))
        #expect(read.map(\.stream) == [2, 1, 1])
        #expect(read[0].text == "err")
        #expect(read[1].text == line)
        #expect(read[1].timestamp == "2024-01-02T03:04:05.000000000Z")
        #expect(read[2].text == "after" && read[2].timestamp == "2024-01-02T03:04:07Z")
    }

    @Test("a partial line at the end of the output is still a line")
    func trailingPartial() async throws {
        let read = try await Self.lines(Self.frame(1, Array("2024-01-02T03:04:05Z no newline".utf8)))
        #expect(read.map(\.text) == ["no newline"])
    }
}
