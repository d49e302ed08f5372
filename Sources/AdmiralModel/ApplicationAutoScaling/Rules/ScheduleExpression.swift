import Foundation

/// A scheduled action's `Schedule` with its `Timezone`, parsed, and when it fires.
///
/// PutScheduledAction, `Schedule`: "At expressions - "at(yyyy-mm-ddThh:mm:ss)"; Rate expressions -
/// "rate(value unit)"; Cron expressions - "cron(fields)" ... At and cron expressions use Universal
/// Coordinated Time (UTC) by default ... For rate expressions, value is a positive integer and unit is
/// minute | minutes | hour | hours | day | days." `Timezone`: "Valid values are the canonical names of the
/// IANA time zones supported by Joda-Time (such as Etc/GMT+9 or Pacific/Tahiti)." A rate is a duration, so
/// its time zone does not matter. Keywords and units are lower case; the singular unit goes with a value of
/// 1 and the plural with any other value, as in the CloudWatch Events rate syntax.
public struct ScheduleExpression: Sendable, Hashable {
    /// The kind of schedule and its parsed content.
    public enum Form: Sendable, Hashable {
        /// `at(...)`: once, at this instant (the wall-clock time read in the time zone).
        case at(Date)
        /// `rate(value unit)`: every `value` units.
        case rate(value: Int, unit: RateUnit)
        /// `cron(...)`: whenever the wall clock in the time zone matches.
        case cron(CronExpression)
    }

    /// The unit of a rate expression.
    public enum RateUnit: String, Sendable, Hashable, CaseIterable {
        /// Sixty seconds.
        case minute
        /// Sixty minutes.
        case hour
        /// Twenty-four hours (a fixed duration: a rate does not follow daylight saving time).
        case day

        /// The unit's length in seconds.
        public var seconds: Int {
            switch self {
            case .minute: 60
            case .hour: 3_600
            case .day: 86_400
            }
        }
    }

    /// The expression as written.
    public let expression: String
    /// What the expression says.
    public let form: Form
    /// The time zone `at` and `cron` expressions are read in; UTC unless a `Timezone` was given.
    public let timeZone: TimeZone

    /// Parses `expression`, reading it in the IANA time zone `timeZone` (UTC when `nil`).
    public init(parsing expression: String, timeZone: String?) throws(ScalingRuleError) {
        let zone = try Self.timeZone(named: timeZone)
        self.expression = expression
        self.timeZone = zone
        guard expression.hasSuffix(")"), let open = expression.firstIndex(of: "(") else {
            throw Self.invalid(expression)
        }
        let body = String(expression[expression.index(after: open)..<expression.index(before: expression.endIndex)])
        switch expression[..<open] {
        case "at": form = .at(try Self.parseAt(body, expression: expression, timeZone: zone))
        case "rate":
            let (value, unit) = try Self.parseRate(body, expression: expression)
            form = .rate(value: value, unit: unit)
        case "cron": form = .cron(try CronExpression(parsing: body))
        default: throw Self.invalid(expression)
        }
    }

    /// The time zone named `name`, UTC when `nil`, refusing names that are not IANA time zones.
    public static func timeZone(named name: String?) throws(ScalingRuleError) -> TimeZone {
        guard let name else { return utc }
        let offsetForm = ["GMT+", "GMT-", "UTC+", "UTC-"].contains { name.hasPrefix($0) }
        guard !offsetForm, let zone = TimeZone(identifier: name) else {
            throw ScalingRuleError(
                "Invalid Timezone '\(name)': use the canonical name of an IANA time zone, such as UTC, "
                    + "America/New_York, Etc/GMT+9 or Pacific/Tahiti.")
        }
        return zone
    }

    /// Checks a scheduled action's window: "StartTime must be before EndTime".
    public static func validateWindow(start: Date?, end: Date?) throws(ScalingRuleError) {
        if let start, let end, end <= start {
            throw ScalingRuleError("StartTime must be before EndTime.")
        }
    }

