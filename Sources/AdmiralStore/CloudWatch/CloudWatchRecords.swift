import AdmiralModel
import Foundation

/// An alarm as stored: its wire shape (metric or composite) with the state that
/// DescribeAlarms shows, and the evaluator's bookkeeping.
public struct AlarmRecord: Sendable, Codable, Hashable {
    /// Which kind of alarm this is.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// An alarm on one metric or a metric-math expression.
        case metric = "MetricAlarm"
        /// An alarm on the states of other alarms.
        case composite = "CompositeAlarm"
    }

    /// The alarm's name (unique across both kinds).
    public var name: String
    /// Which kind it is.
    public var kind: Kind
    /// The metric alarm, when `kind` is `.metric`.
    public var metricAlarm: CloudWatch.MetricAlarm?
    /// The composite alarm, when `kind` is `.composite`.
    public var compositeAlarm: CloudWatch.CompositeAlarm?
    /// Raised on every PutMetricAlarm or PutCompositeAlarm, so that an evaluation of an
    /// older configuration is not written over a newer one.
    public var version: Int
    /// When the alarm's actions were last invoked, for the repeat of scaling actions
    /// while it stays in ALARM.
    public var actionsInvokedAt: Date?
    /// The ARN of the scaling policy that created and owns the alarm (target tracking),
    /// which alone may change or delete it.
    public var managedBy: String?

    /// Creates a record.
    public init(
        name: String, kind: Kind, metricAlarm: CloudWatch.MetricAlarm? = nil,
        compositeAlarm: CloudWatch.CompositeAlarm? = nil, version: Int = 1, actionsInvokedAt: Date? = nil,
        managedBy: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.metricAlarm = metricAlarm
        self.compositeAlarm = compositeAlarm
        self.version = version
        self.actionsInvokedAt = actionsInvokedAt
        self.managedBy = managedBy
    }
}

extension AlarmRecord {
    /// Sets the state fields of the alarm's shape, metric or composite.
    public mutating func setState(
        _ value: CloudWatch.StateValue?, reason: String?, reasonData: String?, updated: Date?, transitioned: Date?
    ) {
        if metricAlarm != nil {
            metricAlarm?.stateValue = value
            metricAlarm?.stateReason = reason
            metricAlarm?.stateReasonData = reasonData
            metricAlarm?.stateUpdatedTimestamp = updated
            metricAlarm?.stateTransitionedTimestamp = transitioned
        } else if compositeAlarm != nil {
            compositeAlarm?.stateValue = value
            compositeAlarm?.stateReason = reason
            compositeAlarm?.stateReasonData = reasonData
            compositeAlarm?.stateUpdatedTimestamp = updated
            compositeAlarm?.stateTransitionedTimestamp = transitioned
        }
    }
}

/// One item of an alarm's history.
public struct AlarmHistoryRecord: Sendable, Codable, Hashable {
    /// The store's position of the item (0 until stored).
    public var id: Int64
    /// The wire shape.
    public var item: CloudWatch.AlarmHistoryItem

    /// Creates a record.
    public init(id: Int64 = 0, item: CloudWatch.AlarmHistoryItem) {
        self.id = id
        self.item = item
    }
}

/// A dashboard as stored.
public struct DashboardRecord: Sendable, Codable, Hashable {
    /// The name.
    public var name: String
    /// The body, as the client sent it.
    public var body: String
    /// When it was last put.
    public var lastModified: Date

    /// Creates a record.
    public init(name: String, body: String, lastModified: Date) {
        self.name = name
        self.body = body
        self.lastModified = lastModified
    }
}
