import Foundation
import Testing

/// A SplitMix64 generator, so that every random dataset is the same on every run.
struct StatisticsSeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The datasets the percentile accuracy tests run over, 10,000 values each.
enum StatisticsDataset: String, CaseIterable, CustomTestStringConvertible {
    case uniform
    case exponential
    case negative
    case mixedSign
    case tiny
    case huge
    case wideRangeWithZeros
    case fewDistinct

    var testDescription: String { rawValue }

    static let size = 10_000

    /// The dataset's values, in the order generated.
    func values() -> [Double] {
        var random = StatisticsSeededRandom(seed: UInt64(rawValue.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        return (0..<Self.size).map { _ in value(using: &random) }
    }

    private func value(using random: inout StatisticsSeededRandom) -> Double {
        switch self {
        case .uniform:
            return Double.random(in: 0..<1000, using: &random)
        case .exponential:
            return -log(1 - Double.random(in: 0..<1, using: &random)) * 250
        case .negative:
            return -Double.random(in: 0.001..<5000, using: &random)
        case .mixedSign:
            return Double.random(in: -300..<700, using: &random)
        case .tiny:
            return exp(Double.random(in: log(1e-300)..<log(1e-280), using: &random))
        case .huge:
            let magnitude = exp(Double.random(in: log(1e250)..<log(1e300), using: &random))
            return Bool.random(using: &random) ? magnitude : -magnitude
        case .wideRangeWithZeros:
            if Int.random(in: 0..<10, using: &random) == 0 { return 0 }
            let magnitude = exp(Double.random(in: log(1e-9)..<log(1e9), using: &random))
            return Bool.random(using: &random) ? magnitude : -magnitude
        case .fewDistinct:
            return Double(Int.random(in: -3...5, using: &random)) * 1.5
        }
    }
}

/// The exact quantile the sketch approximates: the value of rank ⌊q · (n − 1)⌋.
func exactSortedQuantile(_ sorted: [Double], _ q: Double) -> Double {
    sorted[Int((q * Double(sorted.count - 1)).rounded(.down))]
}

/// The relative distance of `estimate` from `exact` (0 when both are zero).
func sketchRelativeError(_ estimate: Double, _ exact: Double) -> Double {
    exact == 0 ? abs(estimate) : abs(estimate - exact) / abs(exact)
}

/// The quantiles every accuracy test checks.
let checkedQuantileLevels: [Double] = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1]

/// A date from a UTC ISO 8601 text such as `2024-05-01T12:32:34Z`.
func statisticsDate(_ text: String) throws -> Date {
    try #require(ISO8601DateFormatter().date(from: text))
}
