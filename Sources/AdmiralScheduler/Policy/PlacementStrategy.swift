import AdmiralModel

/// A task placement strategy: how to choose among the instances that can take a task.
public enum PlacementStrategy: Sendable, Hashable, CustomStringConvertible {
    /// A seeded random choice.
    case random
    /// Fewest tasks of the group first, per instance or per value of an attribute.
    case spread(SpreadField)
    /// Least remaining CPU or memory first (that still fits the task).
    case binpack(BinpackField)

    /// What `spread` balances over.
    public enum SpreadField: Sendable, Hashable {
        /// Each instance (`instanceId` or `host`).
        case instanceId
        /// Each value of a container instance attribute (`attribute:<name>`).
        case attribute(String)
    }

    /// The resource `binpack` packs.
    public enum BinpackField: String, Sendable, Hashable {
        /// CPU units.
        case cpu
        /// Memory.
        case memory
    }

    /// The most strategies a request may name.
    public static let maximumCount = 5

    /// What RunTask uses when the request names no strategy: ECS documents a default only
    /// for services; Admiral places standalone tasks at random, as ECS does in practice.
    public static let runTaskDefault: [PlacementStrategy] = [.random]

    /// What services use when they name no strategy: spread over availability zones,
    /// then over instances.
    public static let serviceDefault: [PlacementStrategy] = [
        .spread(.attribute("ecs.availability-zone")), .spread(.instanceId),
    ]

    /// The strategy and its field, e.g. `spread(attribute:ecs.availability-zone)`.
    public var description: String {
        switch self {
        case .random: return "random"
        case .spread(.instanceId): return "spread(instanceId)"
        case .spread(.attribute(let name)): return "spread(attribute:\(name))"
        case .binpack(let field): return "binpack(\(field.rawValue))"
        }
    }

    /// Validates strategies from the wire; nil or empty gives `defaults`.
    public static func parse(
        _ strategies: [ECS.PlacementStrategy]?, defaults: [PlacementStrategy] = runTaskDefault
    ) throws -> [PlacementStrategy] {
        guard let strategies, !strategies.isEmpty else { return defaults }
        guard strategies.count <= maximumCount else {
            throw AdmiralError.invalidParameter(
                "Too many placement strategies: \(strategies.count) given, at most \(maximumCount) allowed.")
        }
        return try strategies.map(parse)
    }

    /// Validates one strategy from the wire.
    public static func parse(_ strategy: ECS.PlacementStrategy) throws -> PlacementStrategy {
        guard let type = strategy.type else {
            throw AdmiralError.invalidParameter("A placement strategy must have a type: random, spread or binpack.")
        }
        switch type {
        case .random:
            return .random
        case .binpack:
            guard let field = strategy.field.flatMap({ BinpackField(rawValue: $0.lowercased()) }) else {
                throw AdmiralError.invalidParameter(
                    "Invalid placement strategy field '\(strategy.field ?? "")' for binpack: use cpu or memory.")
            }
            return .binpack(field)
        case .spread:
            let field = strategy.field ?? ""
            if field == "instanceId" || field == "host" { return .spread(.instanceId) }
            if field.hasPrefix("attribute:"), field.count > "attribute:".count {
                return .spread(.attribute(String(field.dropFirst("attribute:".count))))
            }
            throw AdmiralError.invalidParameter(
                "Invalid placement strategy field '\(field)' for spread: use instanceId, host or attribute:<name>.")
        }
    }
}
