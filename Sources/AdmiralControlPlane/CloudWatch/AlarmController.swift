import AdmiralModel
import AdmiralStore
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// Evaluates alarms as CloudWatch does: each metric alarm at the end of each of its
/// periods (every 10 s at most for high-resolution alarms), composite alarms whenever an
/// alarm they read changes, and — while an alarm stays in ALARM — its scaling actions
/// again every minute. The decisions are ``MetricAlarmEvaluator``'s and ``AlarmRule``'s;
/// this layer reads datapoints, writes states and invokes actions.
///
/// After a restart every alarm is evaluated at once from the stored datapoints, which
/// give the same state they gave before, so nothing transitions spuriously.
public struct AlarmController: Service {
    /// How often, while an alarm stays in ALARM, its repeating actions run again
    /// (CloudWatch: every minute; `--scaling-period` shortens it).
    let repeatInterval: TimeInterval
    /// The longest the controller sleeps between passes.
    static let idleTick: Duration = .seconds(1)

    let cloudWatch: CloudWatchService
    let names: ECSNames
    let logger: Logger

    /// Creates the controller.
    public init(cloudWatch: CloudWatchService, names: ECSNames, repeatInterval: TimeInterval = 60, logger: Logger) {
        self.cloudWatch = cloudWatch
        self.names = names
        self.repeatInterval = repeatInterval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var state = PassState()
            while !Task.isCancelled {
                do {
                    try await pass(&state, now: Date())
                } catch  where Task.isCancelled {
                    break
                } catch {
                    logger.error("alarm evaluation failed", metadata: ["error": .string("\(error)")])
                    state.alarms = nil
                }
                // Wake at the next alarm's evaluation time, so that a period's end is
                // evaluated at once; at least every tick for new and changed alarms.
                let next = state.schedule.values.map(\.next).min()
                let wait = min(max(next?.timeIntervalSinceNow ?? 1, 0.005), Self.idleTick.seconds)
                try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            }
        }
    }

    /// What the controller keeps between passes: the alarms as last read (reloaded when
    /// the configuration generation moves or a pass wrote to them) and when each metric
    /// alarm is next due.
    struct PassState {
        var alarms: [AlarmRecord]?
        var generation = -1
        var schedule: [String: (version: Int, next: Date)] = [:]
    }

    /// One pass: evaluates the metric alarms that are due, then every composite alarm,
    /// then repeats scaling actions of alarms that stay in ALARM.
    func pass(_ passState: inout PassState, now: Date) async throws {
        Counter(label: "admiral_controller_passes_total", dimensions: [("controller", "alarm")]).increment()
        let passStarted = ContinuousClock.now
        var evaluated = 0
        let generation = cloudWatch.alarmChanges.current
        let reloaded = passState.alarms == nil || generation != passState.generation
        if reloaded {
            passState.alarms = try await cloudWatch.store.alarms()
            passState.generation = generation
        }
        let alarms = passState.alarms ?? []
        var schedule = passState.schedule
        defer { passState.schedule = schedule }
        var wrote = false
        defer { if wrote { passState.alarms = nil } }
        // The alarms are read in place (`alarms[index]`), not copied out: a pass runs at
        // least every second over every alarm, and a record is dozens of fields.
        var due: [(alarm: AlarmRecord, metricAlarm: CloudWatch.MetricAlarm, period: Int)] = []
        for index in alarms.indices where alarms[index].kind == .metric {
            if let entry = schedule[alarms[index].name], entry.version == alarms[index].version, entry.next > now {
                continue
            }
            guard let metricAlarm = alarms[index].metricAlarm else { continue }
            let period = cloudWatch.alarmPeriod(metricAlarm)
            schedule[alarms[index].name] = (
                alarms[index].version, AlarmSchedule.nextEvaluation(after: now, period: period)
            )
            due.append((alarms[index], metricAlarm, period))
        }
        evaluated = due.count
        // Alarms on one metric read their datapoints in one batch; metric math per alarm.
        let single = due.filter { $0.metricAlarm.metrics == nil }
        var prefetched: [MetricIdentity: [StoredDatapoint]] = [:]
        if !single.isEmpty {
            let earliest =
                single.map { entry in
                    now.addingTimeInterval(
                        -Double(entry.period)
                            * Double(
                                MetricAlarmEvaluator.evaluationRangePeriods(
                                    evaluationPeriods: entry.metricAlarm.evaluationPeriods ?? 1) + 1))
                }.min() ?? now
            prefetched = try await cloudWatch.store.datapoints(
                of: single.compactMap { Self.metric(of: $0.metricAlarm) }, from: earliest, to: now)
        }
        var transitions: [CloudWatchService.Transition] = []
        for entry in due {
            let series: [Date: (value: Double, sampleCount: Double?)]
            let starts = Self.periodStarts(entry.metricAlarm, period: entry.period, now: now)
            guard let first = starts.first, let last = starts.last else { continue }
            let end = last.addingTimeInterval(TimeInterval(entry.period))
            if entry.metricAlarm.metrics == nil {
                series = cloudWatch.alarmSeries(
                    entry.metricAlarm, stored: Self.metric(of: entry.metricAlarm).flatMap { prefetched[$0] } ?? [],
                    start: first, end: end, period: entry.period)
            } else {
                series = try await cloudWatch.alarmSeries(
                    entry.metricAlarm, start: first, end: end, period: entry.period, now: now)
            }
            guard
                let (state, reason, data) = Self.decide(
                    entry.alarm, entry.metricAlarm, period: entry.period, starts: starts, series: series, now: now),
                let transition = cloudWatch.prepareTransition(
                    entry.alarm, to: state, reason: reason, reasonData: data, now: now)
            else { continue }
            transitions.append(transition)
        }
        let applied = try await cloudWatch.apply(
            transitions, now: now, region: names.region, accountId: names.accountId)
        let changed = applied.changed
        if let generation = applied.generation {
            if generation.before == passState.generation, var cached = passState.alarms {
                // Nothing else changed the alarms since they were read: the records written
                // are the ones the store now holds, so the cache takes them rather than
                // reading and decoding every alarm again.
                let updated = Dictionary(
                    transitions.filter { changed.contains($0.alarm.name) }.map { ($0.alarm.name, $0.alarm) },
                    uniquingKeysWith: { $1 })
                for index in cached.indices {
                    if let alarm = updated[cached[index].name] { cached[index] = alarm }
                }
                passState.alarms = cached
                passState.generation = generation.after
            } else {
                wrote = true
            }
        }
        if reloaded {
            // Alarms deleted since the last read are due no more.
            let present = Set(alarms.map(\.name))
            schedule = schedule.filter { present.contains($0.key) }
        }
        // Composite alarms read the states of the others, as this pass left them.
        var states: [String: CloudWatch.StateValue] = [:]
        if alarms.contains(where: { $0.kind == .composite }) {
            for index in alarms.indices { states[alarms[index].name] = alarms[index].state }
            for transition in transitions where changed.contains(transition.alarm.name) {
                states[transition.alarm.name] = transition.state
            }
        }
        for index in alarms.indices where alarms[index].kind == .composite {
            let alarm = alarms[index]
            guard let composite = alarm.compositeAlarm, let text = composite.alarmRule,
                let rule = try? AlarmRule(parsing: text)
            else { continue }
            let firing = rule.evaluate { reference in
                states[CloudWatchService.alarmName(fromReference: reference)].flatMap {
                    AlarmRuleState(rawValue: $0.rawValue)
                }
            }
            let state: CloudWatch.StateValue = firing ? .alarm : .ok
            if state != alarm.state {
                let reason = AlarmHistoryText.compositeReason(rule: text, firing: firing)
                if try await cloudWatch.transition(
                    alarm, to: state, reason: reason, reasonData: nil, now: now, region: names.region,
                    accountId: names.accountId)
                {
                    states[alarm.name] = state
                }
                wrote = true
            }
        }
        for index in alarms.indices where alarms[index].state == .alarm && alarms[index].actionsEnabled {
            let alarm = alarms[index]
            let actions = alarm.actions(for: .alarm)
            guard !actions.isEmpty, let last = alarm.actionsInvokedAt,
                now.timeIntervalSince(last) >= repeatInterval
            else { continue }
            var updated = alarm
            updated.actionsInvokedAt = now
            wrote = true
            guard try await cloudWatch.store.updateAlarmState(updated, history: []) else { continue }
            let reason = alarm.metricAlarm?.stateReason ?? alarm.compositeAlarm?.stateReason ?? ""
            await cloudWatch.invoke(
                actions, of: updated, state: .alarm, reason: reason, now: now, region: names.region,
                accountId: names.accountId, repeatsOnly: true)
        }
        if evaluated > 0 {
            let elapsed = passStarted.duration(to: .now).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            logger.debug(
                "alarm pass",
                metadata: [
                    "alarms": "\(evaluated)", "started": "\(String(format: "%.3f", now.timeIntervalSince1970))",
                    "seconds": "\(String(format: "%.3f", seconds))",
                ])
        }
    }

    /// The metric of an alarm on one metric.
    static func metric(of alarm: CloudWatch.MetricAlarm) -> MetricIdentity? {
        guard let namespace = alarm.namespace, let name = alarm.metricName else { return nil }
        return MetricIdentity(namespace: namespace, name: name, dimensions: alarm.dimensions ?? [])
    }

    /// The starts of the periods an alarm evaluates at `now`: its evaluation range.
    static func periodStarts(_ alarm: CloudWatch.MetricAlarm, period: Int, now: Date) -> [Date] {
        AlarmSchedule.periodStarts(
            at: now, period: period,
            periods: MetricAlarmEvaluator.evaluationRangePeriods(evaluationPeriods: alarm.evaluationPeriods ?? 1))
    }

    /// The alarm's new state, reason and reason data from its datapoints, or nil when it
    /// stays as it is.
    static func decide(
        _ alarm: AlarmRecord, _ metricAlarm: CloudWatch.MetricAlarm, period: Int, starts: [Date],
        series: [Date: (value: Double, sampleCount: Double?)], now: Date
    ) -> (CloudWatch.StateValue, String, String?)? {
        let datapoints = starts.map { start in
            series[start].map { AlarmDatapoint(timestamp: start, value: $0.value, sampleCount: $0.sampleCount) }
                ?? .missing(at: start)
        }
        guard let comparison = metricAlarm.comparisonOperator.flatMap({ AlarmComparison(rawValue: $0.rawValue) }),
            let threshold = metricAlarm.threshold
        else { return nil }
        let current = AlarmStateValue(rawValue: (alarm.state ?? .insufficientData).rawValue) ?? .insufficientData
        let evaluation = MetricAlarmEvaluator.transition(
            MetricAlarmEvaluator.Input(
                threshold: threshold, comparison: comparison, period: period,
                evaluationPeriods: metricAlarm.evaluationPeriods ?? 1,
                datapointsToAlarm: metricAlarm.datapointsToAlarm,
                treatMissingData: TreatMissingData.effective(
                    metricAlarm.treatMissingData.flatMap(TreatMissingData.init(rawValue:)),
                    namespace: metricAlarm.namespace),
                statistic: metricAlarm.statistic?.rawValue ?? metricAlarm.extendedStatistic,
                unit: metricAlarm.unit?.rawValue, currentState: current, now: now, datapoints: datapoints))
        guard let evaluation, let state = CloudWatch.StateValue(rawValue: evaluation.newState.rawValue) else {
            return nil
        }
        return (state, evaluation.stateReason ?? "", evaluation.stateReasonData)
    }
}

