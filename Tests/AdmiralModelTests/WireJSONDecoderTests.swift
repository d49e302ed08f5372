import AdmiralModel
import Foundation
import Testing

@Suite("Wire JSON decoder: Foundation's answers, faster")
struct WireJSONDecoderTests {
    /// The outcome of one decoding, comparable across decoders: the value, or the error's
    /// description (which carries its kind, coding path and message).
    enum Outcome<T: Equatable>: Equatable {
        case value(T)
        case failure(String)
    }

    private func reference<T: Decodable & Equatable>(_ type: T.Type, _ bytes: [UInt8]) -> Outcome<T> {
        do {
            return .value(try ECS.makeDecoder().decode(type, from: Data(bytes)))
        } catch {
            return .failure(String(describing: error))
        }
    }

    private func wire<T: Decodable & Equatable>(_ type: T.Type, _ bytes: [UInt8]) -> Outcome<T> {
        do {
            return .value(try WireJSONDecoder.decode(type, from: bytes))
        } catch {
            return .failure(String(describing: error))
        }
    }

    /// A request with every member present, as Foundation's encoder writes it.
    private func filled<T: Codable>(_ type: T.Type) throws -> [UInt8] {
        Array(try ECS.makeEncoder().encode(try FillingDecoder.fill(type)))
    }

    private func fullRegistration() throws -> [UInt8] {
        var request = try FillingDecoder.fill(ECS.RegisterTaskDefinitionRequest.self)
        request.family = "web-app"
        // Text that needs escaping, non-ASCII text, and a character outside the BMP.
        request.containerDefinitions[0].command = ["sh", "-c", "echo \"a\\b\"\n\t/\u{1}é 🚢"]
        request.containerDefinitions[0].dockerLabels = ["com.example/a": "1", "b": "", "c": "é"]
        request.containerDefinitions[0].cpu = -5
        return Array(try ECS.makeEncoder().encode(request))
    }

    @Test("a registration with every member decodes on the fast path to what JSONDecoder makes")
    func fullRequest() throws {
        let bytes = try fullRegistration()
        let fast = try WireJSONDecoder.fastDecode(ECS.RegisterTaskDefinitionRequest.self, from: bytes)
        let foundation = try ECS.makeDecoder().decode(ECS.RegisterTaskDefinitionRequest.self, from: Data(bytes))
        #expect(fast == foundation)
        #expect(fast.containerDefinitions[0].command?[2] == "echo \"a\\b\"\n\t/\u{1}é 🚢")
    }

