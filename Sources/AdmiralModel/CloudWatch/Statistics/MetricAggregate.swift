/// What is kept for one metric over one stored bucket of time: the count, sum, minimum
/// and maximum of the values published in it and, when every value arrived as itself,
/// their ``MetricDistribution`` for percentiles.
///
/// Aggregates merge: two buckets rolled up into a coarser one, or a period built from
/// stored buckets, are the merge of their aggregates. A bucket fed by a `StatisticSet`
/// has no distribution, and once merged into another neither has: CloudWatch cannot give
/// a percentile of values it never saw, and a distribution of only some of them would
/// give a wrong one.
public struct MetricAggregate: Sendable, Equatable {
    /// The number of values (CloudWatch's `SampleCount`), possibly fractional when
    /// published with fractional `Counts`.
    public private(set) var sampleCount: Double
    /// The sum of the values, each weighted by its count.
    public private(set) var sum: Double
    /// The smallest value.
    public private(set) var minimum: Double
    /// The largest value.
    public private(set) var maximum: Double
    /// The distribution of the values, or nil when some arrived only as a statistic set
    /// and percentiles are therefore unavailable.
    public private(set) var distribution: MetricDistribution?

    /// The aggregate of a single value (a datum's `Value`).
    public init(value: Double) {
        sampleCount = 1
        sum = value
        minimum = value
        maximum = value
        var distribution = MetricDistribution()
        distribution.add(value)
        self.distribution = distribution
    }

    /// The aggregate of a datum's `Values`, each occurring as often as the matching entry
    /// of `counts` says (once each when `counts` is nil).
    ///
    /// Entries whose value is not finite or whose count is not a positive finite number
    /// are left out, as values that did not occur. Returns nil when `counts` is given with
    /// a different length from `values`, or when no entry is left; CloudWatch rejects
    /// such data before it gets here.
    public init?(values: [Double], counts: [Double]? = nil) {
        if let counts, counts.count != values.count { return nil }
        var sampleCount = 0.0
        var sum = 0.0
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var distribution = MetricDistribution()
        for (position, value) in values.enumerated() {
            let count = counts?[position] ?? 1
            guard value.isFinite, count.isFinite, count > 0 else { continue }
            sampleCount += count
            sum += value * count
            minimum = Swift.min(minimum, value)
            maximum = Swift.max(maximum, value)
            distribution.add(value, count: count)
        }
        guard sampleCount > 0 else { return nil }
        self.sampleCount = sampleCount
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.distribution = distribution
    }

    /// The aggregate of a datum's `StatisticValues`.
    ///
    /// It has no distribution, except in the two cases in which CloudWatch documents that
    /// percentiles of a statistic set remain available: when `minimum == maximum` (every
    /// value was `minimum`) and when `sampleCount == 1` (the one value was `sum`).
    public init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double) {
        self.sampleCount = sampleCount
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        if sampleCount > 0, minimum == maximum {
            var distribution = MetricDistribution()
            distribution.add(minimum, count: sampleCount)
            self.distribution = distribution
        } else if sampleCount == 1 {
            var distribution = MetricDistribution()
            distribution.add(sum)
            self.distribution = distribution
        } else {
            self.distribution = nil
        }
    }

    /// Builds an aggregate from decoded parts.
    init(sampleCount: Double, sum: Double, minimum: Double, maximum: Double, distribution: MetricDistribution?) {
        self.sampleCount = sampleCount
        self.sum = sum
        self.minimum = minimum
        self.maximum = maximum
        self.distribution = distribution
    }

    /// Adds the values of `other`. The distribution survives only when both have one.
    public mutating func merge(_ other: MetricAggregate) {
        sampleCount += other.sampleCount
        sum += other.sum
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        if var merged = distribution, let theirs = other.distribution {
            merged.merge(theirs)
            distribution = merged
        } else {
            distribution = nil
        }
    }

    /// This aggregate with an exact sum and sample count from elsewhere (a recorder that
    /// keeps both beside its histogram), keeping the distribution for percentiles.
    public func withTotals(sum: Double, sampleCount: Double) -> MetricAggregate {
        var copy = self
        copy.sum = sum
        copy.sampleCount = sampleCount
        return copy
    }

    /// This aggregate with the values of `other` added.
    public func merging(_ other: MetricAggregate) -> MetricAggregate {
        var merged = self
        merged.merge(other)
        return merged
    }

    /// `sum / sampleCount`, or 0 for an aggregate with no samples.
    public var average: Double { sampleCount > 0 ? sum / sampleCount : 0 }

    /// The value of a basic statistic.
    public func value(of statistic: MetricStatistic) -> Double {
        switch statistic {
        case .sampleCount: sampleCount
        case .average: average
        case .sum: sum
        case .minimum: minimum
        case .maximum: maximum
        }
    }

    /// The value of a percentile statistic, or nil when percentiles are unavailable.
    public func value(of statistic: ExtendedStatistic) -> Double? {
        percentile(statistic.percentile)
    }

    /// The `p`th percentile (`p` in `0...100`) of the values, within 0.5 % of the exact
    /// one and clamped into `minimum...maximum`; `p0` is ``minimum`` and `p100` is
    /// ``maximum`` exactly. Nil when the aggregate has no distribution or `p` is out of range.
    ///
    /// CloudWatch documents that percentiles are unavailable when any value is negative;
    /// this computes them regardless, and leaves that rule to the caller.
    public func percentile(_ p: Double) -> Double? {
        guard p >= 0, p <= 100, let distribution, !distribution.isEmpty else { return nil }
        if p == 0 { return minimum }
        if p == 100 { return maximum }
        guard let value = distribution.quantile(p / 100) else { return nil }
        return Swift.min(Swift.max(value, minimum), maximum)
    }
}