extension CloudWatchService {
    /// The period an alarm evaluates at: its own, or that of the query it returns.
    func alarmPeriod(_ alarm: CloudWatch.MetricAlarm) -> Int {
        if let period = alarm.period { return period }
        let returned = alarm.metrics?.first { $0.returnData ?? true }
        return returned?.metricStat?.period ?? returned?.period
            ?? alarm.metrics?.compactMap({ $0.metricStat?.period }).max() ?? 60
    }

    /// An alarm-on-one-metric's statistic per period start over `[start, end)`, from
    /// datapoints read beforehand.
    func alarmSeries(
        _ alarm: CloudWatch.MetricAlarm, stored: [StoredDatapoint], start: Date, end: Date, period: Int
    ) -> [Date: (value: Double, sampleCount: Double?)] {
        guard let stat = Stat(alarm.statistic?.rawValue ?? alarm.extendedStatistic ?? "") else { return [:] }
        let unit = alarm.unit?.rawValue
        let rows = stored.filter { $0.timestamp >= start && $0.timestamp < end && (unit == nil || $0.unit == unit) }
        var series: [Date: (value: Double, sampleCount: Double?)] = [:]
        for bucket in Self.buckets(rows, start: start, end: end, period: period) {
            if let value = stat.value(of: bucket.aggregate) {
                series[bucket.timestamp] = (value, bucket.aggregate.sampleCount)
            }
        }
        return series
    }

    /// The alarm's statistic (or expression result) per period start over `[start, end)`.
    func alarmSeries(_ alarm: CloudWatch.MetricAlarm, start: Date, end: Date, period: Int, now: Date) async throws
        -> [Date: (value: Double, sampleCount: Double?)]
    {
        if let queries = alarm.metrics {
            let results = try await evaluate(queries, start: start, end: end, now: now, returnAll: true)
            guard let result = results.first(where: \.returned) else { return [:] }
            var series: [Date: (value: Double, sampleCount: Double?)] = [:]
            for (timestamp, value) in zip(result.timestamps, result.values) {
                series[timestamp] = (value, nil)
            }
            return series
        }
        guard let metric = AlarmController.metric(of: alarm) else { return [:] }
        let stored = try await store.datapoints(of: metric, from: start, to: end, unit: alarm.unit?.rawValue)
        return alarmSeries(alarm, stored: stored, start: start, end: end, period: period)
    }
}