    @Test("other request shapes with every member decode on the fast path to what JSONDecoder makes")
    func otherRequests() throws {
        func check<T: Codable & Equatable>(_ type: T.Type) throws {
            let bytes = try filled(type)
            #expect(
                try WireJSONDecoder.fastDecode(type, from: bytes) == ECS.makeDecoder().decode(type, from: Data(bytes)))
        }
        try check(ECS.CreateServiceRequest.self)
        try check(ECS.UpdateServiceRequest.self)
        try check(ECS.RunTaskRequest.self)
        try check(ECS.CreateClusterRequest.self)
        try check(ECS.RegisterContainerInstanceRequest.self)
        try check(ECS.SubmitTaskStateChangeRequest.self)
        try check(ECS.PutAttributesRequest.self)
        try check(ECS.TaskDefinition.self)
    }

    @Test("escapes, surrogate pairs, numbers and dates read as JSONDecoder reads them")
    func scalars() throws {
        let text =
            #"{"family":"a\u00e9\ud83d\udea2\/\b\f\n\r\t\"\\","cpu":"1","containerDefinitions":[{"name":"x","memory":-0,"cpu":9007199254740993}]}"#
        let bytes = Array(text.utf8)
        let fast = try WireJSONDecoder.fastDecode(ECS.RegisterTaskDefinitionRequest.self, from: bytes)
        #expect(fast.family == "aé🚢/\u{8}\u{c}\n\r\t\"\\")
        #expect(fast.containerDefinitions[0].cpu == 9_007_199_254_740_993)
        #expect(
            wire(ECS.RegisterTaskDefinitionRequest.self, bytes)
                == reference(ECS.RegisterTaskDefinitionRequest.self, bytes))

        struct Stamp: Codable, Equatable {
            var at: Date
            var ratio: Double
            var big: Double
        }
        for document in [
            #"{"at":1700000000.25,"ratio":-1.5e-3,"big":12345678901234567890}"#,
            #"{"at":-0,"ratio":0.1,"big":-9007199254740993}"#,
            #"{"at":1E3,"ratio":1e308,"big":123456789012345}"#,
        ] {
            let bytes = Array(document.utf8)
            let fast = try WireJSONDecoder.fastDecode(Stamp.self, from: bytes)
            #expect(Outcome.value(fast) == reference(Stamp.self, bytes), "\(document)")
        }
    }

    @Test(
        "what the fast path is unsure of goes to JSONDecoder, whose answer stands",
        arguments: [
            #"{"fam\u0069ly":"escaped-key","containerDefinitions":[]}"#,
            #"{"family":"a","family":"b","containerDefinitions":[]}"#,
            #"{"family":"a","containerDefinitions":[{"name":"x","cpu":1.0}]}"#,
            #"{"family":"a","containerDefinitions":[{"name":"x","cpu":1e2}]}"#,
            #"{"family":"a","containerDefinitions":[{"name":"x","cpu":99999999999999999999}]}"#,
            "\u{FEFF}{\"family\":\"bom\",\"containerDefinitions\":[]}",
            #"{"family":"\ud800","containerDefinitions":[]}"#,
            // Keys that differ in bytes but are equal Swift strings (canonical equivalence).
            "{\"family\":\"a\",\"containerDefinitions\":[{\"name\":\"x\",\"dockerLabels\":{\"\u{212A}\":\"1\"}}]}",
            "{\"family\":\"a\",\"containerDefinitions\":[{\"name\":\"x\",\"dockerLabels\":{\"é\":\"1\",\"e\u{301}\":\"2\"}}]}",
        ])
    func declined(document: String) throws {
        let bytes = Array(document.utf8)
        #expect(throws: (any Error).self) {
            try WireJSONDecoder.fastDecode(ECS.RegisterTaskDefinitionRequest.self, from: bytes)
        }
        #expect(
            wire(ECS.RegisterTaskDefinitionRequest.self, bytes)
                == reference(ECS.RegisterTaskDefinitionRequest.self, bytes))
    }

    @Test(
        "every error is JSONDecoder's own, with its coding path",
        arguments: [
            "", "{", "[]", "null", #"{"family":}"#, #"{"family":"a",}"#, #"{"family":"a"} x"#,
            #"{"containerDefinitions":[]}"#,
            #"{"family":7,"containerDefinitions":[]}"#,
            #"{"family":null,"containerDefinitions":[]}"#,
            #"{"family":"a","containerDefinitions":[{"name":"x","memory":"64"}]}"#,
            #"{"family":"a","containerDefinitions":[{"name":"x","essential":1}]}"#,
            #"{"family":"a","containerDefinitions":[{"name":"x","portMappings":[{"protocol":"sctp"}]}]}"#,
            #"{"family":"a","networkMode":"overlay","containerDefinitions":[]}"#,
            #"{"family":"a","containerDefinitions":[{"name":"x","dockerLabels":{"k":1}}]}"#,
            #"{"family":"a","containerDefinitions":[{"name":"x","command":["a",null]}]}"#,
            #"{"family":"a","containerDefinitions":{}}"#,
            #"{"family":"a\u12","containerDefinitions":[]}"#,
            "{\"family\":\"a\u{1}\",\"containerDefinitions\":[]}",
            #"{"family":"a","containerDefinitions":[01]}"#,
            #"{"family":tru,"containerDefinitions":[]}"#,
        ])
    func errors(document: String) throws {
        let bytes = Array(document.utf8)
        let expected = reference(ECS.RegisterTaskDefinitionRequest.self, bytes)
        guard case .failure = expected else {
            Issue.record("JSONDecoder accepted \(document)")
            return
        }
        #expect(wire(ECS.RegisterTaskDefinitionRequest.self, bytes) == expected)
    }

    @Test("seeded mutations of a full registration: both decoders agree on every one")
    func mutations() throws {
        let original = try fullRegistration()
        let alphabet = Array(#"{}[]:,"\ -0123456789.eE+nulltruefalse\u00é"#.utf8)
        var generator = SeededGenerator(seed: 0x5EED)
        var accepted = 0
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = alphabet.randomElement(using: &generator)!
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                }
            }
            let expected = reference(ECS.RegisterTaskDefinitionRequest.self, bytes)
            if case .value = expected { accepted += 1 }
            #expect(
                wire(ECS.RegisterTaskDefinitionRequest.self, bytes) == expected,
                "\(String(decoding: bytes, as: UTF8.self))")
        }
        // Some mutations land inside strings and keep the document valid.
        #expect(accepted > 0)
    }
}

