import AdmiralModel
import Foundation
import Testing

/// `StateReasonData` documents compared with ones CloudWatch wrote (DescribeAlarms output and EventBridge events).
@Suite("StateReasonData, key for key as CloudWatch writes it")
struct StateReasonDataTests {
    typealias F = AlarmFixture

    private func evaluate(
        _ values: [Double?], first: Date, period: Int, n: Int, m: Int?, comparison: AlarmComparison,
        threshold: Double, statistic: String? = "Average", unit: String? = nil, sampleCount: Double? = nil,
        treat: TreatMissingData = .missing, current: AlarmStateValue = .ok, now: Date
    ) -> AlarmEvaluation {
        MetricAlarmEvaluator.evaluate(
            MetricAlarmEvaluator.Input(
                threshold: threshold, comparison: comparison, period: period, evaluationPeriods: n,
                datapointsToAlarm: m, treatMissingData: treat, statistic: statistic, unit: unit, currentState: current,
                now: now, datapoints: F.series(values, first: first, period: period, sampleCount: sampleCount)))
    }

    @Test("ALARM lists every datapoint the transition needed, newest first, with sample counts")
    func alarmDocument() {
        let evaluation = evaluate(
            [nil, nil, 0, 0, 0, 0, 0, 0], first: F.utc(2022, 9, 29, 21, 30), period: 300, n: 6, m: nil,
            comparison: .lessThanOrEqualToThreshold, threshold: 0, statistic: "Sum", sampleCount: 5,
            now: F.utc(2022, 9, 29, 22, 10, 4.689))
        #expect(
            evaluation.stateReasonData
                == "{\"version\":\"1.0\",\"queryDate\":\"2022-09-29T22:10:04.689+0000\","
                + "\"startDate\":\"2022-09-29T21:40:00.000+0000\",\"statistic\":\"Sum\",\"period\":300,"
                + "\"recentDatapoints\":[0.0,0.0,0.0,0.0,0.0,0.0],\"threshold\":0.0,\"evaluatedDatapoints\":["
                + "{\"timestamp\":\"2022-09-29T22:05:00.000+0000\",\"sampleCount\":5.0,\"value\":0.0},"
                + "{\"timestamp\":\"2022-09-29T22:00:00.000+0000\",\"sampleCount\":5.0,\"value\":0.0},"
                + "{\"timestamp\":\"2022-09-29T21:55:00.000+0000\",\"sampleCount\":5.0,\"value\":0.0},"
                + "{\"timestamp\":\"2022-09-29T21:50:00.000+0000\",\"sampleCount\":5.0,\"value\":0.0},"
                + "{\"timestamp\":\"2022-09-29T21:45:00.000+0000\",\"sampleCount\":5.0,\"value\":0.0},"
                + "{\"timestamp\":\"2022-09-29T21:40:00.000+0000\",\"sampleCount\":5.0,\"value\":0.0}]}")
        #expect(
            evaluation.stateReason
                == "Threshold Crossed: 6 datapoints were less than or equal to the threshold (0.0). The most recent "
                + "datapoints which crossed the threshold: [0.0 (29/09/22 22:05:00), 0.0 (29/09/22 22:00:00), "
                + "0.0 (29/09/22 21:55:00), 0.0 (29/09/22 21:50:00), 0.0 (29/09/22 21:45:00)].")
    }

    @Test("OK lists only as many evaluated datapoints as the transition needed, while recentDatapoints has all")
    func okDocument() {
        let evaluation = evaluate(
            [nil, 0, 0, 0, 0, 0, 9], first: F.utc(2022, 8, 29, 12, 34), period: 300, n: 6, m: nil,
            comparison: .lessThanOrEqualToThreshold, threshold: 0, statistic: "Sum", sampleCount: 14,
            current: .alarm, now: F.utc(2022, 8, 29, 13, 9, 4.685))
        #expect(
            evaluation.stateReasonData
                == "{\"version\":\"1.0\",\"queryDate\":\"2022-08-29T13:09:04.685+0000\","
                + "\"startDate\":\"2022-08-29T12:39:00.000+0000\",\"statistic\":\"Sum\",\"period\":300,"
                + "\"recentDatapoints\":[0.0,0.0,0.0,0.0,0.0,9.0],\"threshold\":0.0,\"evaluatedDatapoints\":["
                + "{\"timestamp\":\"2022-08-29T13:04:00.000+0000\",\"sampleCount\":14.0,\"value\":9.0}]}")
        #expect(
            evaluation.stateReason
                == "Threshold Crossed: 1 datapoint [9.0 (29/08/22 13:04:00)] was not less than or equal to the "
                + "threshold (0.0).")
    }

    @Test("M out of N into OK: the reason lists every non-breaching datapoint, the document the minimum")
    func mOfNOkDocument() {
        let evaluation = evaluate(
            [nil, 0.01575357001274824, 0.01758096118768056, nil], first: F.utc(2021, 4, 13, 16, 2), period: 60, n: 2,
            m: 2, comparison: .greaterThanThreshold, threshold: 40, sampleCount: 1, current: .alarm,
            now: F.utc(2021, 4, 13, 16, 6, 38.066))
        #expect(
            evaluation.stateReason
                == "Threshold Crossed: 2 out of the last 2 datapoints [0.01758096118768056 (13/04/21 16:04:00), "
                + "0.01575357001274824 (13/04/21 16:03:00)] were not greater than the threshold (40.0) "
                + "(minimum 1 datapoint for ALARM -> OK transition).")
        #expect(
            evaluation.stateReasonData
                == "{\"version\":\"1.0\",\"queryDate\":\"2021-04-13T16:06:38.066+0000\","
                + "\"startDate\":\"2021-04-13T16:03:00.000+0000\",\"statistic\":\"Average\",\"period\":60,"
                + "\"recentDatapoints\":[0.01575357001274824,0.01758096118768056],\"threshold\":40.0,"
                + "\"evaluatedDatapoints\":[{\"timestamp\":\"2021-04-13T16:04:00.000+0000\",\"sampleCount\":1.0,"
                + "\"value\":0.01758096118768056}]}")
    }

    @Test("INSUFFICIENT_DATA has no startDate, no recent datapoints, and the unknown periods by timestamp")
    func insufficientDocument() {
        let evaluation = evaluate(
            Array(repeating: nil, count: 7), first: F.utc(2023, 8, 4, 12, 24), period: 60, n: 5, m: nil,
            comparison: .greaterThanThreshold, threshold: 5, now: F.utc(2023, 8, 4, 12, 31, 29.591))
        #expect(evaluation.newState == .insufficientData)
        #expect(
            evaluation.stateReasonData
                == "{\"version\":\"1.0\",\"queryDate\":\"2023-08-04T12:31:29.591+0000\",\"statistic\":\"Average\","
                + "\"period\":60,\"recentDatapoints\":[],\"threshold\":5.0,\"evaluatedDatapoints\":["
                + "{\"timestamp\":\"2023-08-04T12:30:00.000+0000\"},{\"timestamp\":\"2023-08-04T12:29:00.000+0000\"},"
                + "{\"timestamp\":\"2023-08-04T12:28:00.000+0000\"},{\"timestamp\":\"2023-08-04T12:27:00.000+0000\"},"
                + "{\"timestamp\":\"2023-08-04T12:26:00.000+0000\"}]}")
    }

    @Test("unit comes before statistic, absent keys are left out, and sample counts only when known")
    func optionalKeys() {
        let evaluation = evaluate(
            [nil, nil, nil], first: F.utc(2018, 9, 16, 0, 19), period: 60, n: 1, m: nil,
            comparison: .greaterThanThreshold, threshold: 0, statistic: "Sum", unit: "Count", treat: .notBreaching,
            current: .insufficientData, now: F.utc(2018, 9, 16, 0, 22, 56.053))
        #expect(
            evaluation.stateReasonData
                == "{\"version\":\"1.0\",\"queryDate\":\"2018-09-16T00:22:56.053+0000\",\"unit\":\"Count\","
                + "\"statistic\":\"Sum\",\"period\":60,\"recentDatapoints\":[],\"threshold\":0.0,"
                + "\"evaluatedDatapoints\":[{\"timestamp\":\"2018-09-16T00:21:00.000+0000\"}]}")
        let math = evaluate(
            [20000, 20000, 20000], first: F.utc(2022, 11, 8, 11, 23), period: 60, n: 3, m: 1,
            comparison: .greaterThanThreshold, threshold: 0, statistic: nil, now: F.utc(2022, 11, 8, 11, 26, 5.399))
        #expect(
            math.stateReasonData
                == "{\"version\":\"1.0\",\"queryDate\":\"2022-11-08T11:26:05.399+0000\","
                + "\"startDate\":\"2022-11-08T11:23:00.000+0000\",\"period\":60,"
                + "\"recentDatapoints\":[20000.0,20000.0,20000.0],\"threshold\":0.0,"
                + "\"evaluatedDatapoints\":[{\"timestamp\":\"2022-11-08T11:25:00.000+0000\",\"value\":20000.0}]}")
        #expect(
            math.stateReason
                == "Threshold Crossed: 3 out of the last 3 datapoints [20000.0 (08/11/22 11:25:00), 20000.0 "
                + "(08/11/22 11:24:00), 20000.0 (08/11/22 11:23:00)] were greater than the threshold (0.0) "
                + "(minimum 1 datapoint for OK -> ALARM transition).")
    }

    @Test("a percentile alarm names its statistic label")
    func percentileLabel() throws {
        let evaluation = evaluate(
            [nil, 0.5, 1.5, 2.5], first: F.utc(2026, 12, 7, 7, 0), period: 60, n: 1, m: 1,
            comparison: .greaterThanThreshold, threshold: 2, statistic: "p99", now: F.utc(2026, 12, 7, 7, 4, 1))
        let data = try #require(evaluation.stateReasonData)
        #expect(data.contains("\"statistic\":\"p99\",\"period\":60,\"recentDatapoints\":[2.5]"))
    }
}
