import Foundation

/// What an agent keeps in its data folder across restarts: the container instance it
/// registered as, so that a restarted agent re-attaches to the same instance.
public struct AgentState: Codable, Sendable, Equatable {
    public var cluster: String
    public var ec2InstanceId: String
    public var containerInstanceArn: String?

    static let fileName = "agent-state.json"

    /// Reads the state from `dataDir`, nil when there is none.
    public static func load(from dataDir: String) throws -> AgentState? {
        let path = (dataDir as NSString).appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(AgentState.self, from: data)
        } catch {
            throw AgentConfigurationError("\(path) is not an agent state file (\(error)); move it away to register anew")
        }
    }

    /// Writes the state to `dataDir` atomically.
    public func save(to dataDir: String) throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let path = (dataDir as NSString).appendingPathComponent(Self.fileName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// A new EC2-style instance id: `i-` and 17 hex digits.
    public static func newInstanceId() -> String {
        var generator = SystemRandomNumberGenerator()
        let digits = (0..<17).map { _ in String(Int.random(in: 0..<16, using: &generator), radix: 16) }
        return "i-" + digits.joined()
    }
}
