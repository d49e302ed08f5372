/// A snapshot of the data plane's counters, named after the `AWS/ApplicationELB` metrics.
///
/// Counts are monotonic for as long as the load balancer or target group stays in the
/// configuration (a publisher takes differences between snapshots); the connection and host
/// counts are gauges: their value now.
public struct DataPlaneMetrics: Sendable, Equatable {
    /// Per load balancer ARN.
    public var loadBalancers: [String: LoadBalancerMetrics]
    /// Per target group ARN.
    public var targetGroups: [String: TargetGroupMetrics]

    /// Creates a snapshot.
    public init(loadBalancers: [String: LoadBalancerMetrics] = [:], targetGroups: [String: TargetGroupMetrics] = [:]) {
        self.loadBalancers = loadBalancers
        self.targetGroups = targetGroups
    }
}

/// The counters of one load balancer.
public struct LoadBalancerMetrics: Sendable, Equatable {
    /// `RequestCount`: requests the rules routed (forwarded, fixed-response or redirect).
    public var requestCount: Int
    /// `HTTPCode_Target_2XX_Count`.
    public var httpCodeTarget2XXCount: Int
    /// `HTTPCode_Target_3XX_Count`.
    public var httpCodeTarget3XXCount: Int
    /// `HTTPCode_Target_4XX_Count`.
    public var httpCodeTarget4XXCount: Int
    /// `HTTPCode_Target_5XX_Count`.
    public var httpCodeTarget5XXCount: Int
    /// `HTTPCode_ELB_3XX_Count`: redirects.
    public var httpCodeELB3XXCount: Int
    /// `HTTPCode_ELB_4XX_Count`: malformed requests and 4XX fixed responses.
    public var httpCodeELB4XXCount: Int
    /// `HTTPCode_ELB_5XX_Count`.
    public var httpCodeELB5XXCount: Int
    /// `HTTPCode_ELB_500_Count`.
    public var httpCodeELB500Count: Int
    /// `HTTPCode_ELB_502_Count`.
    public var httpCodeELB502Count: Int
    /// `HTTPCode_ELB_503_Count`.
    public var httpCodeELB503Count: Int
    /// `HTTPCode_ELB_504_Count`.
    public var httpCodeELB504Count: Int
    /// `TargetResponseTime`.
    public var targetResponseTime: ResponseTimeSummary
    /// `TargetConnectionErrorCount`: connections to targets that could not be established.
    public var targetConnectionErrorCount: Int
    /// `ActiveConnectionCount` (gauge): client connections plus connections to targets.
    public var activeConnectionCount: Int
    /// Client connections open now (part of ``activeConnectionCount``).
    public var activeClientConnectionCount: Int
    /// `NewConnectionCount`: connections accepted from clients plus connections opened to targets.
    public var newConnectionCount: Int
    /// Client connections accepted (part of ``newConnectionCount``).
    public var newClientConnectionCount: Int
}

/// The counters of one target group.
public struct TargetGroupMetrics: Sendable, Equatable {
    /// The load balancers whose listeners forward to this group.
    public var loadBalancerIDs: [String]
    /// `RequestCount`: requests forwarded to a target of this group.
    public var requestCount: Int
    /// `HTTPCode_Target_2XX_Count`.
    public var httpCodeTarget2XXCount: Int
    /// `HTTPCode_Target_3XX_Count`.
    public var httpCodeTarget3XXCount: Int
    /// `HTTPCode_Target_4XX_Count`.
    public var httpCodeTarget4XXCount: Int
    /// `HTTPCode_Target_5XX_Count`.
    public var httpCodeTarget5XXCount: Int
    /// `TargetResponseTime`.
    public var targetResponseTime: ResponseTimeSummary
    /// `TargetConnectionErrorCount`.
    public var targetConnectionErrorCount: Int
    /// `HealthyHostCount` (gauge).
    public var healthyHostCount: Int
    /// `UnHealthyHostCount` (gauge).
    public var unHealthyHostCount: Int
}

/// Sum, count and histogram of target response times, in seconds.
public struct ResponseTimeSummary: Sendable, Equatable {
    /// One histogram bucket: responses that took at most ``upperBound`` seconds
    /// (and more than the previous bucket's bound).
    public struct Bucket: Sendable, Equatable {
        /// The upper bound in seconds; `.infinity` for the last bucket.
        public var upperBound: Double
        /// Responses in this bucket.
        public var count: Int
    }

    /// Sum of all response times, in seconds.
    public var sum: Double
    /// Number of responses timed.
    public var count: Int
    /// The histogram's buckets that hold responses, lowest bound first; bounds are 2 %
    /// apart, so a bucket's geometric middle is within 1 % of each of its responses.
    public var buckets: [Bucket]

    /// Each non-empty bucket as a representative value in seconds (the geometric middle
    /// of its bounds) and its count: what PutMetricData's Values and Counts carry.
    public var valuesAndCounts: [(value: Double, count: Int)] {
        buckets.map { bucket in
            guard bucket.upperBound.isFinite else { return (120, bucket.count) }
            let lower = bucket.upperBound / 1.02
            return ((lower * bucket.upperBound).squareRoot(), bucket.count)
        }
    }

    /// What was recorded since `earlier`, a snapshot of the same recorder.
    public func since(_ earlier: ResponseTimeSummary) -> ResponseTimeSummary {
        var before: [Double: Int] = [:]
        for bucket in earlier.buckets { before[bucket.upperBound] = bucket.count }
        let buckets = self.buckets.compactMap { bucket -> Bucket? in
            let count = bucket.count - (before[bucket.upperBound] ?? 0)
            return count > 0 ? Bucket(upperBound: bucket.upperBound, count: count) : nil
        }
        let count = self.count - earlier.count
        guard count >= 0 else { return self }
        return ResponseTimeSummary(sum: sum - earlier.sum, count: count, buckets: buckets)
    }
}
