import AdmiralControlPlane
import AdmiralModel
import Foundation

/// Registering a new revision from a revision's edited JSON, and the line diff between
/// two revisions.
extension Console {
    /// The members `describe-task-definition` adds that `register-task-definition` does not take.
    static let readOnlyMembers: Set<String> = [
        "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities", "registeredAt",
        "registeredBy", "deregisteredAt", "deleteRequestedAt",
    ]

    /// A revision as the input of RegisterTaskDefinition, secret-looking values masked.
    static func registrationJSON(_ definition: ECS.TaskDefinition) -> String {
        let masked = maskedCopy(definition)
        guard let data = try? ECS.makeEncoder().encode(masked),
            var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return "{}" }
        for member in readOnlyMembers { object[member] = nil }
        guard
            let pretty = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: pretty, as: UTF8.self)
    }

    static func maskedCopy(_ definition: ECS.TaskDefinition) -> ECS.TaskDefinition {
        var shown = definition
        shown.containerDefinitions = shown.containerDefinitions?.map { container in
            var container = container
            container.environment = container.environment?.map { variable in
                var variable = variable
                variable.value = SecretMasking.display(
                    name: variable.name ?? "", value: variable.value ?? "", reveal: false)
                return variable
            }
            return container
        }
        return shown
    }

    /// RegisterTaskDefinition from the edited JSON of `base`: a value left masked keeps
    /// the base revision's value of the same container and name.
    func registerRevision(
        from text: String, base: ECS.TaskDefinition, context: AdmiralControlPlane.RequestContext
    ) async throws -> (family: String, revision: Int) {
        var request: ECS.RegisterTaskDefinitionRequest
        do {
            request = try WireJSONDecoder.decode(ECS.RegisterTaskDefinitionRequest.self, from: Array(text.utf8))
        } catch let error as InvalidEnumValue {
            throw AdmiralError.invalidParameter(
                "Invalid value '\(error.value)' for \(error.member). Valid values: "
                    + error.allowed.joined(separator: ", ") + ".")
        } catch let error as DecodingError {
            throw AdmiralError(.client, Self.describe(error))
        }
        request.containerDefinitions = request.containerDefinitions.map { container in
            let original = base.containerDefinitions?.first { $0.name == container.name }
            var container = container
            container.environment = container.environment?.map { variable in
                guard variable.value == SecretMasking.mask,
                    let kept = original?.environment?.first(where: { $0.name == variable.name })
                else { return variable }
                return kept
            }
            return container
        }
        let registration = try await controlPlane.taskDefinitions.register(request, context: context)
        return (request.family, registration.revision)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map(\.awsPathComponent).joined(separator: ".")
        }
        switch error {
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return "The task definition must be a JSON object."
        case .typeMismatch(_, let context):
            return "Member '\(path(context.codingPath))' has a value of the wrong type."
        case .keyNotFound(let key, let context):
            return "Missing required member '\(path(context.codingPath + [key]))'."
        case .valueNotFound(_, let context):
            return "Member '\(path(context.codingPath))' must not be null."
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "The task definition is not valid JSON: fix its syntax and register it again."
        case .dataCorrupted(let context):
            return "Member '\(path(context.codingPath))' has a value that cannot be read."
        @unknown default:
            return "The task definition could not be read."
        }
    }
}

/// A line diff: the longest common subsequence of the two texts' lines, the rest
/// marked removed or added.
enum LineDiff {
    enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// Past this many lines a side, the diff is not computed (it takes time and memory
    /// in the product of the sizes).
    static let maximumLines = 3000

    static func diff(_ old: String, _ new: String) -> [Line]? {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard a.count <= maximumLines, b.count <= maximumLines else { return nil }
        // lengths[i][j]: the longest common subsequence of a[i...] and b[j...].
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var lines: [Line] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append(.same(a[i]))
                i += 1
                j += 1
            } else if j < b.count, i == a.count || lengths[i][j + 1] >= lengths[i + 1][j] {
                lines.append(.added(b[j]))
                j += 1
            } else {
                lines.append(.removed(a[i]))
                i += 1
            }
        }
        return lines
    }
}
