import AdmiralModel
import Foundation
import Testing

@Suite("Metric alarm evaluation: M out of N over the most recent datapoints")
struct MetricAlarmEvaluatorTests {
    typealias F = AlarmFixture

    @Test("N of N goes to ALARM only when every one of the N most recent datapoints breaches")
    func nOfN() {
        #expect(F.state("0 0 X X X") == .alarm)
        #expect(F.state("X X X X 0") == .ok)
        #expect(F.state("X X 0 X X") == .ok)
    }

    @Test("M out of N goes to ALARM when M of the N most recent datapoints breach, consecutive or not")
    func mOfN() {
        #expect(F.state("0 0 X 0 X", datapointsToAlarm: 2) == .alarm)
        #expect(F.state("0 0 0 X X", datapointsToAlarm: 2) == .alarm)
        #expect(F.state("X X 0 0 X", datapointsToAlarm: 2) == .ok)
        #expect(F.state("X 0 X 0 X", evaluationPeriods: 5, datapointsToAlarm: 3) == .alarm)
        #expect(F.state("X 0 X 0 0", evaluationPeriods: 5, datapointsToAlarm: 3) == .ok)
        #expect(F.state("0 0 0 0 X", datapointsToAlarm: 1) == .alarm)
    }

    @Test("an omitted DatapointsToAlarm means N")
    func omittedDatapointsToAlarm() {
        #expect(F.state("0 0 X X X", datapointsToAlarm: nil) == .alarm)
        #expect(F.state("0 X X 0 X", datapointsToAlarm: nil) == .ok)
        #expect(F.input("- - -", datapointsToAlarm: nil).effectiveDatapointsToAlarm == 3)
        #expect(F.input("- - -", datapointsToAlarm: 9).effectiveDatapointsToAlarm == 3)
    }

    @Test("with enough real datapoints in the range, evaluation reaches back past missing periods")
    func reachesBack() {
        let evaluation = MetricAlarmEvaluator.evaluate(F.input("X X - X -", treatMissingData: .notBreaching))
        #expect(evaluation.newState == .alarm)
        #expect(evaluation.evaluatedDatapoints.count == 3)
        #expect(evaluation.filledDatapoints == 0)
    }

    @Test("the result says whether the state changed")
    func stateChanged() {
        let same = MetricAlarmEvaluator.evaluate(F.input("X X X", currentState: .alarm))
        #expect(!same.stateChanged && same.previousState == .alarm)
        let changed = MetricAlarmEvaluator.evaluate(F.input("X X X", currentState: .ok))
        #expect(changed.stateChanged && changed.newState == .alarm)
    }

    @Test("a transition is nil when the state stays, and otherwise the full evaluation, reason included")
    func transition() {
        #expect(MetricAlarmEvaluator.transition(F.input("X X X", currentState: .alarm)) == nil)
        #expect(MetricAlarmEvaluator.transition(F.input("0 0 0", currentState: .ok)) == nil)
        let input = F.input("X X X", currentState: .ok)
        let transition = MetricAlarmEvaluator.transition(input)
        #expect(transition == MetricAlarmEvaluator.evaluate(input))
        #expect(transition?.stateReason?.isEmpty == false)
    }

    @Test("datapoints given out of order are put in time order first")
    func outOfOrder() {
        var input = F.input("0 0 0 X X X")
        input.datapoints.reverse()
        #expect(MetricAlarmEvaluator.evaluate(input).newState == .alarm)
    }

    @Test("the evaluation range is N + 2 periods")
    func rangeSize() {
        #expect(MetricAlarmEvaluator.evaluationRangePeriods(evaluationPeriods: 3) == 5)
        #expect(MetricAlarmEvaluator.evaluationRangePeriods(evaluationPeriods: 1) == 3)
        #expect(MetricAlarmEvaluator.evaluationRangePeriods(evaluationPeriods: 0) == 3)
    }
}
