import AdmiralModel
import AdmiralStore
import Foundation

extension CloudWatchService {
    /// TreatMissingData's values.
    static let treatMissingDataValues = ["breaching", "notBreaching", "ignore", "missing"]
    /// The comparison operators of anomaly detection bands, which Admiral does not evaluate.
    static let bandOperators: Set<CloudWatch.ComparisonOperator> = [
        .lessThanLowerOrGreaterThanUpperThreshold, .lessThanLowerThreshold, .greaterThanUpperThreshold,
    ]

    /// PutMetricAlarm: creates or replaces an alarm on one metric or on a metric-math
    /// expression. A new alarm starts in INSUFFICIENT_DATA; a replaced one keeps its state.
    public func putMetricAlarm(_ input: CloudWatch.PutMetricAlarmInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        try checkAlarmName(input.alarmName)
        try checkActions(input.oKActions, input.alarmActions, input.insufficientDataActions)
        try Self.checkTags(input.tags ?? [])
        let period: Int
        if let metrics = input.metrics {
            if input.metricName != nil || input.namespace != nil || input.statistic != nil
                || input.extendedStatistic != nil || input.dimensions != nil || input.period != nil
            {
                throw AdmiralError.invalidCombination(
                    "The parameters MetricName, Namespace, Statistic, ExtendedStatistic, Dimensions and Period must "
                        + "not be specified when Metrics is.")
            }
            period = try checkAlarmQueries(metrics, now: context.now)
        } else {
            guard let metricName = input.metricName, !metricName.isEmpty else {
                throw AdmiralError.missingParameter("The parameter MetricName is required (or give Metrics).")
            }
            guard let namespace = input.namespace else {
                throw AdmiralError.missingParameter("The parameter Namespace is required.")
            }
            try Self.checkNamespace(namespace, parameter: "Namespace")
            try Self.checkDimensions(input.dimensions ?? [], path: "Dimensions")
            switch (input.statistic, input.extendedStatistic) {
            case (nil, nil):
                throw AdmiralError.missingParameter(
                    "Exactly one of the parameters Statistic and ExtendedStatistic must be specified.")
            case (.some, .some):
                throw AdmiralError.invalidCombination(
                    "The parameters Statistic and ExtendedStatistic are mutually exclusive and you have specified both."
                )
            case (nil, .some(let text)) where ExtendedStatistic(text) == nil:
                throw AdmiralError.invalidValue(
                    "The value \(text) for parameter ExtendedStatistic is not supported: use a percentile such as p99.")
            default:
                break
            }
            guard let given = input.period else {
                throw AdmiralError.missingParameter("The parameter Period is required.")
            }
            period = given
        }
        try Self.checkAlarmPeriod(period)
        guard let evaluationPeriods = input.evaluationPeriods else {
            throw AdmiralError.missingParameter("The parameter EvaluationPeriods is required.")
        }
        guard evaluationPeriods >= 1 else {
            throw AdmiralError.invalidValue("The parameter EvaluationPeriods must be 1 or more.")
        }
        guard period * evaluationPeriods <= 86400 || period >= 3600 else {
            throw AdmiralError.invalidValue(
                "Metrics cannot be checked across more than a day (EvaluationPeriods * Period must be <= 86400).")
        }
        if let datapoints = input.datapointsToAlarm, !(1...evaluationPeriods).contains(datapoints) {
            throw AdmiralError.invalidValue(
                "DatapointsToAlarm (\(datapoints)) must be between 1 and EvaluationPeriods (\(evaluationPeriods)).")
        }
        guard let comparison = input.comparisonOperator else {
            throw AdmiralError.missingParameter("The parameter ComparisonOperator is required.")
        }
        if Self.bandOperators.contains(comparison) {
            throw AdmiralError.invalidValue(
                "The comparison operator \(comparison.rawValue) needs an anomaly detection band, which Admiral does "
                    + "not evaluate; use GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold or "
                    + "LessThanOrEqualToThreshold.")
        }
        if input.thresholdMetricId != nil {
            throw AdmiralError.invalidValue(
                "ThresholdMetricId needs an anomaly detection band, which Admiral does not evaluate.")
        }
        guard input.threshold != nil else {
            throw AdmiralError.missingParameter("The parameter Threshold is required.")
        }
        if let treat = input.treatMissingData, !Self.treatMissingDataValues.contains(treat) {
            throw AdmiralError.invalidValue(
                "The value \(treat) for parameter TreatMissingData is invalid: use one of "
                    + Self.treatMissingDataValues.joined(separator: ", ") + ".")
        }
        if let low = input.evaluateLowSampleCountPercentile, !["evaluate", "ignore"].contains(low) {
            throw AdmiralError.invalidValue(
                "The value \(low) for parameter EvaluateLowSampleCountPercentile is invalid: use evaluate or ignore.")
        }
        try await checkNotManaged([input.alarmName])
        let existing = try await store.alarms(named: [input.alarmName]).first
        if let existing, existing.kind != .metric {
            throw AdmiralError.invalidValue(
                "The alarm \(input.alarmName) is a composite alarm; delete it before creating a metric alarm of that "
                    + "name.")
        }
        let now = context.now
        var alarm = CloudWatch.MetricAlarm(
            alarmName: input.alarmName, alarmArn: alarmARN(context, input.alarmName),
            alarmDescription: input.alarmDescription, alarmConfigurationUpdatedTimestamp: now,
            actionsEnabled: input.actionsEnabled ?? true, oKActions: input.oKActions ?? [],
            alarmActions: input.alarmActions ?? [], insufficientDataActions: input.insufficientDataActions ?? [],
            stateValue: .insufficientData, stateReason: "Unchecked: Initial alarm creation", stateUpdatedTimestamp: now,
            metricName: input.metricName, namespace: input.namespace, statistic: input.statistic,
            extendedStatistic: input.extendedStatistic,
            dimensions: input.metrics == nil ? (input.dimensions ?? []) : nil,
            period: input.metrics == nil ? input.period : nil, unit: input.unit,
            evaluationPeriods: evaluationPeriods, datapointsToAlarm: input.datapointsToAlarm,
            threshold: input.threshold, comparisonOperator: comparison,
            treatMissingData: input.treatMissingData,
            evaluateLowSampleCountPercentile: input.evaluateLowSampleCountPercentile,
            metrics: input.metrics, stateTransitionedTimestamp: now)
        if let previous = existing?.metricAlarm {
            alarm.stateValue = previous.stateValue
            alarm.stateReason = previous.stateReason
            alarm.stateReasonData = previous.stateReasonData
            alarm.stateUpdatedTimestamp = previous.stateUpdatedTimestamp
            alarm.stateTransitionedTimestamp = previous.stateTransitionedTimestamp
        }
        let record = AlarmRecord(
            name: input.alarmName, kind: .metric, metricAlarm: alarm, version: (existing?.version ?? 0) + 1,
            actionsInvokedAt: existing?.actionsInvokedAt)
        let history = Self.configurationHistory(record, type: .metricAlarm, created: existing == nil, now: now)
        try await store.putAlarm(record, history: history)
        if let tags = input.tags, !tags.isEmpty {
            try await store.setTags(
                Self.merge(try await store.tags(of: alarmKey(input.alarmName)), with: tags),
                of: alarmKey(input.alarmName))
        }
        alarmChanges.raise()
        return CloudWatch.EmptyOutput()
    }

