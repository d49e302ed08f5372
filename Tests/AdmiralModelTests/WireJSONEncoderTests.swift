import AdmiralModel
import Foundation
import Testing

@Suite("Wire JSON encoder and the task definition encoded once")
struct WireJSONEncoderTests {
    /// JSON text with keys sorted, so that two encodings can be compared member by member.
    private func canonical(_ bytes: some Sequence<UInt8>) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// A task definition with every member present, as registration builds it.
    private func fullDefinition() throws -> ECS.TaskDefinition {
        var request = try FillingDecoder.fill(ECS.RegisterTaskDefinitionRequest.self)
        request.family = "web-app"
        // Text that needs escaping, and a date with a fractional part.
        request.containerDefinitions[0].command = ["sh", "-c", "echo \"a\\b\"\n\t/\u{1}é"]
        return TaskDefinitionRules.makeDefinition(
            request, arn: "arn:aws:ecs:us-east-1:000000000000:task-definition/web-app:3", revision: 3,
            registeredAt: Date(timeIntervalSince1970: 1_700_000_000.25), registeredBy: "arn:aws:iam::0:root")
    }

    @Test("a task definition with every member encodes to the same JSON as ECS.makeEncoder() and decodes back equal")
    func matchesFoundation() throws {
        let definition = try fullDefinition()
        let wire = try WireJSONEncoder.encode(definition)
        let foundation = try ECS.makeEncoder().encode(definition)
        #expect(try canonical(wire) == canonical(foundation))
        #expect(try ECS.makeDecoder().decode(ECS.TaskDefinition.self, from: Data(wire)) == definition)
    }

    @Test("dates are epoch seconds, maps and lists nest, an empty shape is an empty object")
    func shapes() throws {
        let whole = ECS.TaskDefinition(registeredAt: Date(timeIntervalSince1970: 1_700_000_000))
        #expect(String(decoding: try WireJSONEncoder.encode(whole), as: UTF8.self) == #"{"registeredAt":1700000000}"#)
        let labels = ECS.ContainerDefinition(name: "a", dockerLabels: ["x": "1"], ulimits: [])
        let json = String(decoding: try WireJSONEncoder.encode(labels), as: UTF8.self)
        #expect(json == #"{"name":"a","dockerLabels":{"x":"1"},"ulimits":[]}"#)
        #expect(String(decoding: try WireJSONEncoder.encode(ECS.TaskDefinition()), as: UTF8.self) == "{}")
        #expect(throws: EncodingError.self) { try WireJSONEncoder.encode([Double.nan]) }
    }

    @Test("the answer spliced from the stored JSON has the members of the encoded answer")
    func splicedAnswer() throws {
        let encoded = try ECS.EncodedTaskDefinition(try fullDefinition())
        let stored = try ECS.makeDecoder().decode(ECS.TaskDefinition.self, from: encoded.json)
        #expect(stored.revision == nil)
        #expect(stored.taskDefinitionArn == nil)

        let arn = #"arn:aws:ecs:odd"region:000000000000:task-definition/web-app:12"#
        var expected = encoded.definition
        expected.taskDefinitionArn = arn
        expected.revision = 12
        let spliced = encoded.json(arn: arn, revision: 12)
        #expect(try canonical(spliced) == canonical(try ECS.makeEncoder().encode(expected)))
    }
}
