import AdmiralModel
import Foundation
import Testing

/// State reasons compared with ones CloudWatch wrote (quoted in public notifications and DescribeAlarms output).
@Suite("StateReason, word for word as CloudWatch writes it")
struct StateReasonTests {
    typealias F = AlarmFixture

    private func reason(
        _ values: [Double?], first: Date, period: Int = 60, n: Int, m: Int?, comparison: AlarmComparison,
        threshold: Double, treat: TreatMissingData = .missing, current: AlarmStateValue = .ok, now: Date
    ) -> String? {
        MetricAlarmEvaluator.evaluate(
            MetricAlarmEvaluator.Input(
                threshold: threshold, comparison: comparison, period: period, evaluationPeriods: n,
                datapointsToAlarm: m, treatMissingData: treat, statistic: "Average", currentState: current, now: now,
                datapoints: F.series(values, first: first, period: period, sampleCount: 1))
        ).stateReason
    }

    @Test("M out of N into ALARM lists the breaching datapoints newest first and the minimum for the transition")
    func mOfNAlarm() {
        let text = reason(
            [nil, 10, 60, 55, nil], first: F.utc(2026, 12, 7, 7, 37), n: 3, m: 2, comparison: .greaterThanThreshold,
            threshold: 50, now: F.utc(2026, 12, 7, 7, 42, 5))
        #expect(
            text == "Threshold Crossed: 2 out of the last 3 datapoints [55.0 (07/12/26 07:40:00), "
                + "60.0 (07/12/26 07:39:00)] were greater than the threshold (50.0) "
                + "(minimum 2 datapoints for OK -> ALARM transition).")
    }

    @Test("M out of N into OK lists the non-breaching datapoints and the minimum N − M + 1")
    func mOfNOk() {
        let text = reason(
            [1, 0, 1, 0, 0], first: F.utc(2021, 12, 21, 6, 41), n: 5, m: 3, comparison: .greaterThanThreshold,
            threshold: 0, current: .alarm, now: F.utc(2021, 12, 21, 6, 46, 11))
        #expect(
            text == "Threshold Crossed: 3 out of the last 5 datapoints [0.0 (21/12/21 06:45:00), "
                + "0.0 (21/12/21 06:44:00), 0.0 (21/12/21 06:42:00)] were not greater than the threshold (0.0) "
                + "(minimum 3 datapoints for ALARM -> OK transition).")
    }

    @Test("one datapoint out of one uses the singular and the clause names the transition, whatever the old state")
    func oneOfOne() {
        let text = reason(
            [nil, 0, nil], first: F.utc(2019, 11, 18, 6, 55), n: 1, m: 1, comparison: .greaterThanThreshold,
            threshold: 0, current: .insufficientData, now: F.utc(2019, 11, 18, 6, 57, 51.67))
        #expect(
            text == "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (18/11/19 06:56:00)] was not greater "
                + "than the threshold (0.0) (minimum 1 datapoint for ALARM -> OK transition).")
    }

    @Test("past five datapoints the reason lists only the five most recent, after the threshold")
    func longForm() {
        let values: [Double?] = Array(repeating: 59, count: 27) + [59, 60, 60]
        let text = reason(
            [nil] + values + [nil], first: F.utc(2024, 12, 6, 5, 4), n: 30, m: 30, comparison: .greaterThanThreshold,
            threshold: 20, now: F.utc(2024, 12, 6, 5, 36, 35.649))
        #expect(
            text == "Threshold Crossed: 30 out of the last 30 datapoints were greater than the threshold (20.0). "
                + "The most recent datapoints which crossed the threshold: [60.0 (06/12/24 05:34:00), "
                + "60.0 (06/12/24 05:33:00), 59.0 (06/12/24 05:32:00), 59.0 (06/12/24 05:31:00), "
                + "59.0 (06/12/24 05:30:00)] (minimum 30 datapoints for OK -> ALARM transition).")
    }

    @Test("an alarm without DatapointsToAlarm uses the older wording, singular and plural")
    func legacyWording() {
        let ok = reason(
            [0.2872183414376726, nil, nil, nil, nil, nil], first: F.utc(2020, 7, 31, 6, 50), n: 1, m: nil,
            comparison: .greaterThanThreshold, threshold: 60, current: .insufficientData,
            now: F.utc(2020, 7, 31, 6, 56, 5.603))
        #expect(
            ok == "Threshold Crossed: 1 datapoint [0.2872183414376726 (31/07/20 06:50:00)] was not greater than the "
                + "threshold (60.0).")
        let alarm = reason(
            [nil] + Array(repeating: 1.0, count: 24) + [nil], first: F.utc(2024, 12, 19, 8, 9), n: 24, m: nil,
            comparison: .greaterThanThreshold, threshold: 0, now: F.utc(2024, 12, 19, 8, 35, 1.26))
        #expect(
            alarm == "Threshold Crossed: 24 datapoints were greater than the threshold (0.0). The most recent "
                + "datapoints which crossed the threshold: [1.0 (19/12/24 08:33:00), 1.0 (19/12/24 08:32:00), "
                + "1.0 (19/12/24 08:31:00), 1.0 (19/12/24 08:30:00), 1.0 (19/12/24 08:29:00)].")
    }

    @Test("an older-style OK cites only the newest non-breaching datapoint")
    func legacyOkCitesOne() {
        let text = reason(
            [0, 0, 1], first: F.utc(2018, 12, 8, 19, 53), n: 3, m: nil, comparison: .lessThanThreshold, threshold: 1,
            current: .alarm, now: F.utc(2018, 12, 8, 19, 56, 14.594))
        #expect(
            text == "Threshold Crossed: 1 datapoint [1.0 (08/12/18 19:55:00)] was not less than the threshold (1.0).")
    }

    @Test("filled datapoints are named after the threshold, with their treatment in brackets")
    func fillClause() {
        let text = reason(
            Array(repeating: nil, count: 20) + [613, nil], first: F.utc(2024, 3, 16, 11, 55), n: 20, m: 1,
            comparison: .greaterThanOrEqualToThreshold, threshold: 1, treat: .notBreaching,
            now: F.utc(2024, 3, 16, 12, 17, 5))
        #expect(
            text == "Threshold Crossed: 1 out of the last 20 datapoints [613.0 (16/03/24 12:15:00)] was greater than "
                + "or equal to the threshold (1.0) and 19 missing datapoints were treated as [NonBreaching] "
                + "(minimum 1 datapoint for OK -> ALARM transition).")
    }

    @Test("when only filled datapoints decide, the reason counts what was received")
    func onlyFilled() {
        let none = reason(
            [nil, nil, nil], first: F.utc(2026, 1, 1, 0, 0), n: 1, m: nil, comparison: .lessThanThreshold, threshold: 1,
            treat: .breaching, now: F.utc(2026, 1, 1, 0, 3, 2))
        #expect(
            none == "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was "
                + "treated as [Breaching].")
        let three = reason(
            [nil, nil, nil, nil, nil], first: F.utc(2026, 1, 1, 0, 0), n: 3, m: 3, comparison: .greaterThanThreshold,
            threshold: 0, treat: .notBreaching, current: .alarm, now: F.utc(2026, 1, 1, 0, 5, 2))
        #expect(
            three == "Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were "
                + "treated as [NonBreaching].")
        let one = reason(
            [nil, nil, 0, nil, nil], first: F.utc(2026, 1, 1, 0, 0), n: 3, m: 2, comparison: .greaterThanThreshold,
            threshold: 0, treat: .breaching, now: F.utc(2026, 1, 1, 0, 5, 2))
        #expect(
            one == "Threshold Crossed: 1 datapoint was received for 3 periods and 2 missing datapoints were "
                + "treated as [Breaching].")
    }

    @Test("a premature ALARM cites the breaching datapoints it has, below the minimum")
    func prematureWording() {
        let text = reason(
            [nil, nil, 0, nil, nil], first: F.utc(2026, 1, 1, 0, 0), n: 3, m: 3, comparison: .lessThanThreshold,
            threshold: 1, now: F.utc(2026, 1, 1, 0, 5, 2))
        #expect(
            text == "Threshold Crossed: 1 out of the last 3 datapoints [0.0 (01/01/26 00:02:00)] was less than the "
                + "threshold (1.0) (minimum 3 datapoints for OK -> ALARM transition).")
    }

    @Test("INSUFFICIENT_DATA counts the unknown datapoints, singular and plural")
    func insufficientData() {
        let one = reason(
            [nil, nil, nil], first: F.utc(2020, 7, 31, 6, 49), n: 1, m: nil, comparison: .greaterThanThreshold,
            threshold: 60, now: F.utc(2020, 7, 31, 6, 52, 5.598))
        #expect(one == "Insufficient Data: 1 datapoint was unknown.")
        let five = reason(
            Array(repeating: nil, count: 7), first: F.utc(2023, 8, 4, 12, 24), n: 5, m: nil,
            comparison: .greaterThanThreshold, threshold: 5, now: F.utc(2023, 8, 4, 12, 31, 29.591))
        #expect(five == "Insufficient Data: 5 datapoints were unknown.")
        let partial = MetricAlarmEvaluator.evaluate(F.input("- - - - X"))
        #expect(partial.stateReason == "Insufficient Data: 2 datapoints were unknown.")
    }
}
