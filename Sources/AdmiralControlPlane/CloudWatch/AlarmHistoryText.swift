import AdmiralModel
import AdmiralStore
import Foundation

/// The history items' texts, from ``AlarmHistoryData`` (CloudWatch's wording), for the
/// wire's alarm shapes.
enum AlarmHistoryText {
    static func state(_ value: CloudWatch.StateValue) -> AlarmStateValue {
        AlarmStateValue(rawValue: value.rawValue) ?? .insufficientData
    }

    static func stateUpdateSummary(from old: CloudWatch.StateValue, to new: CloudWatch.StateValue) -> String {
        AlarmHistoryData.stateUpdateSummary(from: state(old), to: state(new))
    }

    static func stateUpdateData(
        old: (CloudWatch.StateValue, String, String?), new: (CloudWatch.StateValue, String, String?)
    ) -> String {
        AlarmHistoryData.stateUpdate(
            old: .init(stateValue: state(old.0), stateReason: old.1, stateReasonData: old.2),
            new: .init(stateValue: state(new.0), stateReason: new.1, stateReasonData: new.2))
    }

    static func actionSummary(action: String, failure: String?, at time: Date) -> String {
        AlarmHistoryData.actionSummary(.init(actionArn: action, stateUpdateTimestamp: time, error: failure))
    }

    static func actionData(action: String, failure: String?, at time: Date) -> String {
        AlarmHistoryData.action(.init(actionArn: action, stateUpdateTimestamp: time, error: failure))
    }

    static func configurationSummary(alarmName: String, created: Bool) -> String {
        AlarmHistoryData.configurationSummary(alarmName: alarmName, change: created ? .create : .update)
    }

    /// The ConfigurationUpdate data: the alarm's main fields, in CloudWatch's key order.
    static func configurationData(alarm: AlarmRecord, created: Bool) -> String {
        var members: [AlarmJSON.Member] = [.init("alarmName", .string(alarm.name))]
        func add(_ key: String, _ value: AlarmJSON?) {
            if let value { members.append(.init(key, value)) }
        }
        if let metric = alarm.metricAlarm {
            add("alarmDescription", metric.alarmDescription.map(AlarmJSON.string))
            add("namespace", metric.namespace.map(AlarmJSON.string))
            add("metricName", metric.metricName.map(AlarmJSON.string))
            add("statistic", (metric.statistic?.rawValue ?? metric.extendedStatistic).map(AlarmJSON.string))
            add("period", metric.period.map { AlarmJSON.integer(Int64($0)) })
            add("threshold", metric.threshold.map(AlarmJSON.double))
            add("comparisonOperator", metric.comparisonOperator.map { AlarmJSON.string($0.rawValue) })
            add("evaluationPeriods", metric.evaluationPeriods.map { AlarmJSON.integer(Int64($0)) })
            add("datapointsToAlarm", metric.datapointsToAlarm.map { AlarmJSON.integer(Int64($0)) })
            add("treatMissingData", metric.treatMissingData.map(AlarmJSON.string))
            add("stateValue", metric.stateValue.map { AlarmJSON.string($0.rawValue) })
            add("actionsEnabled", metric.actionsEnabled.map(AlarmJSON.bool))
        } else if let composite = alarm.compositeAlarm {
            add("alarmDescription", composite.alarmDescription.map(AlarmJSON.string))
            add("alarmRule", composite.alarmRule.map(AlarmJSON.string))
            add("stateValue", composite.stateValue.map { AlarmJSON.string($0.rawValue) })
            add("actionsEnabled", composite.actionsEnabled.map(AlarmJSON.bool))
        }
        return AlarmHistoryData.configurationUpdate(change: created ? .create : .update, alarm: members)
    }

    /// A composite alarm's reason for its state.
    static func compositeReason(rule: String, firing: Bool) -> String {
        "The alarm rule \(rule) evaluated to \(firing ? "TRUE" : "FALSE")."
    }
}
