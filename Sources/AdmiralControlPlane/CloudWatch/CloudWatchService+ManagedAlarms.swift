import AdmiralModel
import AdmiralStore
import Foundation

extension CloudWatchService {
    /// Creates or replaces an alarm that another service owns (a target tracking
    /// policy's): CloudWatch's period rules do not apply (a shortened `--scaling-period`
    /// may be under 10 s), and users may read it but not change or delete it.
    public func putManagedAlarm(_ alarm: CloudWatch.MetricAlarm, managedBy owner: String, now: Date) async throws {
        guard let name = alarm.alarmName else { return }
        let existing = try await store.alarms(named: [name]).first
        var alarm = alarm
        alarm.alarmConfigurationUpdatedTimestamp = now
        alarm.stateValue = existing?.metricAlarm?.stateValue ?? .insufficientData
        alarm.stateReason = existing?.metricAlarm?.stateReason ?? "Unchecked: Initial alarm creation"
        alarm.stateUpdatedTimestamp = existing?.metricAlarm?.stateUpdatedTimestamp ?? now
        alarm.stateTransitionedTimestamp = existing?.metricAlarm?.stateTransitionedTimestamp ?? now
        let record = AlarmRecord(
            name: name, kind: .metric, metricAlarm: alarm, version: (existing?.version ?? 0) + 1,
            actionsInvokedAt: existing?.actionsInvokedAt, managedBy: owner)
        try await store.putAlarm(
            record, history: Self.configurationHistory(record, type: .metricAlarm, created: existing == nil, now: now))
        alarmChanges.raise()
    }

    /// Deletes alarms another service owns.
    public func deleteManagedAlarms(_ names: [String]) async throws {
        guard !names.isEmpty else { return }
        _ = try await store.deleteAlarms(named: names)
        alarmChanges.raise()
    }

    /// The alarms whose actions include `actionARN`, by name, with their ARNs in `region`.
    public func alarms(invoking actionARN: String, region: String, accountId: String) async throws
        -> [(name: String, arn: String)]
    {
        try await store.alarms().filter { $0.allActions.contains(actionARN) }.map {
            ($0.name, "arn:aws:cloudwatch:\(region):\(accountId):alarm:\($0.name)")
        }
    }

    /// Refuses a user's change to an alarm a scaling policy owns.
    func checkNotManaged(_ names: [String]) async throws {
        for alarm in try await store.alarms(named: names) {
            if let owner = alarm.managedBy {
                throw AdmiralError.invalidValue(
                    "The alarm \(alarm.name) belongs to the scaling policy \(owner); change or delete the policy "
                        + "(aws application-autoscaling put-scaling-policy / delete-scaling-policy) instead.")
            }
        }
    }
}

extension CloudWatchService {
    /// The values an alarm's metric has in its latest complete evaluation periods, oldest
    /// first (missing periods left out), with its threshold: what a scaling policy reads
    /// when the alarm invokes it.
    public func latestValues(ofAlarm name: String, now: Date) async throws -> (values: [Double], threshold: Double)? {
        guard let alarm = try await store.alarms(named: [name]).first?.metricAlarm, let threshold = alarm.threshold
        else { return nil }
        let period = alarmPeriod(alarm)
        let starts = AlarmSchedule.periodStarts(at: now, period: period, periods: max(alarm.evaluationPeriods ?? 1, 1))
        guard let first = starts.first, let last = starts.last else { return ([], threshold) }
        let series = try await alarmSeries(
            alarm, start: first, end: last.addingTimeInterval(TimeInterval(period)), period: period, now: now)
        return (starts.compactMap { series[$0]?.value }, threshold)
    }
}
