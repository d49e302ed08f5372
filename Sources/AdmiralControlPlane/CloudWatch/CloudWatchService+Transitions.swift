import AdmiralModel
import AdmiralStore
import Foundation

extension CloudWatchService {
    /// A state change ready to be written: the alarm as it will be and its history item.
    struct Transition {
        var alarm: AlarmRecord
        var history: AlarmHistoryRecord
        var state: CloudWatch.StateValue
        var reason: String
    }

    /// The change of `alarm` to `state`, or nil when it is in that state already.
    func prepareTransition(
        _ alarm: AlarmRecord, to state: CloudWatch.StateValue, reason: String, reasonData: String?, now: Date
    ) -> Transition? {
        let old = alarm.state ?? .insufficientData
        let oldReason = alarm.metricAlarm?.stateReason ?? alarm.compositeAlarm?.stateReason ?? ""
        let oldReasonData = alarm.metricAlarm?.stateReasonData ?? alarm.compositeAlarm?.stateReasonData
        guard old != state else { return nil }
        var updated = alarm
        updated.setState(state, reason: reason, reasonData: reasonData, updated: now, transitioned: now)
        let type: CloudWatch.AlarmType = alarm.kind == .metric ? .metricAlarm : .compositeAlarm
        let history = AlarmHistoryRecord(
            item: CloudWatch.AlarmHistoryItem(
                alarmName: alarm.name, alarmType: type, timestamp: now, historyItemType: .stateUpdate,
                historySummary: AlarmHistoryText.stateUpdateSummary(from: old, to: state),
                historyData: AlarmHistoryText.stateUpdateData(
                    old: (old, oldReason, oldReasonData), new: (state, reason, reasonData))))
        if updated.actionsEnabled && !updated.actions(for: state).isEmpty {
            updated.actionsInvokedAt = now
        }
        return Transition(alarm: updated, history: history, state: state, reason: reason)
    }

    /// What ``apply(_:now:region:accountId:)`` did.
    struct Applied {
        /// The names of the alarms that changed.
        var changed: Set<String> = []
        /// The change signal's generation before and after the change was counted.
        var generation: (before: Int, after: Int)?
    }

    /// Writes state changes in one transaction (each only if its alarm was not changed in
    /// between), then invokes the new states' actions where they are enabled, recording
    /// each outcome.
    func apply(_ transitions: [Transition], now: Date, region: String, accountId: String) async throws -> Applied {
        guard !transitions.isEmpty else { return Applied() }
        let written = try await store.updateAlarmStates(transitions.map { ($0.alarm, [$0.history]) })
        let generation = alarmChanges.raise()
        var changed: Set<String> = []
        for (transition, ok) in zip(transitions, written) where ok {
            changed.insert(transition.alarm.name)
            let actions = transition.alarm.actions(for: transition.state)
            if transition.alarm.actionsEnabled && !actions.isEmpty {
                await invoke(
                    actions, of: transition.alarm, state: transition.state, reason: transition.reason, now: now,
                    region: region, accountId: accountId)
            }
        }
        return Applied(changed: changed, generation: generation)
    }

    /// Moves one alarm to `state` (see ``apply(_:now:region:accountId:)``); returns whether
    /// its state changed.
    func transition(
        _ alarm: AlarmRecord, to state: CloudWatch.StateValue, reason: String, reasonData: String?, now: Date,
        region: String, accountId: String
    ) async throws -> Bool {
        guard let transition = prepareTransition(alarm, to: state, reason: reason, reasonData: reasonData, now: now)
        else { return false }
        return try await !apply([transition], now: now, region: region, accountId: accountId).changed.isEmpty
    }

    /// Invokes actions and records each outcome in the alarm's history.
    func invoke(
        _ actions: [String], of alarm: AlarmRecord, state: CloudWatch.StateValue, reason: String, now: Date,
        region: String, accountId: String, repeatsOnly: Bool = false
    ) async {
        var items: [AlarmHistoryRecord] = []
        let alarmARN = "arn:aws:cloudwatch:\(region):\(accountId):alarm:\(alarm.name)"
        for arn in actions {
            var outcome: Result<Void, any Error> = .success(())
            switch self.actions.handler(for: arn) {
            case .failure(let error):
                outcome = .failure(error)
            case .success(let handler):
                if repeatsOnly && !handler.repeatsWhileInAlarm { continue }
                do {
                    try await handler.invoke(
                        AlarmActionInvocation(
                            actionARN: arn, alarmName: alarm.name, alarmARN: alarmARN, state: state, reason: reason,
                            threshold: alarm.metricAlarm?.threshold,
                            stateReasonData: alarm.metricAlarm?.stateReasonData,
                            now: now))
                } catch {
                    outcome = .failure(error)
                }
            }
            let failure: String? =
                switch outcome {
                case .success: nil
                case .failure(let error as AdmiralError): error.message
                case .failure(let error): "\(error)"
                }
            items.append(
                AlarmHistoryRecord(
                    item: CloudWatch.AlarmHistoryItem(
                        alarmName: alarm.name, alarmType: alarm.kind == .metric ? .metricAlarm : .compositeAlarm,
                        timestamp: now, historyItemType: .action,
                        historySummary: AlarmHistoryText.actionSummary(action: arn, failure: failure, at: now),
                        historyData: AlarmHistoryText.actionData(action: arn, failure: failure, at: now))))
        }
        try? await store.appendHistory(items)
    }
}

extension AlarmRecord {
    /// Whether the alarm's actions are enabled.
    var actionsEnabled: Bool { metricAlarm?.actionsEnabled ?? compositeAlarm?.actionsEnabled ?? true }

    /// The actions of a state.
    func actions(for state: CloudWatch.StateValue) -> [String] {
        switch state {
        case .alarm: metricAlarm?.alarmActions ?? compositeAlarm?.alarmActions ?? []
        case .ok: metricAlarm?.oKActions ?? compositeAlarm?.oKActions ?? []
        case .insufficientData: metricAlarm?.insufficientDataActions ?? compositeAlarm?.insufficientDataActions ?? []
        }
    }
}
