import AdmiralModel
import Foundation
import Testing

@Suite("Alarm history items: summaries and HistoryData as CloudWatch writes them")
struct AlarmHistoryDataTests {
    typealias F = AlarmFixture

    @Test("a state update reproduces the AWS CLI reference's describe-alarm-history example")
    func stateUpdate() {
        let data = AlarmHistoryData.stateUpdate(
            old: .init(stateValue: .alarm, stateReason: "testing purposes"),
            new: .init(
                stateValue: .ok,
                stateReason: "Threshold Crossed: 2 datapoints were not greater than the threshold (70.0). "
                    + "The most recent datapoints: [38.958, 40.292].",
                stateReasonData: "{\"version\":\"1.0\",\"queryDate\":\"2014-04-09T18:59:06.419+0000\","
                    + "\"startDate\":\"2014-04-09T18:44:00.000+0000\",\"statistic\":\"Average\",\"period\":300,"
                    + "\"recentDatapoints\":[38.958,40.292],\"threshold\":70.0}"))
        #expect(
            data
                == "{\"version\":\"1.0\",\"oldState\":{\"stateValue\":\"ALARM\",\"stateReason\":\"testing purposes\"},"
                + "\"newState\":{\"stateValue\":\"OK\",\"stateReason\":\"Threshold Crossed: 2 datapoints were not "
                + "greater than the threshold (70.0). The most recent datapoints: [38.958, 40.292].\","
                + "\"stateReasonData\":{\"version\":\"1.0\",\"queryDate\":\"2014-04-09T18:59:06.419+0000\","
                + "\"startDate\":\"2014-04-09T18:44:00.000+0000\",\"statistic\":\"Average\",\"period\":300,"
                + "\"recentDatapoints\":[38.958,40.292],\"threshold\":70.0}}}")
        #expect(AlarmHistoryData.stateUpdateSummary(from: .alarm, to: .ok) == "Alarm updated from ALARM to OK")
        #expect(
            AlarmHistoryData.stateUpdateSummary(from: .insufficientData, to: .alarm)
                == "Alarm updated from INSUFFICIENT_DATA to ALARM")
    }

    @Test("an evaluation's reason data embeds as an object, and reason data that is not JSON is left out")
    func embedsEvaluation() {
        let evaluation = MetricAlarmEvaluator.evaluate(AlarmFixture.input("0 0 X X X"))
        let reason = evaluation.stateReason ?? ""
        let data = AlarmHistoryData.stateUpdate(
            old: .init(stateValue: .ok, stateReason: "old", stateReasonData: "not json"),
            new: .init(
                stateValue: evaluation.newState, stateReason: reason, stateReasonData: evaluation.stateReasonData))
        #expect(data.hasPrefix("{\"version\":\"1.0\",\"oldState\":{\"stateValue\":\"OK\",\"stateReason\":\"old\"},"))
        #expect(data.hasSuffix(",\"stateReasonData\":\(evaluation.stateReasonData ?? "")}}"))
        #expect(data.utf8.count > 0 && (try? JSONSerialization.jsonObject(with: Data(data.utf8))) != nil)
    }

    @Test("configuration changes are summarised as created, updated and deleted, with the alarm quoted")
    func configurationSummary() {
        #expect(
            AlarmHistoryData.configurationSummary(alarmName: "Crudalarm", change: .create)
                == "Alarm \"Crudalarm\" created")
        #expect(AlarmHistoryData.configurationSummary(alarmName: "cpu", change: .update) == "Alarm \"cpu\" updated")
        #expect(AlarmHistoryData.configurationSummary(alarmName: "cpu", change: .delete) == "Alarm \"cpu\" deleted")
    }

    @Test("configuration HistoryData carries version, type and the alarm under created/updatedAlarm")
    func configurationData() {
        let alarm: [AlarmJSON.Member] = [
            .init("alarmName", .string("Crudalarm")), .init("period", .integer(21_600)),
            .init("threshold", .double(20)), .init("okactions", .array([])),
        ]
        #expect(
            AlarmHistoryData.configurationUpdate(change: .create, alarm: alarm)
                == "{\"version\":\"1.0\",\"type\":\"Create\",\"createdAlarm\":{\"alarmName\":\"Crudalarm\","
                + "\"period\":21600,\"threshold\":20.0,\"okactions\":[]}}")
        #expect(
            AlarmHistoryData.configurationUpdate(
                change: .update, alarm: [.init("threshold", .double(30))],
                originalUpdatedFields: [.init("threshold", .double(20))])
                == "{\"version\":\"1.0\",\"type\":\"Update\",\"updatedAlarm\":{\"threshold\":30.0},"
                + "\"originalUpdatedFields\":{\"threshold\":20.0}}")
    }

    @Test("actions are summarised as executed or failed, and their HistoryData records the outcome")
    func actions() {
        let arn = "arn:aws:sns:eu-west-1:123456:some-topic-name"
        let time = F.utc(2022, 11, 6, 17, 43, 53.496)
        let success = AlarmHistoryData.ActionOutcome(actionArn: arn, stateUpdateTimestamp: time, publishedMessage: "{}")
        #expect(AlarmHistoryData.actionSummary(success) == "Successfully executed action \(arn)")
        #expect(
            AlarmHistoryData.action(success)
                == "{\"actionState\":\"Succeeded\",\"stateUpdateTimestamp\":1667756633496,"
                + "\"notificationResource\":\"\(arn)\",\"publishedMessage\":\"{}\",\"error\":null}")
        let failure = AlarmHistoryData.ActionOutcome(
            actionArn: arn, stateUpdateTimestamp: time,
            error: "CloudWatch Alarms is not authorized to perform: SNS:Publish")
        #expect(
            AlarmHistoryData.actionSummary(failure)
                == "Failed to execute action \(arn). Received error: "
                + "\"CloudWatch Alarms is not authorized to perform: SNS:Publish\"")
        #expect(AlarmHistoryData.action(failure).hasPrefix("{\"actionState\":\"Failed\","))
        #expect(
            AlarmHistoryData.action(failure).hasSuffix(
                "\"publishedMessage\":null,\"error\":\"CloudWatch Alarms is not authorized to perform: SNS:Publish\"}"))
    }
}
