import AdmiralModel

/// A task placement constraint: a binding rule on which instances may take a task.
public enum PlacementConstraint: Sendable, CustomStringConvertible {
    /// At most one task of the group per instance.
    case distinctInstance
    /// Only instances that satisfy a cluster query expression.
    case memberOf(ClusterQuery)

    /// The most constraints a request (together with its task definition) may carry.
    public static let maximumCount = 10

    /// The constraint as ECS writes it, e.g. `memberOf(attribute:stack == prod)`.
    public var description: String {
        switch self {
        case .distinctInstance: return "distinctInstance"
        case .memberOf(let query): return "memberOf(\(query.source))"
        }
    }

    /// Validates the constraints of a request and of its task definition together.
    public static func parse(
        _ constraints: [ECS.PlacementConstraint]?, taskDefinition: [PlacementConstraint] = []
    ) throws -> [PlacementConstraint] {
        let given = constraints ?? []
        guard given.count + taskDefinition.count <= maximumCount else {
            throw AdmiralError.invalidParameter(
                "Too many placement constraints: \(given.count + taskDefinition.count) given, "
                    + "at most \(maximumCount) allowed (request and task definition together).")
        }
        return try given.map(parse) + taskDefinition
    }

    /// Validates one constraint from the wire.
    public static func parse(_ constraint: ECS.PlacementConstraint) throws -> PlacementConstraint {
        switch constraint.type {
        case .distinctInstance:
            if let expression = constraint.expression, !expression.isEmpty {
                throw AdmiralError.invalidParameter(
                    "A distinctInstance placement constraint takes no expression; remove '\(expression)'.")
            }
            return .distinctInstance
        case .memberOf:
            guard let expression = constraint.expression, !expression.isEmpty else {
                throw AdmiralError.invalidParameter(
                    "A memberOf placement constraint needs an expression in the cluster query language.")
            }
            return .memberOf(try ClusterQuery(expression))
        case nil:
            throw AdmiralError.invalidParameter(
                "A placement constraint must have a type: distinctInstance or memberOf.")
        }
    }

    /// Validates task definition constraints (which are always `memberOf`).
    public static func parseTaskDefinition(
        _ constraints: [ECS.TaskDefinitionPlacementConstraint]?
    ) throws -> [PlacementConstraint] {
        let given = constraints ?? []
        guard given.count <= maximumCount else {
            throw AdmiralError.invalidParameter(
                "Too many placement constraints: \(given.count) given, at most \(maximumCount) allowed.")
        }
        return try given.map { constraint in
            try parse(ECS.PlacementConstraint(type: .memberOf, expression: constraint.expression))
        }
    }
}
