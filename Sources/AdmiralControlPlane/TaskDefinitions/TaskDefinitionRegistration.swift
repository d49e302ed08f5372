import AdmiralModel
import Foundation

/// A registered task definition revision: what RegisterTaskDefinition answers, with the
/// definition's JSON as it was encoded once for the store, so that the answer need not
/// be encoded again.
public struct TaskDefinitionRegistration: Sendable {
    /// The definition as registered, without `revision` and `taskDefinitionArn`, and its JSON.
    public var encoded: ECS.EncodedTaskDefinition
    /// The revision the store assigned.
    public var revision: Int
    /// The revision's ARN, in the request's region.
    public var taskDefinitionArn: String
    /// The tags registered with it (returned beside the definition, as ECS does).
    public var tags: [ECS.Tag]

    /// Creates a registration.
    public init(encoded: ECS.EncodedTaskDefinition, revision: Int, taskDefinitionArn: String, tags: [ECS.Tag]) {
        self.encoded = encoded
        self.revision = revision
        self.taskDefinitionArn = taskDefinitionArn
        self.tags = tags
    }

    /// The answer as the ECS shape.
    public var response: ECS.RegisterTaskDefinitionResponse {
        var definition = encoded.definition
        definition.taskDefinitionArn = taskDefinitionArn
        definition.revision = revision
        return ECS.RegisterTaskDefinitionResponse(taskDefinition: definition, tags: tags.isEmpty ? nil : tags)
    }

    /// The answer as ECS's wire JSON: `encoded.json` with the ARN and revision put in,
    /// and the tags (when there are any) encoded with `encoder`. The same members and
    /// values as encoding `response`.
    public func responseJSON(encoder: JSONEncoder) throws -> [UInt8] {
        let definition = encoded.json(arn: taskDefinitionArn, revision: revision)
        var out: [UInt8] = []
        out.reserveCapacity(definition.count + 64)
        out.append(contentsOf: #"{"taskDefinition":"#.utf8)
        out.append(contentsOf: definition)
        if !tags.isEmpty {
            out.append(contentsOf: #","tags":"#.utf8)
            out.append(contentsOf: try encoder.encode(tags))
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
