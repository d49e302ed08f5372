import AdmiralModel
import Testing

@Suite("SetAlarmState's checks on the reason it is given")
struct SetAlarmStateRulesTests {
    @Test("reason data that is JSON of at most 4000 characters, or absent, is accepted")
    func accepted() {
        #expect(SetAlarmStateRules.stateReasonDataViolation(nil) == nil)
        #expect(SetAlarmStateRules.stateReasonDataViolation("") == nil)
        #expect(SetAlarmStateRules.stateReasonDataViolation("{\"version\":\"1.0\"}") == nil)
        #expect(SetAlarmStateRules.stateReasonDataViolation(" [1, 2] ") == nil)
        let exactly = "\"" + String(repeating: "a", count: 3998) + "\""
        #expect(SetAlarmStateRules.stateReasonDataViolation(exactly) == nil)
    }

    @Test("reason data that is not JSON is an InvalidFormat error")
    func notJSON() {
        for data in ["{not json", "{\"a\":}", "testing"] {
            #expect(
                SetAlarmStateRules.stateReasonDataViolation(data)
                    == .init(code: "InvalidFormat", message: "Data was not syntactically valid JSON"))
        }
    }

    @Test("reason data longer than 4000 characters is a ValidationError naming the member and the limit")
    func tooLong() throws {
        let long = "\"" + String(repeating: "a", count: 3999) + "\""
        let violation = try #require(SetAlarmStateRules.stateReasonDataViolation(long))
        #expect(violation.code == "ValidationError")
        #expect(violation.message.hasPrefix("1 validation error detected: Value '\"aaa"))
        #expect(
            violation.message.hasSuffix(
                "' at 'stateReasonData' failed to satisfy constraint: "
                    + "Member must have length less than or equal to 4000"))
    }

    @Test("a reason longer than 1023 characters is a ValidationError")
    func reasonTooLong() {
        #expect(SetAlarmStateRules.stateReasonViolation(String(repeating: "r", count: 1023)) == nil)
        #expect(SetAlarmStateRules.stateReasonViolation(String(repeating: "r", count: 1024))?.code == "ValidationError")
    }
}
