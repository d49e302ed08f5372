import Foundation

/// A compact, mergeable summary of a weighted multiset of values, from which any
/// quantile can be read back within 0.5 % relative error: what CloudWatch needs to
/// answer `p99` for a period without keeping every value published in it.
///
/// It is a DDSketch (Masson, Rim and Lee, VLDB 2019): a positive value `v` is counted in
/// the bucket `i = ⌈log_γ v⌉`, which covers `(γ^(i-1), γ^i]`, with
/// `γ = (1 + α) / (1 - α)` and relative accuracy `α = 0.005`. Every value in a bucket is
/// within `α` of the bucket's representative `2γ^i / (γ + 1)`, so a quantile read from
/// the buckets is within `α` of the exact one. Negative values are counted by magnitude
/// in a store of their own, and zeros in a single count. Buckets exist only for values
/// seen (about 230 per factor of ten the values span); the sketch never collapses
/// buckets, so its accuracy holds over the whole normal range of `Double` (only
/// subnormal magnitudes, below 2^-1022, lose precision).
///
/// Counts are `Double` because CloudWatch's `Counts` are: a value may be published as
/// having occurred 2.5 times. Non-finite values and non-positive or non-finite counts
/// are ignored; CloudWatch rejects them before they reach a sketch.
public struct MetricDistribution: Sendable, Equatable {
    /// The relative accuracy `α` of every quantile.
    public static let relativeAccuracy = 0.005
    /// The ratio `γ` between the bounds of consecutive buckets.
    static let gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
    /// `ln γ`, the width of a bucket on a log scale.
    static let logGamma = log(gamma)
    /// The furthest bucket index a finite `Double` can reach (|ln v| ≤ 745) with room to spare;
    /// decoding rejects indices beyond it.
    static let maximumIndex = 100_000

    /// Counts of positive values, by bucket index.
    private(set) var positive = MetricBucketStore()
    /// Counts of negative values, by the bucket index of their magnitude.
    private(set) var negative = MetricBucketStore()
    /// The count of zeros (positive or negative).
    private(set) var zeroCount: Double = 0

    /// Creates an empty distribution.
    public init() {}

    /// Whether no value has been added.
    public var isEmpty: Bool { zeroCount == 0 && positive.isEmpty && negative.isEmpty }

    /// The total weight of every value added: the number of values when every count is 1.
    public var totalCount: Double { zeroCount + negative.total + positive.total }

    /// The number of non-empty buckets, zeros counting as one.
    public var bucketCount: Int { positive.count + negative.count + (zeroCount > 0 ? 1 : 0) }

    /// Counts `value` as having occurred `count` times.
    public mutating func add(_ value: Double, count: Double = 1) {
        guard value.isFinite, count.isFinite, count > 0 else { return }
        if value == 0 {
            zeroCount += count
        } else if value > 0 {
            positive.add(count, at: Self.index(of: value))
        } else {
            negative.add(count, at: Self.index(of: -value))
        }
    }

    /// Adds every value counted in `other`, as if each had been added to this one.
    public mutating func merge(_ other: MetricDistribution) {
        positive.merge(other.positive)
        negative.merge(other.negative)
        zeroCount += other.zeroCount
    }

    /// The value at quantile `q` (0 is the smallest value, 1 the largest), within
    /// ``relativeAccuracy`` of the value of rank `⌊q · (n − 1)⌋` in the sorted values;
    /// nil when the distribution is empty or `q` is outside `0...1`.
    public func quantile(_ q: Double) -> Double? {
        guard !isEmpty, q >= 0, q <= 1 else { return nil }
        let rank = q * (totalCount - 1)
        var cumulative = 0.0
        // Negative values from the largest magnitude down, then zeros, then positives up.
        for position in stride(from: negative.count - 1, through: 0, by: -1) {
            cumulative += negative.counts[position]
            if cumulative > rank { return -Self.representative(of: negative.keys[position]) }
        }
        cumulative += zeroCount
        if cumulative > rank, zeroCount > 0 { return 0 }
        for position in 0..<positive.count {
            cumulative += positive.counts[position]
            if cumulative > rank { return Self.representative(of: positive.keys[position]) }
        }
        // Rounding in the running sum can leave the last bucket a hair short of the rank.
        if let last = positive.keys.last { return Self.representative(of: last) }
        if zeroCount > 0 { return 0 }
        return negative.keys.first.map { -Self.representative(of: $0) }
    }

    /// The bucket of a positive finite magnitude.
    static func index(of magnitude: Double) -> Int {
        Int((log(magnitude) / logGamma).rounded(.up))
    }

    /// The value reported for a bucket: the point whose relative distance to both of the
    /// bucket's bounds is `α`, kept finite at the top of the range.
    static func representative(of index: Int) -> Double {
        let value = exp(Double(index) * logGamma) * (2 / (1 + gamma))
        return value.isFinite ? value : .greatestFiniteMagnitude
    }

    /// Builds a distribution from decoded parts.
    init(positive: MetricBucketStore, negative: MetricBucketStore, zeroCount: Double) {
        self.positive = positive
        self.negative = negative
        self.zeroCount = zeroCount
    }
}
