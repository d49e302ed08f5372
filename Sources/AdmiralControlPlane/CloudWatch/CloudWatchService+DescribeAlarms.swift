import AdmiralModel
import AdmiralStore
import Foundation

extension CloudWatchService {
    /// DescribeAlarms: metric alarms (and composite ones when AlarmTypes asks), filtered
    /// by names, prefix, state, action prefix, children and parents, by name, paginated.
    public func describeAlarms(_ input: CloudWatch.DescribeAlarmsInput, context: RequestContext) async throws
        -> CloudWatch.DescribeAlarmsOutput
    {
        if input.alarmNames != nil && input.alarmNamePrefix != nil {
            throw AdmiralError.invalidCombination(
                "The parameters AlarmNames and AlarmNamePrefix are mutually exclusive and you have specified both.")
        }
        if (input.alarmNames?.count ?? 0) > 100 {
            throw AdmiralError.invalidValue("The collection AlarmNames must not have a size greater than 100.")
        }
        let limit = input.maxRecords ?? 50
        guard (1...100).contains(limit) else {
            throw AdmiralError.invalidValue("The parameter MaxRecords must be between 1 and 100.")
        }
        let types = Set(input.alarmTypes ?? [.metricAlarm])
        var alarms: [AlarmRecord]
        if let names = input.alarmNames {
            alarms = try await store.alarms(named: names)
        } else {
            alarms = try await store.alarms()
        }
        alarms.sort { $0.name < $1.name }
        if let prefix = input.alarmNamePrefix { alarms = alarms.filter { $0.name.hasPrefix(prefix) } }
        if let state = input.stateValue { alarms = alarms.filter { $0.state == state } }
        if let prefix = input.actionPrefix {
            alarms = alarms.filter { $0.allActions.contains { $0.hasPrefix(prefix) } }
        }
        if let parent = input.childrenOfAlarmName {
            let rule = try await store.alarms(named: [parent]).first?.compositeAlarm?.alarmRule
            let children = Set(
                (rule.flatMap { try? AlarmRule(parsing: $0) }?.referencedAlarms ?? []).map(
                    Self.alarmName(fromReference:)))
            alarms = alarms.filter { children.contains($0.name) }
        }
        if let child = input.parentsOfAlarmName {
            alarms = alarms.filter { alarm in
                guard let rule = alarm.compositeAlarm?.alarmRule.flatMap({ try? AlarmRule(parsing: $0) }) else {
                    return false
                }
                return rule.referencedAlarms.map(Self.alarmName(fromReference:)).contains(child)
            }
        }
        alarms = alarms.filter { types.contains($0.kind == .metric ? .metricAlarm : .compositeAlarm) }
        if let token = input.nextToken {
            guard let after = Self.decodeToken(token) else {
                throw AdmiralError(.invalidNextToken, "The NextToken \(token) is not one this server returned.")
            }
            alarms = alarms.filter { $0.name > after }
        }
        let page = Array(alarms.prefix(limit))
        let next = alarms.count > limit ? page.last.map { Self.encodeToken($0.name) } : nil
        return CloudWatch.DescribeAlarmsOutput(
            compositeAlarms: page.compactMap { $0.compositeAlarm.map { withARN($0, context) } },
            metricAlarms: page.compactMap { $0.metricAlarm.map { withARN($0, context) } }, nextToken: next)
    }

    /// DescribeAlarmsForMetric: the metric alarms on one metric.
    public func describeAlarmsForMetric(_ input: CloudWatch.DescribeAlarmsForMetricInput, context: RequestContext)
        async throws -> CloudWatch.DescribeAlarmsForMetricOutput
    {
        let metric = MetricIdentity(
            namespace: input.namespace, name: input.metricName, dimensions: input.dimensions ?? [])
        let alarms = try await store.alarms().compactMap(\.metricAlarm).filter { alarm in
            guard alarm.namespace == metric.namespace, alarm.metricName == metric.name else { return false }
            if input.dimensions != nil,
                MetricIdentity(namespace: metric.namespace, name: metric.name, dimensions: alarm.dimensions ?? [])
                    != metric
            {
                return false
            }
            if let statistic = input.statistic, alarm.statistic != statistic { return false }
            if let extended = input.extendedStatistic, alarm.extendedStatistic != extended { return false }
            if let period = input.period, alarm.period != period { return false }
            if let unit = input.unit, alarm.unit != unit { return false }
            return true
        }
        return CloudWatch.DescribeAlarmsForMetricOutput(metricAlarms: alarms.map { withARN($0, context) })
    }

    /// DeleteAlarms: all named alarms, or none when one does not exist or is still in a
    /// composite alarm's rule.
    public func deleteAlarms(_ input: CloudWatch.DeleteAlarmsInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        guard input.alarmNames.count <= 100 else {
            throw AdmiralError.invalidValue("The collection AlarmNames must not have a size greater than 100.")
        }
        let found = try await store.alarms(named: input.alarmNames)
        if let missing = input.alarmNames.first(where: { name in !found.contains { $0.name == name } }) {
            throw AdmiralError(.cloudWatchResourceNotFound, "\(missing) does not exist")
        }
        try await checkNotManaged(input.alarmNames)
        let deleting = Set(input.alarmNames)
        for parent in try await store.alarms() where parent.kind == .composite && !deleting.contains(parent.name) {
            guard let rule = parent.compositeAlarm?.alarmRule.flatMap({ try? AlarmRule(parsing: $0) }) else { continue }
            if let child = rule.referencedAlarms.map(Self.alarmName(fromReference:)).first(where: deleting.contains) {
                throw AdmiralError.invalidValue(
                    "Alarm \(child) is used in the AlarmRule of the composite alarm \(parent.name); delete or change "
                        + "that alarm first.")
            }
        }
        _ = try await store.deleteAlarms(named: input.alarmNames)
        for name in input.alarmNames {
            try await store.setTags([], of: alarmKey(name))
        }
        alarmChanges.raise()
        return CloudWatch.EmptyOutput()
    }

