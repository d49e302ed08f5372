import AdmiralFuzzTargets
import Foundation
import Testing

/// Every fuzz target takes its committed corpus (the seeds and what fuzzing kept, and
/// each finding once fixed) and hostile inputs without trapping: the fuzz runs' findings
/// stay fixed.
@Suite("Fuzz targets replay their corpus")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tools/libfuzzer/corpus")

    @Test("each target has a corpus folder, and every input in it runs through", arguments: FuzzTargets.all.keys.sorted())
    func corpus(_ name: String) throws {
        let target = try #require(FuzzTargets.all[name])
        let folder = Self.corpus.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(!files.isEmpty, "tools/libfuzzer/corpus/\(name) holds no input")
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            target(Array(data))
        }
    }

    @Test("hostile inputs: empty, invalid UTF-8, deep nesting, long runs", arguments: FuzzTargets.all.keys.sorted())
    func hostile(_ name: String) throws {
        let target = try #require(FuzzTargets.all[name])
        let inputs: [[UInt8]] = [
            [], [0], [0xFF, 0xFE, 0xC0, 0x80], Array(repeating: UInt8(ascii: "["), count: 100_000),
            Array(repeating: UInt8(ascii: "{"), count: 50_000), Array("(".utf8) + Array(repeating: 0x28, count: 20_000),
            Array(repeating: UInt8(ascii: "*"), count: 40_000) + Array("\n".utf8) + Array(repeating: 0x61, count: 40_000),
            Array("GET / HTTP/1.1\r\n".utf8) + Array(repeating: UInt8(ascii: "a"), count: 70_000),
            Array("\n\n\n\n".utf8), Array("%%%%%=&&&=".utf8),
        ]
        for input in inputs { target(input) }
    }
}
