import Foundation
import AdmiralFuzzTargets

#if FUZZING
    // Built by tools/libfuzzer/run.sh with `-sanitize=fuzzer`: libFuzzer's main calls this
    // with each input, for the target named by ADMIRAL_FUZZ_TARGET.
    let target: @Sendable ([UInt8]) -> Void = {
        let name = getenv("ADMIRAL_FUZZ_TARGET").map { String(cString: $0) } ?? ""
        guard let target = FuzzTargets.all[name] else {
            let names = FuzzTargets.all.keys.sorted().joined(separator: ", ")
            fputs("ADMIRAL_FUZZ_TARGET must name a target: \(names)\n", stderr)
            exit(2)
        }
        return target
    }()

    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        target(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
        return 0
    }
#else
    /// Without libFuzzer: `admiral-fuzz TARGET FILE...` runs each file through a target,
    /// to reproduce a finding under the debugger.
    @main
    struct FuzzReplay {
        static func main() throws {
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTargets.all[name] else {
                let names = FuzzTargets.all.keys.sorted().joined(separator: ", ")
                print("usage: admiral-fuzz TARGET FILE...   (targets: \(names))")
                exit(2)
            }
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("\(path): cannot be read")
                    exit(2)
                }
                target(Array(data))
                print("\(path): ok")
            }
        }
    }
#endif
