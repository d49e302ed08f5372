import Foundation
import Synchronization

/// A shared integer that request handlers on any event loop add to without a lock.
final class Counter: Sendable {
    private let value = Atomic<Int>(0)

    init() {}

    @inline(__always)
    func add(_ amount: Int = 1) {
        value.wrappingAdd(amount, ordering: .relaxed)
    }

    @inline(__always)
    func subtract(_ amount: Int = 1) {
        value.wrappingSubtract(amount, ordering: .relaxed)
    }

    /// Adds one and returns the new value.
    @inline(__always)
    func addAndFetch() -> Int {
        value.wrappingAdd(1, ordering: .relaxed).newValue
    }

    var current: Int { value.load(ordering: .relaxed) }
}

/// The target response time (request sent to a target until its response head arrived),
/// kept as a sum, a count and a histogram of log-spaced buckets 2 % apart, from 1 µs to
/// two minutes, so that percentiles read from it (a bucket standing for the geometric
/// middle of its bounds) are within 1 % of the true value.
final class ResponseTimeRecorder: Sendable {
    /// The ratio between consecutive bucket bounds.
    static let growth = 1.02
    static let logGrowth = log(growth)
    /// Bucket upper bounds, in microseconds; the last bucket is unbounded.
    static let boundsMicroseconds: [Double] = {
        var bounds: [Double] = []
        var bound = 1.0
        while bound < 120_000_000 {
            bounds.append(bound)
            bound *= growth
        }
        return bounds
    }()

    let sumMicroseconds = Counter()
    let count = Counter()
    let buckets: [Counter] = (0...ResponseTimeRecorder.boundsMicroseconds.count).map { _ in Counter() }

    init() {}

    func record(microseconds: Int) {
        sumMicroseconds.add(microseconds)
        count.add()
        let bounds = Self.boundsMicroseconds
        var index = microseconds <= 1 ? 0 : Int((log(Double(microseconds)) / Self.logGrowth).rounded(.up))
        // The logarithm may land one bucket off at a bound.
        if index < bounds.count, Double(microseconds) > bounds[index] { index += 1 }
        if index > 0, index - 1 < bounds.count, Double(microseconds) <= bounds[index - 1] { index -= 1 }
        buckets[min(index, bounds.count)].add()
    }

    func snapshot() -> ResponseTimeSummary {
        let bounds = Self.boundsMicroseconds
        return ResponseTimeSummary(
            sum: Double(sumMicroseconds.current) / 1_000_000,
            count: count.current,
            buckets: buckets.enumerated().compactMap { index, counter in
                let count = counter.current
                guard count > 0 else { return nil }
                return ResponseTimeSummary.Bucket(
                    upperBound: index < bounds.count ? bounds[index] / 1_000_000 : .infinity, count: count)
            })
    }
}

/// The counters a request adds to, per load balancer or per target group.
final class RequestCounters: Sendable {
    let requests = Counter()
    let target2xx = Counter()
    let target3xx = Counter()
    let target4xx = Counter()
    let target5xx = Counter()
    let targetResponseTime = ResponseTimeRecorder()
    let targetConnectionErrors = Counter()

    init() {}

    @inline(__always)
    func recordTargetStatus(_ status: Int) {
        switch status {
        case 200..<300: target2xx.add()
        case 300..<400: target3xx.add()
        case 400..<500: target4xx.add()
        case 500..<600: target5xx.add()
        default: break
        }
    }
}

/// A load balancer's counters.
final class LoadBalancerCounters: Sendable {
    let requests = RequestCounters()
    let elb3xx = Counter()
    let elb4xx = Counter()
    let elb5xx = Counter()
    let elb500 = Counter()
    let elb502 = Counter()
    let elb503 = Counter()
    let elb504 = Counter()
    let activeClientConnections = Counter()
    let activeTargetConnections = Counter()
    let newClientConnections = Counter()
    let newTargetConnections = Counter()

    init() {}

    /// Counts a response the load balancer generated itself.
    func recordELBStatus(_ status: Int) {
        switch status {
        case 300..<400: elb3xx.add()
        case 400..<500: elb4xx.add()
        case 500..<600:
            elb5xx.add()
            switch status {
            case 500: elb500.add()
            case 502: elb502.add()
            case 503: elb503.add()
            case 504: elb504.add()
            default: break
            }
        default: break
        }
    }
}
