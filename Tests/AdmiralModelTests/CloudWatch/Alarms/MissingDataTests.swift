import AdmiralModel
import Testing

/// The tables of "How alarm state is evaluated when data is missing" (CloudWatch User Guide), evaluation range 5,
/// Evaluation Periods 3, points oldest first; `nil` means "Retain current state".
@Suite("Missing data, as CloudWatch's guide tabulates it")
struct MissingDataTests {
    typealias F = AlarmFixture

    struct Row: Sendable, CustomTestStringConvertible {
        var points: String
        var missing: AlarmStateValue?
        var ignore: AlarmStateValue?
        var breaching: AlarmStateValue?
        var notBreaching: AlarmStateValue?
        var testDescription: String { points }

        func expected(_ treatment: TreatMissingData) -> AlarmStateValue? {
            switch treatment {
            case .missing: missing
            case .ignore: ignore
            case .breaching: breaching
            case .notBreaching: notBreaching
            }
        }
    }

    static let threeOfThree: [Row] = [
        Row(points: "0 - X - X", missing: .ok, ignore: .ok, breaching: .ok, notBreaching: .ok),
        Row(points: "0 - - - -", missing: .ok, ignore: .ok, breaching: .ok, notBreaching: .ok),
        Row(points: "- - - - -", missing: .insufficientData, ignore: nil, breaching: .alarm, notBreaching: .ok),
        Row(points: "0 X X - X", missing: .alarm, ignore: .alarm, breaching: .alarm, notBreaching: .alarm),
        Row(points: "- - X - -", missing: .alarm, ignore: nil, breaching: .alarm, notBreaching: .ok),
    ]

    static let twoOfThree: [Row] = [
        Row(points: "0 - X - X", missing: .alarm, ignore: .alarm, breaching: .alarm, notBreaching: .alarm),
        Row(points: "0 0 X 0 X", missing: .alarm, ignore: .alarm, breaching: .alarm, notBreaching: .alarm),
        Row(points: "0 - X - -", missing: .ok, ignore: .ok, breaching: .alarm, notBreaching: .ok),
        Row(points: "- - - - 0", missing: .ok, ignore: .ok, breaching: .alarm, notBreaching: .ok),
        Row(points: "- - - X -", missing: .alarm, ignore: nil, breaching: .alarm, notBreaching: .ok),
    ]

    @Test(
        "3 out of 3: every row of the guide's first table, for every treatment and current state",
        arguments: threeOfThree)
    func threeOfThreeTable(row: Row) {
        check(row, datapointsToAlarm: 3)
    }

    @Test(
        "2 out of 3: every row of the guide's second table, for every treatment and current state",
        arguments: twoOfThree)
    func twoOfThreeTable(row: Row) {
        check(row, datapointsToAlarm: 2)
    }

    private func check(_ row: Row, datapointsToAlarm: Int) {
        for treatment in TreatMissingData.allCases {
            for current in AlarmStateValue.allCases {
                let state = F.state(
                    row.points, datapointsToAlarm: datapointsToAlarm, treatMissingData: treatment,
                    currentState: current)
                #expect(state == (row.expected(treatment) ?? current), "\(treatment) from \(current)")
            }
        }
    }

    @Test("a breaching datapoint too recent to be M periods old does not send a `missing` alarm to ALARM")
    func notPremature() {
        for points in ["- - - - X", "- - - X -"] {
            let evaluation = MetricAlarmEvaluator.evaluate(F.input(points, currentState: .ok))
            #expect(evaluation.newState == .insufficientData, "\(points)")
            #expect(evaluation.basis == .insufficientData)
        }
        #expect(F.state("- - - - X", treatMissingData: .ignore, currentState: .ok) == .ok)
        #expect(F.state("- - - - X", treatMissingData: .ignore, currentState: .alarm) == .alarm)
    }

    @Test("a breaching datapoint at least M periods old with nothing newer but missing is a premature ALARM")
    func premature() {
        let evaluation = MetricAlarmEvaluator.evaluate(F.input("X - - - -", currentState: .ok))
        #expect(evaluation.newState == .alarm)
        #expect(evaluation.basis == .prematureAlarm)
        #expect(F.state("- - X X -") == .alarm)
        #expect(F.state("- - X 0 -") == .ok)
        #expect(F.state("- - X - -", treatMissingData: .ignore, currentState: .insufficientData) == .insufficientData)
    }

    @Test("all periods missing: missing → INSUFFICIENT_DATA, ignore keeps, breaching → ALARM, notBreaching → OK")
    func allMissing() {
        for current in AlarmStateValue.allCases {
            #expect(F.state("- - - - -", treatMissingData: .missing, currentState: current) == .insufficientData)
            #expect(F.state("- - - - -", treatMissingData: .ignore, currentState: current) == current)
            #expect(F.state("- - - - -", treatMissingData: .breaching, currentState: current) == .alarm)
            #expect(F.state("- - - - -", treatMissingData: .notBreaching, currentState: current) == .ok)
        }
        let retained = MetricAlarmEvaluator.evaluate(F.input("- - - - -", treatMissingData: .ignore))
        #expect(retained.basis == .retained && retained.stateReason == nil && retained.stateReasonData == nil)
    }

    @Test("no period missing: every treatment decides alike, from every current state")
    func noneMissing() {
        for treatment in TreatMissingData.allCases {
            for current in AlarmStateValue.allCases {
                #expect(F.state("0 0 X X X", treatMissingData: treatment, currentState: current) == .alarm)
                #expect(F.state("X X X X 0", treatMissingData: treatment, currentState: current) == .ok)
            }
        }
    }

    @Test("filled datapoints make up exactly the shortfall to N, and real ones always count")
    func fillsTheShortfall() {
        let breaching = MetricAlarmEvaluator.evaluate(F.input("0 - - - -", treatMissingData: .breaching))
        #expect(breaching.filledDatapoints == 2 && breaching.newState == .ok)
        let nextMinute = MetricAlarmEvaluator.evaluate(F.input("- - - - -", treatMissingData: .breaching))
        #expect(nextMinute.filledDatapoints == 3 && nextMinute.newState == .alarm)
    }
}