/// A small deterministic generator (SplitMix64), so that the mutations are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Wire JSON decoder on CloudWatch's PutMetricData: thousands of numbers, JSONDecoder's values")
struct WireJSONDecoderMetricDataTests {
    /// CloudWatch's reference decoder: epoch seconds or ISO 8601 strings.
    static let reference: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSince1970: seconds) }
            let text = try container.decode(String.self)
            guard let date = ISO8601DateFormatter().date(from: text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a timestamp")
            }
            return date
        }
        return decoder
    }()

    func body(values: String, counts: String = "[1, 2]", timestamp: String = "1800000000.25") -> [UInt8] {
        Array(
            #"{"Namespace":"App","MetricData":[{"MetricName":"Latency","Timestamp":\#(timestamp),"Values":\#(values),"Counts":\#(counts),"Unit":"Milliseconds"}]}"#
                .utf8)
    }

    func outcome(_ bytes: [UInt8], fast: Bool) -> String {
        do {
            let input =
                fast
                ? try WireJSONDecoder.decode(CloudWatch.PutMetricDataInput.self, from: bytes, reference: Self.reference)
                : try Self.reference.decode(CloudWatch.PutMetricDataInput.self, from: Data(bytes))
            return String(describing: input)
        } catch {
            return "error: \(error)"
        }
    }

    @Test("numbers in every JSON form read exactly as JSONDecoder reads them")
    func numbers() throws {
        let values = "[0, -0, 1.5, -2.25e3, 3E-2, 0.1, 123456789012345678, 1.7976931348623157e308, 5e-324, 12.345678]"
        let bytes = body(values: values, counts: "[1, 1, 1, 1, 1, 1, 1, 1, 1, 0.5]")
        let fast = try WireJSONDecoder.fastDecode(CloudWatch.PutMetricDataInput.self, from: bytes)
        let foundation = try Self.reference.decode(CloudWatch.PutMetricDataInput.self, from: Data(bytes))
        #expect(fast == foundation)
        let datum = try #require(fast.metricData?.first)
        #expect(datum.values?.map(\.bitPattern) == foundation.metricData?.first?.values?.map(\.bitPattern))
        #expect(datum.values?[1].sign == .minus)
        #expect(datum.counts?.last == 0.5)
        #expect(datum.timestamp == Date(timeIntervalSince1970: 1_800_000_000.25))
    }

    @Test("what the fast path declines (a string among the numbers, null, an ISO 8601 time, 1e400) is JSONDecoder's answer")
    func declined() {
        for bytes in [
            body(values: #"[1, "2"]"#), body(values: "[1, null]"), body(values: "[1e400, 2]"),
            body(values: "[1, 2]", timestamp: #""2027-01-15T08:00:00Z""#), body(values: "{}"),
        ] {
            #expect(outcome(bytes, fast: true) == outcome(bytes, fast: false))
        }
        #expect(outcome(body(values: "[1, 2]", timestamp: #""2027-01-15T08:00:00Z""#), fast: true).hasPrefix("error") == false)
        #expect(outcome(body(values: #"[1, "2"]"#), fast: true).hasPrefix("error"))
    }
}