    /// The first time strictly after `after` at which the scheduled action runs, or `nil` when it has run
    /// its last time.
    ///
    /// - `at` runs once, at its time; StartTime and EndTime, which belong to recurring schedules, are ignored.
    /// - `rate` runs every interval counted from `start`, and at `start` itself; without a StartTime the count
    ///   starts at `createdAt` and the first run is one interval later.
    /// - `cron` runs at `start` when there is one, then whenever the wall clock in ``timeZone`` matches.
    ///
    /// The guide, on recurring schedules: "If you specify a start time, Application Auto Scaling performs the
    /// action at this time, and then performs the action based on the specified recurrence. If you specify an
    /// end time, the action stops repeating after this time." A run exactly at `end` still happens.
    public func nextFire(after: Date, start: Date?, end: Date?, createdAt: Date) -> Date? {
        let next: Date?
        switch form {
        case .at(let time):
            return time > after ? time : nil
        case .rate(let value, let unit):
            next = Self.nextRate(
                after: after, every: Double(value * unit.seconds), anchor: start ?? createdAt,
                includeAnchor: start != nil)
        case .cron(let cron):
            if let start, start > after {
                next = start
            } else {
                next = cron.next(after: after, in: timeZone)
            }
        }
        guard let next, end.map({ next <= $0 }) ?? true else { return nil }
        return next
    }

    /// Whether every character of `text` is an ASCII digit (and there is at least one).
    static func isDigits(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.allSatisfy { ("0"..."9").contains($0) }
    }

    private static let utc = TimeZone(secondsFromGMT: 0) ?? .current

    private static func nextRate(after: Date, every interval: Double, anchor: Date, includeAnchor: Bool) -> Date {
        let first = includeAnchor ? 0.0 : 1.0
        var count = first
        if after >= anchor {
            count = Swift.max(first, (after.timeIntervalSince(anchor) / interval).rounded(.down) + 1)
        }
        var next = anchor.addingTimeInterval(count * interval)
        if next <= after { next = next.addingTimeInterval(interval) }
        return next
    }

    private static func parseAt(_ body: String, expression: String, timeZone: TimeZone) throws(ScalingRuleError)
        -> Date
    {
        let problem = ScalingRuleError(
            "Invalid schedule at DateTime expression: \(expression): write at(yyyy-mm-ddThh:mm:ss), a valid date "
                + "and time with no offset (the time zone goes in Timezone).")
        let characters = Array(body)
        let shape = "dddd-dd-ddTdd:dd:dd"
        guard characters.count == shape.count else { throw problem }
        for (character, expected) in zip(characters, shape) {
            guard expected == "d" ? isDigits(String(character)) : character == expected else { throw problem }
        }
        let numbers = body.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard numbers.count == 6 else { throw problem }
        let components = DateComponents(
            year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3], minute: numbers[4],
            second: numbers[5])
        // Checked on a calendar without daylight saving time, so that only impossible dates are refused
        // and a time skipped by a transition in `timeZone` still fires (when the clock would have shown it).
        var plain = Calendar(identifier: .gregorian)
        plain.timeZone = utc
        guard let check = plain.date(from: components),
            plain.dateComponents([.year, .month, .day, .hour, .minute, .second], from: check) == components
        else { throw problem }
        var calendar = plain
        calendar.timeZone = timeZone
        guard let time = calendar.date(from: components) else { throw problem }
        return time
    }

    private static func parseRate(_ body: String, expression: String) throws(ScalingRuleError) -> (Int, RateUnit) {
        let words = body.split(whereSeparator: \.isWhitespace)
        let units = ["minute", "minutes", "hour", "hours", "day", "days"]
        guard words.count == 2, isDigits(words[0]), units.contains(String(words[1])) else {
            throw ScalingRuleError(
                "Invalid schedule expression: \(expression): write rate(value unit), a positive integer value and "
                    + "a unit of minute, minutes, hour, hours, day or days.")
        }
        let word = String(words[1])
        let unit = RateUnit(rawValue: word.hasSuffix("s") ? String(word.dropLast()) : word) ?? .minute
        guard let value = Int(words[0]), value <= Int(Int32.max) / unit.seconds else {
            throw ScalingRuleError("Invalid schedule expression: \(expression): the interval is too long.")
        }
        guard value >= 1 else {
            throw ScalingRuleError(
                "Invalid schedule frequency: \(expression): runs would be less than 60 seconds apart; the value "
                    + "must be a positive integer.")
        }
        guard (value == 1) == !word.hasSuffix("s") else {
            throw ScalingRuleError(
                "Invalid schedule expression: \(expression): use the singular unit (minute, hour, day) with a "
                    + "value of 1 and the plural (minutes, hours, days) with any other value.")
        }
        return (value, unit)
    }

    private static func invalid(_ expression: String) -> ScalingRuleError {
        ScalingRuleError(
            "Invalid schedule expression: '\(expression)': write at(yyyy-mm-ddThh:mm:ss), rate(value unit) or "
                + "cron(Minutes Hours Day-of-month Month Day-of-week Year).")
    }
}
