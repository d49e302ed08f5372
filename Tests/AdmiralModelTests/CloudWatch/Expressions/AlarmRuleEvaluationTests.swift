import AdmiralModel
import Foundation
import Testing

@Suite("Composite alarm rules: evaluation")
struct AlarmRuleEvaluationTests {
    private func holds(_ text: String, _ states: [String: AlarmRuleState] = [:]) throws -> Bool {
        try AlarmRule(parsing: text).evaluate { states[$0] }
    }

    @Test("Each state function is true exactly when the alarm is in that state", arguments: AlarmRuleState.allCases)
    func stateFunctions(state: AlarmRuleState) throws {
        let states = ["a": state]
        #expect(try holds("ALARM(a)", states) == (state == .alarm))
        #expect(try holds("OK(a)", states) == (state == .ok))
        #expect(try holds("INSUFFICIENT_DATA(a)", states) == (state == .insufficientData))
    }

    @Test("TRUE and FALSE are constants")
    func constants() throws {
        #expect(try holds("TRUE"))
        #expect(try !holds("FALSE"))
        #expect(try !holds("NOT TRUE"))
        #expect(try holds("NOT NOT TRUE"))
        #expect(try holds("(((TRUE)))"))
    }

    @Test(
        "NOT binds tighter than AND, and AND tighter than OR",
        arguments: [
            ("TRUE OR TRUE AND FALSE", true),
            ("(TRUE OR TRUE) AND FALSE", false),
            ("FALSE AND FALSE OR TRUE", true),
            ("FALSE AND (FALSE OR TRUE)", false),
            ("NOT FALSE AND FALSE", false),
            ("NOT (FALSE AND FALSE)", true),
            ("NOT TRUE OR TRUE", true),
            ("NOT (TRUE OR TRUE)", false),
        ])
    func precedence(text: String, expected: Bool) throws {
        #expect(try holds(text) == expected)
    }

    @Test("The documentation's example: either alarm in ALARM while the network alarm is OK")
    func documentedExample() throws {
        let rule = "(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)"
        #expect(
            try holds(rule, ["CPUUtilizationTooHigh": .alarm, "DiskReadOpsTooHigh": .ok, "NetworkOutTooHigh": .ok]))
        #expect(
            try holds(rule, ["CPUUtilizationTooHigh": .ok, "DiskReadOpsTooHigh": .alarm, "NetworkOutTooHigh": .ok]))
        #expect(
            try !holds(
                rule, ["CPUUtilizationTooHigh": .alarm, "DiskReadOpsTooHigh": .alarm, "NetworkOutTooHigh": .alarm]))
        #expect(
            try !holds(
                rule, ["CPUUtilizationTooHigh": .ok, "DiskReadOpsTooHigh": .insufficientData, "NetworkOutTooHigh": .ok])
        )
    }

    @Test("Nested NOT, AND and OR over several alarms")
    func nested() throws {
        let rule = "ALARM(a) AND NOT (OK(b) OR INSUFFICIENT_DATA(c)) OR (ALARM(d) AND NOT NOT ALARM(e))"
        #expect(try holds(rule, ["a": .alarm, "b": .alarm, "c": .ok]))
        #expect(try !holds(rule, ["a": .alarm, "b": .ok, "c": .ok]))
        #expect(try !holds(rule, ["a": .alarm, "b": .alarm, "c": .insufficientData]))
        #expect(try holds(rule, ["a": .ok, "d": .alarm, "e": .alarm]))
        #expect(try !holds(rule, ["a": .ok, "d": .alarm, "e": .ok]))
    }

    @Test("A function naming an unknown alarm is false, so NOT of it is true")
    func unknownAlarm() throws {
        #expect(try !holds("ALARM(missing)"))
        #expect(try !holds("OK(missing)"))
        #expect(try !holds("INSUFFICIENT_DATA(missing)"))
        #expect(try holds("NOT ALARM(missing)"))
        #expect(try holds("ALARM(known) AND NOT ALARM(missing)", ["known": .alarm]))
    }

    @Test("The state lookup receives names and ARNs exactly as written, quotes removed")
    func lookupKeys() throws {
        let arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk"
        let rule = try AlarmRule(parsing: "ALARM(\"CPU high\") AND OK(\(arn))")
        var asked: [String] = []
        let result = rule.evaluate { name in
            asked.append(name)
            return name == arn ? .ok : .alarm
        }
        #expect(result)
        #expect(asked == ["CPU high", arn])
    }

    @Test("AND stops at the first false operand and OR at the first true one")
    func shortCircuit() throws {
        var asked: [String] = []
        let rule = try AlarmRule(parsing: "ALARM(a) AND ALARM(b) OR OK(c) OR OK(d)")
        let result = rule.evaluate { name in
            asked.append(name)
            return name == "c" ? .ok : .insufficientData
        }
        #expect(result)
        #expect(asked == ["a", "c"])
    }
}
