import AdmiralModel
import Testing

@Suite("Alarm comparison operators against a static threshold")
struct AlarmComparisonTests {
    @Test(
        "each operator breaches exactly where CloudWatch's name says, at, above and below the threshold",
        arguments: [
            (AlarmComparison.greaterThanOrEqualToThreshold, [false, true, true]),
            (.greaterThanThreshold, [false, false, true]),
            (.lessThanThreshold, [true, false, false]),
            (.lessThanOrEqualToThreshold, [true, true, false]),
        ])
    func breaching(comparison: AlarmComparison, expected: [Bool]) {
        let below = comparison.isBreaching(49.9, threshold: 50)
        let at = comparison.isBreaching(50, threshold: 50)
        let above = comparison.isBreaching(50.1, threshold: 50)
        #expect([below, at, above] == expected)
    }

    @Test("the raw values are CloudWatch's ComparisonOperator names")
    func rawValues() {
        #expect(
            AlarmComparison.allCases.map(\.rawValue) == [
                "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
                "LessThanOrEqualToThreshold", "LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold",
                "GreaterThanUpperThreshold",
            ])
    }

    @Test("anomaly-band comparisons are not supported and never breach")
    func anomalyBands() {
        for comparison in [
            AlarmComparison.lessThanLowerOrGreaterThanUpperThreshold, .lessThanLowerThreshold,
            .greaterThanUpperThreshold,
        ] {
            #expect(!comparison.isSupported)
            #expect(comparison.phrase == nil)
            #expect(!comparison.isBreaching(1e9, threshold: 0))
            #expect(!comparison.isBreaching(-1e9, threshold: 0))
        }
        #expect(AlarmComparison.greaterThanThreshold.isSupported)
    }

    @Test("the phrases are the words of CloudWatch's state reasons")
    func phrases() {
        #expect(AlarmComparison.greaterThanOrEqualToThreshold.phrase == "greater than or equal to")
        #expect(AlarmComparison.greaterThanThreshold.phrase == "greater than")
        #expect(AlarmComparison.lessThanThreshold.phrase == "less than")
        #expect(AlarmComparison.lessThanOrEqualToThreshold.phrase == "less than or equal to")
    }

    @Test("an alarm with an anomaly-band comparison keeps its state and says nothing")
    func unsupportedKeepsState() {
        var input = AlarmFixture.input("X X X X X", currentState: .insufficientData)
        input.comparison = .lessThanLowerOrGreaterThanUpperThreshold
        let evaluation = MetricAlarmEvaluator.evaluate(input)
        #expect(evaluation.newState == .insufficientData)
        #expect(evaluation.basis == .unsupportedComparison)
        #expect(!evaluation.stateChanged)
        #expect(evaluation.stateReason == nil && evaluation.stateReasonData == nil)
    }

    @Test("the enumerations carry CloudWatch's raw values and defaults")
    func enumerations() {
        #expect(AlarmStateValue.allCases.map(\.rawValue) == ["OK", "ALARM", "INSUFFICIENT_DATA"])
        #expect(TreatMissingData.allCases.map(\.rawValue) == ["breaching", "notBreaching", "ignore", "missing"])
        #expect(TreatMissingData.default == .missing)
        #expect(TreatMissingData.effective(nil, namespace: "AWS/EC2") == .missing)
        #expect(TreatMissingData.effective(.breaching, namespace: "AWS/ECS") == .breaching)
        #expect(TreatMissingData.effective(.breaching, namespace: "AWS/DynamoDB") == .ignore)
    }
}
