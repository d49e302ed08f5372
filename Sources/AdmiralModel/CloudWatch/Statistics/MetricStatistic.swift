/// A basic CloudWatch statistic, as GetMetricStatistics' `Statistics` and an alarm's
/// `Statistic` name it; the raw value is the wire name.
public enum MetricStatistic: String, Sendable, Hashable, CaseIterable {
    /// The number of values.
    case sampleCount = "SampleCount"
    /// `Sum / SampleCount`.
    case average = "Average"
    /// The sum of the values.
    case sum = "Sum"
    /// The smallest value.
    case minimum = "Minimum"
    /// The largest value.
    case maximum = "Maximum"
}
