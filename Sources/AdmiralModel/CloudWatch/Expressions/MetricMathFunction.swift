import Foundation

/// The functions of metric math that Admiral evaluates, by their CloudWatch names.
enum MetricMathFunction: String, Sendable, Hashable, CaseIterable {
    case abs = "ABS"
    case avg = "AVG"
    case ceil = "CEIL"
    case datapointCount = "DATAPOINT_COUNT"
    case diff = "DIFF"
    case diffTime = "DIFF_TIME"
    case fill = "FILL"
    case first = "FIRST"
    case floor = "FLOOR"
    case last = "LAST"
    case log = "LOG"
    case log10 = "LOG10"
    case max = "MAX"
    case metricCount = "METRIC_COUNT"
    case metrics = "METRICS"
    case min = "MIN"
    case period = "PERIOD"
    case rate = "RATE"
    case removeEmpty = "REMOVE_EMPTY"
    case runningSum = "RUNNING_SUM"
    case stddev = "STDDEV"
    case sum = "SUM"
    case timeSeries = "TIME_SERIES"

    /// CloudWatch functions that Admiral recognises but does not evaluate: they need data
    /// Admiral does not have (anomaly models, Contributor Insights, quotas, search) or are
    /// not implemented yet.
    static let unsupportedNames: Set<String> = [
        "ANOMALY_DETECTION_BAND", "DATE", "DAY", "DB_PERF_INSIGHTS", "EPOCH", "HOUR", "IF",
        "INSIGHT_RULE_METRIC", "LAMBDA", "MINUTE", "MONTH", "SEARCH", "SERVICE_QUOTA", "SLICE", "SORT",
        "YEAR",
    ]

    /// How many arguments the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .metrics: 0...1
        case .fill: 2...2
        default: 1...1
        }
    }

    /// What the function takes, for messages.
    var signature: String {
        switch self {
        case .metrics: "METRICS() or METRICS(\"filter\")"
        case .fill: "FILL(series or array, value | series | REPEAT | LINEAR)"
        case .timeSeries: "TIME_SERIES(scalar)"
        case .period: "PERIOD(series)"
        case .metricCount, .first, .last, .removeEmpty: "\(rawValue)(array)"
        default: "\(rawValue)(series or array)"
        }
    }
}
