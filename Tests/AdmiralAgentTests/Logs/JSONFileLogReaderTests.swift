import DockerEngine
import Foundation
import Testing

@testable import AdmiralAgent

@Suite("Reading Docker's json-file logs from disk")
struct JSONFileLogReaderTests {
    static func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-json.log").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("entries become lines: escapes undone, pieces of a split line joined per stream, attrs passed over")
    func lines() throws {
        let path = try Self.file(
            #"""
            {"log":"plain line\n","stream":"stdout","time":"2024-01-02T03:04:05.123456789Z"}
            {"log":"quote \" slash \\ tab \t \u003chtml\u003e \u00e9 \ud83d\ude00\n","stream":"stderr","time":"2024-01-02T03:04:06Z"}
            {"log":"first half ","stream":"stdout","attrs":{"a":"b","n":{"x":[1,true,null]}},"time":"2024-01-02T03:04:07Z"}
            {"log":"other stream\n","stream":"stderr","time":"2024-01-02T03:04:08Z"}
            {"log":"second half\n","stream":"stdout","time":"2024-01-02T03:04:09Z"}

            """#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try #require(JSONFileLogReader(path: path))
        var lines: [DockerLogLine] = []
        while let line = try reader.nextLine() { lines.append(line) }
        #expect(lines.map(\.text) == [
            "plain line", "quote \" slash \\ tab \t <html> é 😀", "other stream", "first half second half",
        ])
        #expect(lines.map(\.stream) == [1, 2, 2, 1])
        #expect(lines[0].timestamp == "2024-01-02T03:04:05.123456789Z")
        #expect(lines[3].timestamp == "2024-01-02T03:04:07Z")
        #expect(!reader.isReplaced)
    }

    @Test("a line the file does not hold whole yet is returned once the rest is written")
    func growing() throws {
        let path = try Self.file(#"{"log":"one\n","stream":"stdout","time":"t"}"# + "\n" + #"{"log":"tw"#)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try #require(JSONFileLogReader(path: path))
        #expect(try reader.nextLine()?.text == "one")
        #expect(try reader.nextLine() == nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"o\n","stream":"stdout","time":"t"}"#.utf8 + [0x0A]))
        try handle.close()
        #expect(try reader.nextLine()?.text == "two")
        #expect(try reader.nextLine() == nil)
    }

    @Test("a replaced file is noticed, and an entry that is not json-file's format is an error")
    func replacedAndMalformed() throws {
        let path = try Self.file("{\"log\":\"x\\n\"}\nnot json\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try #require(JSONFileLogReader(path: path))
        #expect(try reader.nextLine()?.text == "x")
        #expect(throws: DockerError.self) { try reader.nextLine() }
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        defer { try? FileManager.default.removeItem(atPath: path + ".1") }
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(reader.isReplaced)
    }
}
