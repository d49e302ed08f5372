import Foundation

/// The fields of a `cron(...)` schedule expression, parsed, and the times they select.
///
/// Application Auto Scaling User Guide, "Schedule recurring scaling actions using cron expressions": "The
/// supported cron expression format consists of six fields separated by white spaces: [Minutes] [Hours]
/// [Day_of_Month] [Month] [Day_of_Week] [Year]", and "You can also create a cron expression with a string
/// value that contains seven fields. In this case, you can use the first three fields to specify the time
/// ... including the seconds." Field syntax follows the CloudWatch Events cron reference the guide links:
///
/// | field        | values              | wildcards          |
/// | ------------ | ------------------- | ------------------ |
/// | Minutes      | 0-59                | `, - * /`          |
/// | Hours        | 0-23                | `, - * /`          |
/// | Day-of-month | 1-31                | `, - * ? / L W`    |
/// | Month        | 1-12 or JAN-DEC     | `, - * /`          |
/// | Day-of-week  | 1-7 or SUN-SAT      | `, - * ? L #`      |
/// | Year         | 1970-2199           | `, - * /`          |
///
/// Exactly one of Day-of-month and Day-of-week is `?`: "You can't use * in both the Day-of-month and
/// Day-of-week fields. If you use it in one, you must use ? in the other."
public struct CronExpression: Sendable, Hashable {
    /// The seconds of the minute that match: `[0]` unless the seven-field form gave a Seconds field.
    public let seconds: [Int]
    /// The minutes of the hour that match, sorted.
    public let minutes: [Int]
    /// The hours of the day that match, sorted.
    public let hours: [Int]
    /// What the Day-of-month field selects.
    public let dayOfMonth: DayOfMonth
    /// The months (1-12) that match, sorted.
    public let months: [Int]
    /// What the Day-of-week field selects.
    public let dayOfWeek: DayOfWeek
    /// The years that match, sorted.
    public let years: [Int]

    /// Parses the fields between `cron(` and `)`: six fields, or seven with Seconds first.
    public init(parsing fields: String) throws(ScalingRuleError) {
        let expression = "cron(\(fields))"
        let parts = fields.split(whereSeparator: \.isWhitespace).map(String.init)
        guard parts.count == 6 || parts.count == 7 else {
            throw Self.problem(
                "it has \(parts.count) field\(parts.count == 1 ? "" : "s"); write six fields, "
                    + "Minutes Hours Day-of-month Month Day-of-week Year (or seven, with Seconds first)",
                in: expression)
        }
        let time = parts.count == 7 ? parts : ["0"] + parts
        let plainFields = [Field.seconds, .minutes, .hours, .month, .year]
        for (field, text) in zip(plainFields, [time[0], time[1], time[2], time[4], time[6]]) {
            let special = field.names.isEmpty && (text.uppercased().contains("L") || text.uppercased().contains("W"))
            if text.contains("?") || text.contains("#") || special {
                throw Self.problem(
                    "'\(text)' in the \(field.name) field: ?, L, W and # belong in Day-of-month and Day-of-week",
                    in: expression)
            }
        }
        seconds = try Field.seconds.values(time[0], in: expression)
        minutes = try Field.minutes.values(time[1], in: expression)
        hours = try Field.hours.values(time[2], in: expression)
        dayOfMonth = try Self.parseDayOfMonth(time[3], in: expression)
        months = try Field.month.values(time[4], in: expression)
        dayOfWeek = try Self.parseDayOfWeek(time[5], in: expression)
        years = try Field.year.values(time[6], in: expression)
        switch (dayOfMonth, dayOfWeek) {
        case (.any, .any):
            throw Self.problem(
                "Day-of-month and Day-of-week are both '?'; specify one of them and put ? in the other",
                in: expression)
        case (.any, _), (_, .any):
            break
        default:
            throw Self.problem(
                "it specifies both Day-of-month and Day-of-week; put ? in one of them (for example "
                    + "cron(0 10 * * ? *) every day, or cron(0 18 ? * MON-FRI *) on weekdays)",
                in: expression)
        }
    }

    /// The first time strictly after `date` whose wall-clock reading in `timeZone` matches, or `nil` when
    /// none does up to the end of the Year field's range.
    ///
    /// Daylight saving time follows Foundation's `Calendar`: a wall-clock time skipped by a spring-forward
    /// transition fires when the clock would have shown it (02:30 becomes 03:30 the new offset), and a time
    /// that occurs twice on a fall-back day fires once, at its first occurrence.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let from = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard let year = from.year, let month = from.month, let day = from.day, let hour = from.hour,
            let minute = from.minute, let second = from.second
        else { return nil }
        // A time skipped by a spring-forward transition resolves to a later instant than some matches that
        // follow it on the wall clock, so it is held back until the next time that exists is found.
        var skipped: Date?
        for y in years where y >= year {
            for mo in months where y > year || mo >= month {
                let sameMonth = y == year && mo == month
                for d in days(year: y, month: mo, calendar: calendar) where !sameMonth || d >= day {
                    let sameDay = sameMonth && d == day
                    for h in hours where !sameDay || h >= hour {
                        let sameHour = sameDay && h == hour
                        for mi in minutes where !sameHour || mi >= minute {
                            let sameMinute = sameHour && mi == minute
                            for s in seconds where !sameMinute || s > second {
                                let wall = WallClockTime(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
                                guard let resolved = calendar.date(from: wall.components), resolved > date else {
                                    continue
                                }
                                let earliest = skipped.map { Swift.min($0, resolved) } ?? resolved
                                if wall.exists(at: resolved, in: calendar) { return earliest }
                                skipped = earliest
                            }
                        }
                    }
                }
            }
        }
        return skipped
    }

    /// The days of `month` in `year` that Day-of-month and Day-of-week select.
    func days(year: Int, month: Int, calendar: Calendar) -> [Int] {
        guard let first = calendar.date(from: DateComponents(year: year, month: month, day: 1, hour: 12)),
            let length = calendar.range(of: .day, in: .month, for: first)?.count
        else { return [] }
        let firstWeekday = calendar.component(.weekday, from: first)
        let weekday = { (day: Int) in (firstWeekday - 1 + day - 1) % 7 + 1 }
        return (1...length).filter { day in
            dayOfMonth.matches(day: day, length: length, weekday: weekday)
                && dayOfWeek.matches(day: day, length: length, weekday: weekday)
        }
    }

    /// An error naming the expression, in Application Auto Scaling's words for a bad cron expression.
    static func problem(_ detail: String, in expression: String) -> ScalingRuleError {
        ScalingRuleError("Invalid CRON expression: \(expression): \(detail).")
    }
}

extension CronExpression {
    /// A reading of a wall clock in some time zone.
    struct WallClockTime {
        let year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

        var components: DateComponents {
            DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        }

        /// Whether the clock actually showed this reading at `resolved`, rather than `resolved` standing in for a
        /// reading a daylight saving transition skipped.
        func exists(at resolved: Date, in calendar: Calendar) -> Bool {
            let shown = calendar.dateComponents([.day, .hour, .minute, .second], from: resolved)
            return shown.day == day && shown.hour == hour && shown.minute == minute && shown.second == second
        }
    }
}
