import AdmiralModel
import Foundation
import GRDB
import Testing

@testable import AdmiralStore

@Suite("Metric store alarms: state kept apart from configuration, and the first release's rows")
struct SQLiteMetricStoreAlarmTests {
    let created = Date(timeIntervalSince1970: 1_800_000_000)

    func alarm(_ name: String, state: CloudWatch.StateValue, at time: Date) -> AlarmRecord {
        var metric = CloudWatch.MetricAlarm()
        metric.alarmName = name
        metric.namespace = "App"
        metric.metricName = "Latency"
        metric.threshold = 50
        metric.stateValue = state
        metric.stateReason = "Unchecked: Initial alarm creation"
        metric.stateUpdatedTimestamp = time
        metric.stateTransitionedTimestamp = time
        return AlarmRecord(name: name, kind: .metric, metricAlarm: metric, version: 3)
    }

    func history(_ name: String, at time: Date) -> AlarmHistoryRecord {
        AlarmHistoryRecord(
            item: CloudWatch.AlarmHistoryItem(
                alarmName: name, alarmType: .metricAlarm, timestamp: time, historyItemType: .stateUpdate,
                historySummary: "Alarm updated from OK to ALARM", historyData: #"{"version":"1.0"}"#))
    }

    @Test("a state change writes only the state; a newer configuration wins over an evaluation of the older")
    func stateApart() async throws {
        let store = try SQLiteMetricStore.inMemory()
        let original = alarm("latency", state: .ok, at: created)
        try await store.putAlarm(original, history: nil)
        var evaluated = original
        evaluated.metricAlarm?.stateValue = .alarm
        evaluated.metricAlarm?.stateReason = "Threshold Crossed"
        evaluated.metricAlarm?.stateReasonData = #"{"version":"1.0"}"#
        evaluated.metricAlarm?.stateUpdatedTimestamp = created.addingTimeInterval(60.25)
        evaluated.actionsInvokedAt = created.addingTimeInterval(60.25)
        #expect(try await store.updateAlarmStates([(evaluated, [history("latency", at: created)])]) == [true])
        #expect(try await store.alarms() == [evaluated])
        #expect(try await store.alarms(named: ["latency"]) == [evaluated])

        var reconfigured = evaluated
        reconfigured.version = 4
        reconfigured.metricAlarm?.threshold = 70
        try await store.putAlarm(reconfigured, history: nil)
        #expect(try await store.updateAlarmStates([(original, [])]) == [false])
        #expect(try await store.alarms() == [reconfigured])
    }

    @Test("alarms and history written by the first release read the same after the migration")
    func firstReleaseRows() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("admiral-metrics-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("metrics.sqlite").path
        let legacy = alarm("old", state: .alarm, at: created)
        let item = history("old", at: created)
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteMetricStore.migrator.migrate(queue, upTo: "v1-metrics-alarms-dashboards")
            try await queue.write { db in
                try db.execute(
                    sql: "INSERT INTO alarms (name, version, body) VALUES (?, ?, ?)",
                    arguments: ["old", 3, try JSONEncoder().encode(legacy)])
                try db.execute(
                    sql: "INSERT INTO alarm_history (alarm_name, type, ts, body) VALUES (?, ?, ?, ?)",
                    arguments: ["old", "StateUpdate", created.timeIntervalSince1970, try JSONEncoder().encode(item.item)])
            }
            try queue.close()
        }
        let store = try SQLiteMetricStore(path: path)
        #expect(try await store.alarms() == [legacy])
        try await store.appendHistory([history("old", at: created.addingTimeInterval(90))])
        let read = try await store.history(
            alarmName: "old", type: nil, from: nil, to: nil, ascending: true, after: nil, limit: 10)
        #expect(read.items.map(\.item.timestamp) == [created, created.addingTimeInterval(90)])
        #expect(read.items.map(\.item.historySummary) == [item.item.historySummary, item.item.historySummary])
        try store.close()
    }
}