    /// The key under which an alarm's tags are kept: its ARN without region (ARNs are
    /// built per request).
    func alarmKey(_ name: String) -> String { "alarm:\(name)" }

    /// PutCompositeAlarm: an alarm on the states of other alarms, through its rule.
    public func putCompositeAlarm(_ input: CloudWatch.PutCompositeAlarmInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        try checkAlarmName(input.alarmName)
        try checkActions(input.oKActions, input.alarmActions, input.insufficientDataActions)
        try Self.checkTags(input.tags ?? [])
        let rule: AlarmRule
        do {
            rule = try AlarmRule(parsing: input.alarmRule)
        } catch {
            throw AdmiralError.invalidValue("AlarmRule is invalid: \(error.message)")
        }
        let referenced = rule.referencedAlarms.map(Self.alarmName(fromReference:))
        if referenced.contains(input.alarmName) {
            throw AdmiralError.invalidValue("The AlarmRule of \(input.alarmName) must not refer to the alarm itself.")
        }
        let found = try await store.alarms(named: referenced)
        let missing = referenced.filter { name in !found.contains { $0.name == name } }
        if let name = missing.first {
            throw AdmiralError.invalidValue(
                "Could not save the composite alarm as alarms [\(name)] in the alarm rule do not exist")
        }
        // A composite alarm may not, through its children, contain itself.
        var pending = found.filter { $0.kind == .composite }
        var seen: Set<String> = []
        while let next = pending.popLast() {
            guard seen.insert(next.name).inserted, let text = next.compositeAlarm?.alarmRule,
                let childRule = try? AlarmRule(parsing: text)
            else { continue }
            let children = childRule.referencedAlarms.map(Self.alarmName(fromReference:))
            if children.contains(input.alarmName) {
                throw AdmiralError.invalidValue(
                    "The AlarmRule of \(input.alarmName) makes a cycle through \(next.name).")
            }
            pending.append(contentsOf: try await store.alarms(named: children).filter { $0.kind == .composite })
        }
        let existing = try await store.alarms(named: [input.alarmName]).first
        if let existing, existing.kind != .composite {
            throw AdmiralError.invalidValue(
                "The alarm \(input.alarmName) is a metric alarm; delete it before creating a composite alarm of that "
                    + "name.")
        }
        let now = context.now
        var alarm = CloudWatch.CompositeAlarm(
            actionsEnabled: input.actionsEnabled ?? true, alarmActions: input.alarmActions ?? [],
            alarmArn: alarmARN(context, input.alarmName), alarmConfigurationUpdatedTimestamp: now,
            alarmDescription: input.alarmDescription, alarmName: input.alarmName, alarmRule: input.alarmRule,
            insufficientDataActions: input.insufficientDataActions ?? [], oKActions: input.oKActions ?? [],
            stateReason: "Unchecked: Initial alarm creation", stateUpdatedTimestamp: now,
            stateValue: .insufficientData, stateTransitionedTimestamp: now,
            actionsSuppressor: input.actionsSuppressor, actionsSuppressorWaitPeriod: input.actionsSuppressorWaitPeriod,
            actionsSuppressorExtensionPeriod: input.actionsSuppressorExtensionPeriod)
        if let previous = existing?.compositeAlarm {
            alarm.stateValue = previous.stateValue
            alarm.stateReason = previous.stateReason
            alarm.stateReasonData = previous.stateReasonData
            alarm.stateUpdatedTimestamp = previous.stateUpdatedTimestamp
            alarm.stateTransitionedTimestamp = previous.stateTransitionedTimestamp
        }
        let record = AlarmRecord(
            name: input.alarmName, kind: .composite, compositeAlarm: alarm, version: (existing?.version ?? 0) + 1,
            actionsInvokedAt: existing?.actionsInvokedAt)
        let history = Self.configurationHistory(record, type: .compositeAlarm, created: existing == nil, now: now)
        try await store.putAlarm(record, history: history)
        if let tags = input.tags, !tags.isEmpty {
            try await store.setTags(
                Self.merge(try await store.tags(of: alarmKey(input.alarmName)), with: tags),
                of: alarmKey(input.alarmName))
        }
        alarmChanges.raise()
        return CloudWatch.EmptyOutput()
    }

