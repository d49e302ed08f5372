import Foundation

/// One metric: a namespace, a name and a set of dimensions. CloudWatch treats each
/// unique combination as its own metric; the order in which a client lists the
/// dimensions does not matter, so they are kept sorted by name.
public struct MetricIdentity: Sendable, Hashable, Codable {
    /// The namespace, for example `AWS/ECS` or a user's `MyApp`.
    public var namespace: String
    /// The metric's name.
    public var name: String
    /// The dimensions, sorted by name.
    public var dimensions: [CloudWatch.Dimension]

    /// Creates an identity, sorting the dimensions by name.
    public init(namespace: String, name: String, dimensions: [CloudWatch.Dimension] = []) {
        self.namespace = namespace
        self.name = name
        self.dimensions = dimensions.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
    }

    /// The dimensions as one string, `Name=Value` pairs joined by a byte that names and
    /// values may not hold, in name order: the key under which the store keeps them.
    public var dimensionKey: String {
        dimensions.map { "\($0.name)\u{1F}\($0.value)" }.joined(separator: "\u{1E}")
    }

    /// The dimensions read back from ``dimensionKey``.
    public static func dimensions(fromKey key: String) -> [CloudWatch.Dimension] {
        guard !key.isEmpty else { return [] }
        return key.split(separator: "\u{1E}", omittingEmptySubsequences: false).map { pair in
            let parts = pair.split(separator: "\u{1F}", maxSplits: 1, omittingEmptySubsequences: false)
            return CloudWatch.Dimension(name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Whether the metric matches ListMetrics' dimension filters: every filter names a
    /// dimension the metric has, with the filter's value when it gives one.
    public func matches(_ filters: [CloudWatch.DimensionFilter]) -> Bool {
        filters.allSatisfy { filter in
            dimensions.contains { $0.name == filter.name && (filter.value == nil || filter.value == $0.value) }
        }
    }

    /// The wire shape.
    public var metric: CloudWatch.Metric {
        CloudWatch.Metric(namespace: namespace, metricName: name, dimensions: dimensions)
    }
}
