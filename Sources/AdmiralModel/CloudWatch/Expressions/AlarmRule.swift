import Foundation

/// The rule of a CloudWatch composite alarm (PutCompositeAlarm's `AlarmRule`): which states
/// of which other alarms put the composite alarm into ALARM.
///
/// As CloudWatch documents it:
///
/// - `ALARM(x)`, `OK(x)` and `INSUFFICIENT_DATA(x)` are true when the alarm `x` (a name or
///   an ARN, in double quotes or not) is in that state;
/// - `TRUE` and `FALSE` are constants, useful for testing;
/// - `AND`, `OR`, `NOT` and parentheses combine them; NOT binds tightest, then AND, then OR;
/// - a rule is at most 10240 characters, names at most 100 alarms and has at most 500
///   elements (functions, TRUE, FALSE and pairs of parentheses).
///
/// A name with spaces, parentheses or quotes must be in double quotes:
/// `ALARM("CPU too high") AND NOT OK(arn:aws:cloudwatch:us-east-1:123456789012:alarm:disk)`.
public struct AlarmRule: Sendable, Hashable, CustomStringConvertible {
    /// The longest rule CloudWatch accepts, in characters.
    public static let maximumLength = 10240
    /// How many different alarms a rule may name.
    public static let maximumAlarms = 100
    /// How many elements (functions, TRUE, FALSE, pairs of parentheses) a rule may have.
    public static let maximumElements = 500

    /// The rule as written.
    public let text: String
    /// The alarms the rule names, as written (names or ARNs), each once, in the order they
    /// first appear.
    public let referencedAlarms: [String]
    let root: AlarmRuleNode

    /// Parses a rule.
    ///
    /// - Throws: ``AlarmRuleError`` when the rule is empty, too long, malformed (with the
    ///   position of the problem), or names too many alarms or has too many elements.
    public init(parsing text: String) throws(AlarmRuleError) {
        guard text.count <= Self.maximumLength else {
            throw AlarmRuleError(
                .tooLong,
                "The AlarmRule is \(text.count) characters long; CloudWatch accepts at most \(Self.maximumLength).")
        }
        var parser = AlarmRuleParser(text)
        let root = try parser.parse()
        guard parser.elements <= Self.maximumElements else {
            throw AlarmRuleError(
                .tooManyElements,
                "The AlarmRule has \(parser.elements) elements (functions, TRUE, FALSE and pairs of parentheses); "
                    + "CloudWatch accepts at most \(Self.maximumElements).")
        }
        var alarms: [String] = []
        var seen = Set<String>()
        root.collectAlarms(into: &alarms, seen: &seen)
        guard alarms.count <= Self.maximumAlarms else {
            throw AlarmRuleError(
                .tooManyAlarms,
                "The AlarmRule names \(alarms.count) alarms; a composite alarm can watch at most "
                    + "\(Self.maximumAlarms).")
        }
        self.text = text
        self.referencedAlarms = alarms
        self.root = root
    }

    /// The rule as written.
    public var description: String { text }

    /// Whether the rule holds, that is whether the composite alarm is in ALARM.
    ///
    /// - Parameter state: the state of an alarm, given its name or ARN exactly as the rule
    ///   writes it (see ``referencedAlarms``); `nil` when there is no such alarm, which makes
    ///   the function naming it false.
    public func evaluate(_ state: (String) -> AlarmRuleState?) -> Bool {
        root.evaluate(state)
    }
}
