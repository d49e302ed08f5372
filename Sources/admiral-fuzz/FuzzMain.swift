import AdmiralFuzzTargets
import Foundation

#if FUZZING
    /// libFuzzer's driver (compiler-rt, linked by `-sanitize=fuzzer`): it runs the fuzzing
    /// loop over `callback` with libFuzzer's command line.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// The target named by ADMIRAL_FUZZ_TARGET.
    nonisolated(unsafe) var fuzzTarget: ([UInt8]) -> Void = { _ in }
#endif

/// Built by tools/libfuzzer/run.sh (`-sanitize=fuzzer -DFUZZING`): libFuzzer's loop over
/// the target named by ADMIRAL_FUZZ_TARGET, with libFuzzer's options. A plain build:
/// `admiral-fuzz TARGET FILE...` runs each file through a target, to reproduce a finding
/// under the debugger.
@main
struct FuzzMain {
    static func main() throws {
        let names = FuzzTargets.all.keys.sorted().joined(separator: ", ")
        #if FUZZING
            let name = ProcessInfo.processInfo.environment["ADMIRAL_FUZZ_TARGET"] ?? ""
            guard let target = FuzzTargets.all[name] else {
                FileHandle.standardError.write(Data("ADMIRAL_FUZZ_TARGET must name a target: \(names)\n".utf8))
                exit(2)
            }
            fuzzTarget = target
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(
                runFuzzerDriver(&argc, &argv) { data, size in
                    fuzzTarget(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
                    return 0
                })
        #else
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTargets.all[name] else {
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
        #endif
    }
}
