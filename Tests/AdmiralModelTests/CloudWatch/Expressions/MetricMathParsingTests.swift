import AdmiralModel
import Foundation
import Testing

@Suite("Metric math: parsing")
struct MetricMathParsingTests {
    private typealias F = MetricMathFixtures

    private static let empty = F.context([])

    @Test(
        "Operators follow the usual precedence: ^ over unary minus over * / over + -, ^ to the right",
        arguments: [
            ("2 + 3 * 4", 14.0),
            ("(2 + 3) * 4", 20),
            ("10 - 4 - 3", 3),
            ("16 / 4 / 2", 2),
            ("2 ^ 3 ^ 2", 512),
            ("(2 ^ 3) ^ 2", 64),
            ("-2 ^ 2", -4),
            ("2 ^ -1", 0.5),
            ("2 * -3", -6),
            ("--3", 3),
            ("1 + 2 * 3 ^ 2 - 4 / 2", 17),
            ("-(1 + 2) * 2", -6),
        ])
    func precedence(text: String, expected: Double) throws {
        #expect(try F.scalar(F.evaluate(text, Self.empty)) == expected)
    }

    @Test(
        "Numbers may have a fractional part and an exponent",
        arguments: [("1.5e2", 150.0), (".5", 0.5), ("2.", 2), ("1E-1", 0.1), ("25e+1", 250), ("007", 7)])
    func numbers(text: String, expected: Double) throws {
        #expect(try F.scalar(F.evaluate(text, Self.empty)) == expected)
    }

    @Test("Referenced ids are the ids named in the expression, wherever they appear")
    func referencedIds() throws {
        let expression = try MetricMathExpression(
            parsing: "SUM([m1, errors_5xx]) / m1 + FILL(e2, REPEAT) - RATE(requestCount)")
        #expect(expression.referencedIds == ["m1", "errors_5xx", "e2", "requestCount"])
        #expect(!expression.usesMetricsFunction)
        #expect(expression.text == "SUM([m1, errors_5xx]) / m1 + FILL(e2, REPEAT) - RATE(requestCount)")
    }

    @Test("METRICS() names no id but marks the expression as depending on every metric")
    func metricsFunctionReferences() throws {
        let expression = try MetricMathExpression(parsing: "SUM(METRICS(\"errors\")) / m2")
        #expect(expression.referencedIds == ["m2"])
        #expect(expression.usesMetricsFunction)
    }

    @Test("Whitespace, tabs and newlines between tokens are ignored")
    func whitespace() throws {
        #expect(try F.scalar(F.evaluate("\t1 +\n 2 *  3 ", Self.empty)) == 7)
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var text: String
        var code: MetricMathError.Code
        var position: Int?
        var testDescription: String { "\(text.prefix(40)) → \(code) at \(position.map(String.init) ?? "-")" }
    }

    @Test(
        "Malformed expressions are refused with the kind of error and its 1-based position",
        arguments: [
            Failure(text: "", code: .syntax, position: 1),
            Failure(text: "   ", code: .syntax, position: 1),
            Failure(text: "m1 +", code: .syntax, position: 5),
            Failure(text: "m1 + * m2", code: .syntax, position: 6),
            Failure(text: "(m1 + m2", code: .syntax, position: 9),
            Failure(text: "m1 m2", code: .syntax, position: 4),
            Failure(text: "m1 $ m2", code: .syntax, position: 4),
            Failure(text: "SUM(m1", code: .syntax, position: 7),
            Failure(text: "SUM([m1, m2)", code: .syntax, position: 12),
            Failure(text: "[]", code: .syntax, position: 1),
            Failure(text: "_m1 + 1", code: .syntax, position: 1),
            Failure(text: "m1 + \"x\"", code: .syntax, position: 6),
            Failure(text: "METRICS(\"x", code: .syntax, position: 9),
            Failure(text: "FILL(m1, 0) + REPEAT", code: .syntax, position: 15),
            Failure(text: "SUM", code: .syntax, position: 1),
            Failure(text: "M1 + 1", code: .syntax, position: 1),
            Failure(text: "FOO(m1)", code: .unknownFunction, position: 1),
            Failure(text: "m1 + sum(m1)", code: .unknownFunction, position: 6),
            Failure(text: "Sum(m1)", code: .unknownFunction, position: 1),
            Failure(text: "m1 + SORT(METRICS(), AVG, DESC)", code: .unsupportedFunction, position: 6),
            Failure(text: "IF(m1, m2)", code: .unsupportedFunction, position: 1),
            Failure(text: "m1 > 5", code: .unsupportedFunction, position: 4),
            Failure(text: "SUM(m1, m2)", code: .invalidArguments, position: 1),
            Failure(text: "1 + FILL(m1)", code: .invalidArguments, position: 5),
            Failure(text: "ABS()", code: .invalidArguments, position: 1),
            Failure(text: "METRICS(\"a\", \"b\")", code: .invalidArguments, position: 1),
            Failure(text: "METRICS(m1)", code: .invalidArguments, position: 1),
        ])
    func malformed(failure: Failure) {
        let error = F.error(failure.text)
        #expect(error?.code == failure.code)
        #expect(error?.position == failure.position)
    }

    @Test("A syntax error says where it is and what was expected")
    func syntaxMessage() {
        #expect(
            F.error("m1 + * m2")?.message
                == "Syntax error at position 6: expected a number, an id, a function or '(' but found '*'.")
        #expect(
            F.error("(m1 + m2")?.message
                == "Syntax error at position 9: expected ')' to close the '(' at position 1 but found the end "
                + "of the expression.")
    }

    @Test("An unknown function's message lists the functions there are; a lowercase one suggests uppercase")
    func unknownFunctionMessages() throws {
        let unknown = try #require(F.error("FOO(m1)"))
        #expect(unknown.message.hasPrefix("Unknown function 'FOO' at position 1."))
        #expect(unknown.message.contains("SUM"))
        #expect(unknown.message.contains("FILL"))
        #expect(try #require(F.error("sum(m1)")).message.contains("SUM(…)"))
    }

    @Test("A function given too many arguments says how many it takes and how to pass several series")
    func arityMessage() {
        #expect(
            F.error("SUM(m1, m2)")?.message
                == "SUM at position 1 takes 1 argument, as in SUM(series or array), but 2 were given. To combine "
                + "several series, pass them as an array: SUM([m1, m2]).")
    }

    @Test("An expression longer than 2048 characters is refused")
    func tooLong() {
        let text = String(repeating: "1+", count: 1024) + "1"
        #expect(text.count == 2049)
        let error = F.error(text)
        #expect(error?.code == .syntax)
        #expect(error?.message.contains("at most 2048") == true)
        #expect(F.error(String(repeating: "1+", count: 1023) + "1") == nil)
    }

    @Test("Nesting deeper than the parser allows is a syntax error, not a crash")
    func deepNesting() {
        let deep = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        #expect(F.error(deep)?.code == .syntax)
        let deepMinus = String(repeating: "-", count: 500) + "1"
        #expect(F.error(deepMinus)?.code == .syntax)
        let shallow = String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30)
        #expect(F.error(shallow) == nil)
    }

    @Test("A long flat sum parses and evaluates")
    func longSum() throws {
        let text = Array(repeating: "1", count: 1000).joined(separator: "+")
        #expect(try F.scalar(F.evaluate(text, Self.empty)) == 1000)
    }
}
