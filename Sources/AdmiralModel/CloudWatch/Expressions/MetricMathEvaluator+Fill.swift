import Foundation

/// `FILL`: gives a datapoint to every timestamp of the request's grid that has none.
///
/// The filler is a scalar (`FILL(m1, 0)`), a series whose datapoint at the same timestamp is
/// used (`FILL(METRICS(), m1)`, where it has one), `REPEAT` (the most recent actual value
/// before the gap) or `LINEAR` (interpolated in time between the actual values on either
/// side of the gap). `REPEAT` leaves the timestamps before a series' first datapoint empty,
/// and `LINEAR` those before its first and after its last: there is nothing to repeat or to
/// interpolate from. Datapoints already present, on the grid or not, are kept.
extension MetricMathEvaluator {
    /// What fills the gaps.
    private enum Filler {
        case constant(Double)
        case series([Date: Double])
        case mode(MetricMathFillMode)
    }

    func fill(
        _ target: MetricMathValue, with fillerNode: MetricMathNode, at position: Int
    ) throws(MetricMathError) -> MetricMathValue {
        let filler: Filler
        if case .keyword(let mode, _) = fillerNode {
            filler = .mode(mode)
        } else {
            switch try evaluate(fillerNode) {
            case .scalar(let number): filler = .constant(number)
            case .series(let series): filler = .series(series.valuesByTimestamp)
            case .array:
                throw MetricMathError(
                    .invalidArguments,
                    "FILL at position \(position) fills with a scalar, a series, REPEAT or LINEAR, but its "
                        + "second argument is an array of time series.",
                    position: position)
            }
        }
        let grid = context.gridTimestamps
        switch target {
        case .scalar: throw wrongKind(.fill, target, at: position)
        case .series(let series): return .series(Self.fill(series, with: filler, grid: grid))
        case .array(let array): return .array(array.map { Self.fill($0, with: filler, grid: grid) })
        }
    }

    private static func fill(_ series: MetricSeries, with filler: Filler, grid: [Date]) -> MetricSeries {
        let present = series.valuesByTimestamp
        let times = series.timestamps
        var points = series.points.map { ($0.timestamp, $0.value) }
        // `next` is the index of the first actual datapoint after the grid timestamp.
        var next = 0
        for timestamp in grid {
            while next < times.count, times[next] <= timestamp { next += 1 }
            guard present[timestamp] == nil else { continue }
            let value: Double?
            switch filler {
            case .constant(let number):
                value = number
            case .series(let values):
                value = values[timestamp]
            case .mode(.repeat):
                value = next > 0 ? series.values[next - 1] : nil
            case .mode(.linear):
                if next > 0, next < times.count {
                    let before = (times[next - 1], series.values[next - 1])
                    let after = (times[next], series.values[next])
                    let fraction =
                        timestamp.timeIntervalSince(before.0) / after.0.timeIntervalSince(before.0)
                    value = before.1 + (after.1 - before.1) * fraction
                } else {
                    value = nil
                }
            }
            if let value { points.append((timestamp, value)) }
        }
        points.sort { $0.0 < $1.0 }
        return series.withPoints(points)
    }
}