    /// EnableAlarmActions.
    public func enableAlarmActions(_ input: CloudWatch.EnableAlarmActionsInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        try await setActionsEnabled(input.alarmNames, true)
        return CloudWatch.EmptyOutput()
    }

    /// DisableAlarmActions.
    public func disableAlarmActions(_ input: CloudWatch.DisableAlarmActionsInput, context: RequestContext)
        async throws -> CloudWatch.EmptyOutput
    {
        try await setActionsEnabled(input.alarmNames, false)
        return CloudWatch.EmptyOutput()
    }

    func setActionsEnabled(_ names: [String], _ enabled: Bool) async throws {
        guard names.count <= 100 else {
            throw AdmiralError.invalidValue("The collection AlarmNames must not have a size greater than 100.")
        }
        for var alarm in try await store.alarms(named: names) {
            alarm.metricAlarm?.actionsEnabled = enabled
            alarm.compositeAlarm?.actionsEnabled = enabled
            alarm.version += 1
            try await store.putAlarm(alarm, history: nil)
        }
        alarmChanges.raise()
    }

    /// SetAlarmState: sets the state for a while (the next evaluation sets it again) and
    /// invokes the actions of the new state, as CloudWatch does to let actions be tried.
    public func setAlarmState(_ input: CloudWatch.SetAlarmStateInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        if let violation = SetAlarmStateRules.stateReasonViolation(input.stateReason)
            ?? SetAlarmStateRules.stateReasonDataViolation(input.stateReasonData)
        {
            throw AdmiralError(AdmiralError.Code(rawValue: violation.code), violation.message)
        }
        guard let alarm = try await store.alarms(named: [input.alarmName]).first else {
            throw AdmiralError(.cloudWatchResourceNotFound, "Alarm \(input.alarmName) not found")
        }
        _ = try await transition(
            alarm, to: input.stateValue, reason: input.stateReason, reasonData: input.stateReasonData, now: context.now,
            region: context.names.region, accountId: context.names.accountId)
        return CloudWatch.EmptyOutput()
    }

    /// DescribeAlarmHistory.
    public func describeAlarmHistory(_ input: CloudWatch.DescribeAlarmHistoryInput, context: RequestContext)
        async throws -> CloudWatch.DescribeAlarmHistoryOutput
    {
        let limit = input.maxRecords ?? 100
        guard (1...100).contains(limit) else {
            throw AdmiralError.invalidValue("The parameter MaxRecords must be between 1 and 100.")
        }
        var after: Int64?
        if let token = input.nextToken {
            guard let value = Self.decodeToken(token).flatMap(Int64.init) else {
                throw AdmiralError(.invalidNextToken, "The NextToken \(token) is not one this server returned.")
            }
            after = value
        }
        let types = Set(input.alarmTypes ?? [.metricAlarm, .compositeAlarm])
        var items: [CloudWatch.AlarmHistoryItem] = []
        var next: Int64? = after
        repeat {
            let page = try await store.history(
                alarmName: input.alarmName, type: input.historyItemType?.rawValue, from: input.startDate,
                to: input.endDate, ascending: input.scanBy == .timestampAscending, after: next, limit: limit)
            items += page.items.map(\.item).filter { types.contains($0.alarmType ?? .metricAlarm) }
            next = page.next
        } while items.count < limit && next != nil
        return CloudWatch.DescribeAlarmHistoryOutput(
            alarmHistoryItems: Array(items.prefix(limit)), nextToken: next.map { Self.encodeToken(String($0)) })
    }

    func withARN(_ alarm: CloudWatch.MetricAlarm, _ context: RequestContext) -> CloudWatch.MetricAlarm {
        var alarm = alarm
        alarm.alarmArn = alarmARN(context, alarm.alarmName ?? "")
        return alarm
    }

    func withARN(_ alarm: CloudWatch.CompositeAlarm, _ context: RequestContext) -> CloudWatch.CompositeAlarm {
        var alarm = alarm
        alarm.alarmArn = alarmARN(context, alarm.alarmName ?? "")
        return alarm
    }

    static func encodeToken(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    static func decodeToken(_ token: String) -> String? {
        Data(base64Encoded: token).flatMap { String(data: $0, encoding: .utf8) }
    }
}

extension AlarmRecord {
    /// The alarm's state.
    var state: CloudWatch.StateValue? { metricAlarm?.stateValue ?? compositeAlarm?.stateValue }

    /// Every action ARN of the alarm.
    var allActions: [String] {
        let metric =
            (metricAlarm?.alarmActions ?? []) + (metricAlarm?.oKActions ?? [])
            + (metricAlarm?.insufficientDataActions ?? [])
        let composite =
            (compositeAlarm?.alarmActions ?? []) + (compositeAlarm?.oKActions ?? [])
            + (compositeAlarm?.insufficientDataActions ?? [])
        return metric + composite
    }
}