    /// An alarm rule names alarms by name or by ARN (`arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`).
    static func alarmName(fromReference reference: String) -> String {
        if reference.hasPrefix("arn:"), let range = reference.range(of: ":alarm:") {
            return String(reference[range.upperBound...])
        }
        return reference
    }

    func checkAlarmName(_ name: String) throws {
        guard !name.isEmpty, name.count <= 255 else {
            throw AdmiralError.invalidValue("The parameter AlarmName must be between 1 and 255 characters long.")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw AdmiralError.invalidValue("The parameter AlarmName must not contain control characters.")
        }
    }

    func checkActions(_ lists: [String]?...) throws {
        for list in lists {
            let actions = list ?? []
            guard actions.count <= 5 else {
                throw AdmiralError.invalidValue("An alarm may have at most 5 actions for each state.")
            }
            for arn in actions {
                if case .failure(let error) = self.actions.handler(for: arn) { throw error }
            }
        }
    }

    /// The period of an alarm on metric math: every MetricStat query must name one, and
    /// the alarm evaluates at the period of the query it returns.
    func checkAlarmQueries(_ queries: [CloudWatch.MetricDataQuery], now: Date) throws -> Int {
        guard !queries.isEmpty, queries.count <= 10 else {
            throw AdmiralError.invalidValue("The collection Metrics must have between 1 and 10 members.")
        }
        let returned = queries.filter { $0.returnData ?? true }
        guard returned.count == 1, let result = returned.first else {
            throw AdmiralError.invalidValue(
                "Exactly one element of the Metrics list must return data (ReturnData true); the others must set "
                    + "ReturnData to false.")
        }
        var periods: [Int] = []
        for (index, query) in queries.enumerated() {
            let path = "Metrics.member.\(index + 1)"
            try Self.checkQueryId(query.id, path: path)
            switch (query.metricStat, query.expression) {
            case (.some(let stat), nil):
                guard Stat(stat.stat) != nil else {
                    throw AdmiralError.invalidValue(
                        "The value \(stat.stat) for parameter \(path).MetricStat.Stat is not supported.")
                }
                periods.append(stat.period)
            case (nil, .some(let text)):
                do {
                    _ = try MetricMathExpression(parsing: text)
                } catch {
                    throw AdmiralError.invalidValue("Error in expression '\(query.id)': \(error.message)")
                }
                if let period = query.period { periods.append(period) }
            default:
                throw AdmiralError.invalidCombination(
                    "Exactly one of the parameters \(path).MetricStat and \(path).Expression must be specified.")
            }
        }
        return result.metricStat?.period ?? result.period ?? periods.max() ?? 60
    }

    /// Alarm periods: 10, 30 or a multiple of 60.
    static func checkAlarmPeriod(_ period: Int) throws {
        guard period == 10 || period == 30 || (period >= 60 && period % 60 == 0) else {
            throw AdmiralError.invalidValue(
                "The parameter Period must be 10, 30 or a multiple of 60 seconds; it is \(period).")
        }
    }

    static func configurationHistory(_ alarm: AlarmRecord, type: CloudWatch.AlarmType, created: Bool, now: Date)
        -> AlarmHistoryRecord
    {
        AlarmHistoryRecord(
            item: CloudWatch.AlarmHistoryItem(
                alarmName: alarm.name, alarmType: type, timestamp: now, historyItemType: .configurationUpdate,
                historySummary: AlarmHistoryText.configurationSummary(alarmName: alarm.name, created: created),
                historyData: AlarmHistoryText.configurationData(alarm: alarm, created: created)))
    }
}
