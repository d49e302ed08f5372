import AdmiralModel

/// Name rules shared by resources.
enum NameRules {
    /// ECS's rule for cluster names and task definition families: 1 to 255 letters,
    /// digits, underscores and hyphens.
    static func isValidResourceName(_ name: String) -> Bool {
        guard (1...255).contains(name.utf8.count) else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D
        }
    }

    /// The cluster name a request means: the name or ARN it gave, or `default`.
    static func clusterName(_ identifier: String?) throws -> String {
        guard let identifier, !identifier.isEmpty else { return "default" }
        guard let name = ECSNames.clusterName(fromIdentifier: identifier) else {
            throw AdmiralError.invalidParameter(
                "'\(identifier)' is not a cluster name or cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>).")
        }
        return name
    }
}
