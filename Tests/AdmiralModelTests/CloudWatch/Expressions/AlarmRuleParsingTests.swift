import AdmiralModel
import Foundation
import Testing

@Suite("Composite alarm rules: parsing")
struct AlarmRuleParsingTests {
    @Test("The rule names its alarms in the order written, each once")
    func referencedAlarms() throws {
        let rule = try AlarmRule(parsing: "ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)")
        #expect(rule.referencedAlarms == ["CPUUtilizationTooHigh", "DiskReadOpsTooHigh"])
        let repeated = try AlarmRule(parsing: "ALARM(b) OR OK(a) OR INSUFFICIENT_DATA(b) OR NOT ALARM(a)")
        #expect(repeated.referencedAlarms == ["b", "a"])
        #expect(try AlarmRule(parsing: "TRUE").referencedAlarms.isEmpty)
    }

    @Test("Names in double quotes may hold spaces, parentheses and escaped quotes")
    func quotedNames() throws {
        let rule = try AlarmRule(
            parsing: #"ALARM("CPU too high") OR OK( "disk (root)" ) OR ALARM("say \"hi\"") OR OK("back\\slash")"#)
        #expect(rule.referencedAlarms == ["CPU too high", "disk (root)", #"say "hi""#, #"back\slash"#])
    }

    @Test("Alarms may be named by ARN, quoted or not")
    func arns() throws {
        let arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:my-alarm"
        let rule = try AlarmRule(parsing: "ALARM(\(arn)) AND NOT OK(\"\(arn)-2\")")
        #expect(rule.referencedAlarms == [arn, arn + "-2"])
    }

    @Test("Unquoted names may hold any character but spaces, quotes and parentheses")
    func unquotedCharacters() throws {
        let rule = try AlarmRule(parsing: "ALARM(my-alarm_1.prod/eu:x)")
        #expect(rule.referencedAlarms == ["my-alarm_1.prod/eu:x"])
    }

    @Test("Keywords are read without regard to case, as CloudWatch's guide writes `False`")
    func keywordCase() throws {
        let rule = try AlarmRule(parsing: "alarm(a) and not Ok(b) or False")
        #expect(rule.referencedAlarms == ["a", "b"])
        #expect(rule.evaluate { _ in .alarm })
    }

    @Test("Line breaks and extra spaces between elements are allowed")
    func whitespace() throws {
        let rule = try AlarmRule(parsing: "(ALARM(\"a\") OR\n  ALARM(\"b\"))\tAND\r\n OK (\"c\")  ")
        #expect(rule.referencedAlarms == ["a", "b", "c"])
        #expect(rule.text.hasPrefix("(ALARM"))
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var text: String
        var position: Int
        var testDescription: String { "\(text) → \(position)" }
    }

    @Test(
        "Malformed rules are refused with the position of the problem",
        arguments: [
            Failure(text: "", position: 1),
            Failure(text: "   ", position: 1),
            Failure(text: "ALARM(a) AND", position: 13),
            Failure(text: "ALARM(a", position: 8),
            Failure(text: "ALARM()", position: 7),
            Failure(text: "ALARM(\"\")", position: 7),
            Failure(text: "ALARM(my alarm)", position: 10),
            Failure(text: "ALARM(\"a)", position: 7),
            Failure(text: "ALARM a", position: 7),
            Failure(text: "FOO(a)", position: 1),
            Failure(text: "ALARM(a) ALARM(b)", position: 10),
            Failure(text: "(ALARM(a)", position: 10),
            Failure(text: "ALARM(a))", position: 9),
            Failure(text: "ALARM(a) AND OR OK(b)", position: 14),
            Failure(text: "NOT", position: 4),
            Failure(text: "ANDALARM(a)", position: 1),
            Failure(text: "ALARM(a) && OK(b)", position: 10),
            Failure(text: "ALARMS(a)", position: 1),
            Failure(text: "()", position: 2),
        ])
    func malformed(failure: Failure) {
        let error = #expect(throws: AlarmRuleError.self) { try AlarmRule(parsing: failure.text) }
        #expect(error?.code == .syntax)
        #expect(error?.position == failure.position)
    }

    @Test("A name with a space that is not quoted is refused with a hint to quote it")
    func unquotedSpaceMessage() {
        let error = #expect(throws: AlarmRuleError.self) { try AlarmRule(parsing: "ALARM(my alarm)") }
        #expect(
            error?.message
                == "Syntax error in AlarmRule at position 10: expected ')' to close ALARM( at position 1. An alarm "
                + "name with spaces, parentheses or quotes must be written in double quotes, as in "
                + "ALARM(\"my alarm\").")
    }

    @Test("A dangling operator says what was expected")
    func danglingMessage() {
        let error = #expect(throws: AlarmRuleError.self) { try AlarmRule(parsing: "ALARM(a) AND") }
        #expect(
            error?.message
                == "Syntax error in AlarmRule at position 13: expected ALARM(…), OK(…), INSUFFICIENT_DATA(…), TRUE, "
                + "FALSE, NOT or '(' but found the end of the rule.")
    }

    @Test("A rule longer than 10240 characters is refused")
    func tooLong() throws {
        let name = String(repeating: "a", count: 10240 - 9)
        #expect(try AlarmRule(parsing: "ALARM(\"\(name)\")").referencedAlarms == [name])
        let error = #expect(throws: AlarmRuleError.self) { try AlarmRule(parsing: "ALARM(\"\(name)a\")") }
        #expect(error?.code == .tooLong)
    }

    @Test("A rule naming more than 100 alarms is refused")
    func tooManyAlarms() throws {
        let hundred = (1...100).map { "ALARM(a\($0))" }.joined(separator: " OR ")
        #expect(try AlarmRule(parsing: hundred).referencedAlarms.count == 100)
        let error = #expect(throws: AlarmRuleError.self) { try AlarmRule(parsing: hundred + " OR OK(a101)") }
        #expect(error?.code == .tooManyAlarms)
    }

    @Test("A rule with more than 500 elements is refused")
    func tooManyElements() throws {
        let fiveHundred = Array(repeating: "TRUE", count: 498).joined(separator: " OR ") + " OR (FALSE)"
        _ = try AlarmRule(parsing: fiveHundred)
        let error = #expect(throws: AlarmRuleError.self) {
            try AlarmRule(parsing: fiveHundred + " OR TRUE")
        }
        #expect(error?.code == .tooManyElements)
    }

    @Test("Nesting deeper than the parser allows is a syntax error, not a crash")
    func deepNesting() throws {
        let deep = String(repeating: "NOT ", count: 1000) + "TRUE"
        #expect(throws: AlarmRuleError.self) { try AlarmRule(parsing: deep) }
        let parens = String(repeating: "(", count: 1000) + "TRUE" + String(repeating: ")", count: 1000)
        #expect(throws: AlarmRuleError.self) { try AlarmRule(parsing: parens) }
        _ = try AlarmRule(parsing: String(repeating: "NOT ", count: 50) + "TRUE")
    }
}
