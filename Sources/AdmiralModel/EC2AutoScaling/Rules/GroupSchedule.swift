import Foundation

/// A scheduled action of a group as stored, with when it last fired.
public struct GroupScheduledActionRecord: Codable, Sendable, Hashable {
    public var action: EC2AutoScaling.ScheduledUpdateGroupAction
    public var createdAt: Date
    public var lastFired: Date?

    /// Creates a record.
    public init(action: EC2AutoScaling.ScheduledUpdateGroupAction, createdAt: Date, lastFired: Date? = nil) {
        self.action = action
        self.createdAt = createdAt
        self.lastFired = lastFired
    }
}

/// When EC2 Auto Scaling's scheduled actions run: once at `Time` (or `StartTime`), or on a
/// Unix cron `Recurrence` (`minute hour day-of-month month day-of-week`, in `TimeZone`,
/// UTC by default) between `StartTime` and `EndTime`. The recurrence is read by the same
/// cron rules as Application Auto Scaling's schedules.
public enum GroupSchedule {
    /// The schedule expression of an action, or a ValidationError.
    public static func expression(for action: EC2AutoScaling.ScheduledUpdateGroupAction) throws(AdmiralError)
        -> ScheduleExpression
    {
        do {
            if let recurrence = action.recurrence {
                return try ScheduleExpression(parsing: "cron(\(try awsCron(recurrence)))", timeZone: action.timeZone)
            }
            guard let time = action.time ?? action.startTime else {
                throw AdmiralError.validation("Either Time, StartTime or Recurrence must be specified.")
            }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
            return try ScheduleExpression(parsing: "at(\(formatter.string(from: time)))", timeZone: nil)
        } catch let error as AdmiralError {
            throw error
        } catch let error as ScalingRuleError {
            throw .validation("Given recurrence string \(action.recurrence ?? "") is invalid: \(error.message)")
        } catch {
            throw .validation("Given recurrence string \(action.recurrence ?? "") is invalid.")
        }
    }

    /// A Unix cron (5 fields) as an AWS cron body (6 fields: one of day-of-month and
    /// day-of-week is `?`, days of the week counted from 1 = Sunday, a year field).
    public static func awsCron(_ unix: String) throws(AdmiralError) -> String {
        let fields = unix.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5 else {
            throw .validation(
                "Given recurrence string \(unix) is invalid: it needs 5 fields (minute hour day month weekday).")
        }
        var dayOfMonth = fields[2]
        var dayOfWeek = fields[4]
        if dayOfWeek == "*" {
            dayOfWeek = "?"
        } else if dayOfMonth == "*" {
            dayOfMonth = "?"
            dayOfWeek = String(
                dayOfWeek.map { character -> String in
                    guard let digit = character.wholeNumberValue else { return String(character) }
                    return String(digit % 7 + 1)
                }.joined())
        } else {
            throw .validation(
                "Given recurrence string \(unix) is invalid: Admiral reads a day of the month or a day of the week, "
                    + "not both.")
        }
        return [fields[0], fields[1], dayOfMonth, fields[3], dayOfWeek, "*"].joined(separator: " ")
    }
}
