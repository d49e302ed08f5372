extension AlarmHistoryData {
    /// What happened to an alarm's configuration.
    public enum ConfigurationChange: String, Sendable, Hashable, CaseIterable {
        /// PutMetricAlarm created the alarm.
        case create = "Create"
        /// PutMetricAlarm replaced the alarm's configuration.
        case update = "Update"
        /// DeleteAlarms removed the alarm.
        case delete = "Delete"

        /// The past participle in the summary: `created`, `updated`, `deleted`.
        public var pastTense: String {
            switch self {
            case .create: "created"
            case .update: "updated"
            case .delete: "deleted"
            }
        }

        /// The key that holds the alarm in `HistoryData`: `createdAlarm`, `updatedAlarm`, `deletedAlarm`.
        public var alarmKey: String { pastTense + "Alarm" }
    }

    /// `Alarm "cpu-high" created` (or `updated`, `deleted`).
    public static func configurationSummary(alarmName: String, change: ConfigurationChange) -> String {
        "Alarm \"\(alarmName)\" \(change.pastTense)"
    }

    /// The `HistoryData` of a `ConfigurationUpdate` item:
    /// `{"version":"1.0","type":"Create","createdAlarm":{...}}`, and for an update also
    /// `"originalUpdatedFields":{...}` with the previous values of the fields that changed.
    ///
    /// `alarm` is the alarm as CloudWatch writes it there, keys in its order: `alarmName`, `alarmDescription`,
    /// `alarmArn`, `alarmConfigurationUpdatedTimestamp`, `namespace`, `metricName`, `statistic`, `period`,
    /// `dimensions` (`[{"value":...,"name":...}]`), `threshold`, `comparisonOperator`, `evaluationPeriods`,
    /// `datapointsToAlarm`, `treatMissingData`, `stateValue`, `stateUpdatedTimestamp`, `actionsEnabled`,
    /// `alarmActions`, `insufficientDataActions`, `okactions` (sic).
    public static func configurationUpdate(
        change: ConfigurationChange, alarm: [AlarmJSON.Member], originalUpdatedFields: [AlarmJSON.Member]? = nil
    ) -> String {
        var members = [
            AlarmJSON.Member("version", .string("1.0")),
            AlarmJSON.Member("type", .string(change.rawValue)),
            AlarmJSON.Member(change.alarmKey, .object(alarm)),
        ]
        if change == .update, let originalUpdatedFields {
            members.append(AlarmJSON.Member("originalUpdatedFields", .object(originalUpdatedFields)))
        }
        return AlarmJSON.object(members).rendered
    }
}
