import AdmiralModel
import Foundation
import Testing

@Suite("Cron expressions: AWS's six-field syntax with ?, L, W and #, and the times they select")
struct CronExpressionTests {
    private let instant = ScalingFixture.instant
    private let utc = TimeZone(secondsFromGMT: 0) ?? .current

    private func next(_ fields: String, after: String, in zone: String? = nil) throws -> Date? {
        let cron = try CronExpression(parsing: fields)
        let timeZone = try zone.map { try #require(TimeZone(identifier: $0)) } ?? utc
        return cron.next(after: instant(after), in: timeZone)
    }

    private func refusal(_ fields: String) -> String? {
        ScalingFixture.message { _ = try CronExpression(parsing: fields) }
    }

    @Test("the user guide's examples select the times its table says")
    func guideExamples() throws {
        // Run at 10:00 am (UTC) every day.
        #expect(try next("0 10 * * ? *", after: "2030-01-01T10:00:00Z") == instant("2030-01-02T10:00:00Z"))
        // Run at 12:15 pm (UTC) every day.
        #expect(try next("15 12 * * ? *", after: "2030-01-01T12:14:59Z") == instant("2030-01-01T12:15:00Z"))
        // Run at 6:00 pm (UTC) every Monday through Friday: from Friday evening to Monday.
        #expect(try next("0 18 ? * MON-FRI *", after: "2030-01-04T18:00:00Z") == instant("2030-01-07T18:00:00Z"))
        // Run at 8:00 am (UTC) the 1st day of every month.
        #expect(try next("0 8 1 * ? *", after: "2030-01-01T08:00:00Z") == instant("2030-02-01T08:00:00Z"))
        // Run every 15 minutes.
        #expect(try next("0/15 * * * ? *", after: "2030-01-01T10:07:00Z") == instant("2030-01-01T10:15:00Z"))
        #expect(try next("0/15 * * * ? *", after: "2030-01-01T10:45:00Z") == instant("2030-01-01T11:00:00Z"))
        // Run every 10 minutes Monday through Friday: from Saturday to Monday midnight.
        #expect(try next("0/10 * ? * MON-FRI *", after: "2030-01-05T12:00:00Z") == instant("2030-01-07T00:00:00Z"))
        // Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC).
        #expect(try next("0/5 8-17 ? * MON-FRI *", after: "2030-01-07T17:50:00Z") == instant("2030-01-07T17:55:00Z"))
        #expect(try next("0/5 8-17 ? * MON-FRI *", after: "2030-01-07T17:55:00Z") == instant("2030-01-08T08:00:00Z"))
    }

    @Test("lists, ranges and increments select the values they name")
    func valueSyntax() throws {
        let cron = try CronExpression(parsing: "5,10-12,50/5 */6 1-31/10 JAN,jun-AUG/2 ? 2030-2032")
        #expect(cron.minutes == [5, 10, 11, 12, 50, 55])
        #expect(cron.hours == [0, 6, 12, 18])
        #expect(cron.dayOfMonth == .days([1, 11, 21, 31]))
        #expect(cron.months == [1, 6, 8])
        #expect(cron.dayOfWeek == .any)
        #expect(cron.years == [2030, 2031, 2032])
        #expect(cron.seconds == [0])
        let weekdays = try CronExpression(parsing: "0 0 ? * sun,TUE,7 *")
        #expect(weekdays.dayOfWeek == .days([1, 3, 7]))
    }

    @Test("a seven-field expression puts Seconds first")
    func sevenFields() throws {
        let cron = try CronExpression(parsing: "30 0 10 * * ? *")
        #expect(cron.seconds == [30])
        #expect(try next("30 0 10 * * ? *", after: "2030-01-01T10:00:00Z") == instant("2030-01-01T10:00:30Z"))
        #expect(try next("0/20 * * * * ? *", after: "2030-01-01T10:00:40Z") == instant("2030-01-01T10:01:00Z"))
    }

    @Test("a day of the month that a month lacks is skipped")
    func missingDay() throws {
        #expect(try next("0 0 31 * ? *", after: "2030-01-31T00:00:00Z") == instant("2030-03-31T00:00:00Z"))
        #expect(try next("0 0 29 2 ? *", after: "2030-01-01T00:00:00Z") == instant("2032-02-29T00:00:00Z"))
    }

    @Test("L in Day-of-month is the month's last day, and L-n n days before it")
    func lastDayOfMonth() throws {
        #expect(try CronExpression(parsing: "0 0 L * ? *").dayOfMonth == .last(offset: 0))
        #expect(try next("0 0 L * ? *", after: "2030-02-01T00:00:00Z") == instant("2030-02-28T00:00:00Z"))
        #expect(try next("0 0 L 2 ? *", after: "2031-03-01T00:00:00Z") == instant("2032-02-29T00:00:00Z"))
        #expect(try next("0 0 L-2 * ? *", after: "2030-02-01T00:00:00Z") == instant("2030-02-26T00:00:00Z"))
    }

    @Test("LW is the month's last weekday")
    func lastWeekday() throws {
        // March 2030 ends on a Sunday, August 2030 on a Saturday, May 2030 on a Friday.
        #expect(try next("0 0 LW * ? *", after: "2030-03-01T00:00:00Z") == instant("2030-03-29T00:00:00Z"))
        #expect(try next("0 0 LW * ? *", after: "2030-08-01T00:00:00Z") == instant("2030-08-30T00:00:00Z"))
        #expect(try next("0 0 LW * ? *", after: "2030-05-01T00:00:00Z") == instant("2030-05-31T00:00:00Z"))
    }

    @Test("nW is the weekday nearest day n, without leaving the month")
    func nearestWeekday() throws {
        // 15 June 2030 is a Saturday: Friday the 14th.
        #expect(try next("0 0 15W * ? *", after: "2030-06-01T00:00:00Z") == instant("2030-06-14T00:00:00Z"))
        // 1 June 2030 is a Saturday: not Friday 31 May but Monday the 3rd.
        #expect(try next("0 0 1W * ? *", after: "2030-05-31T12:00:00Z") == instant("2030-06-03T00:00:00Z"))
        // 1 September 2030 is a Sunday: Monday the 2nd.
        #expect(try next("0 0 1W * ? *", after: "2030-08-31T00:00:00Z") == instant("2030-09-02T00:00:00Z"))
        // 31 March 2030 is a Sunday: not Monday 1 April but Friday the 29th.
        #expect(try next("0 0 31W * ? *", after: "2030-03-01T00:00:00Z") == instant("2030-03-29T00:00:00Z"))
        // 16 January 2030 is a Wednesday: the day itself.
        #expect(try next("0 0 16W * ? *", after: "2030-01-01T00:00:00Z") == instant("2030-01-16T00:00:00Z"))
        #expect(try CronExpression(parsing: "0 0 3W * ? *").dayOfMonth == .nearestWeekday(3))
    }

    @Test("L in Day-of-week alone is Saturday, and dL the month's last such day")
    func lastDayOfWeek() throws {
        #expect(try CronExpression(parsing: "0 0 ? * L *").dayOfWeek == .days([7]))
        #expect(try next("0 0 ? * L *", after: "2030-01-01T00:00:00Z") == instant("2030-01-05T00:00:00Z"))
        // The last Friday of January 2030 is the 25th.
        #expect(try next("0 0 ? * 6L *", after: "2030-01-01T00:00:00Z") == instant("2030-01-25T00:00:00Z"))
        #expect(try next("0 0 ? * FRIL *", after: "2030-01-25T00:00:00Z") == instant("2030-02-22T00:00:00Z"))
    }

    @Test("d#n is the n-th such day of the month, and months without one are skipped")
    func nthDayOfWeek() throws {
        // January 2030 starts on a Tuesday: the second Tuesday is the 8th.
        #expect(try next("0 0 ? * 3#2 *", after: "2030-01-01T00:00:00Z") == instant("2030-01-08T00:00:00Z"))
        // 2030's months with five Mondays are April, July, September and December.
        #expect(try next("0 0 ? * MON#5 *", after: "2030-01-01T00:00:00Z") == instant("2030-04-29T00:00:00Z"))
        #expect(try next("0 0 ? * MON#5 *", after: "2030-04-29T00:00:00Z") == instant("2030-07-29T00:00:00Z"))
        #expect(try CronExpression(parsing: "0 0 ? * 2#5 *").dayOfWeek == .nth(weekday: 2, n: 5))
    }

    @Test("the Year field limits the schedule, which ends after its last year")
    func years() throws {
        #expect(try next("0 0 1 1 ? 2031", after: "2030-06-01T00:00:00Z") == instant("2031-01-01T00:00:00Z"))
        #expect(try next("0 0 1 1 ? 2031", after: "2031-01-01T00:00:00Z") == nil)
        #expect(try next("0 0 30 2 ? *", after: "2030-01-01T00:00:00Z") == nil)
    }

    @Test("Day-of-month and Day-of-week cannot both be specified, nor both be ?")
    func dayFieldsExclusive() {
        // The guide's own prose example "30 6 * * 2 *" specifies both and is refused, as AWS refuses it.
        for fields in ["30 6 * * 2 *", "0 10 * * * *", "0 0 1 * MON *"] {
            #expect(refusal(fields)?.contains("specifies both Day-of-month and Day-of-week") == true, "\(fields)")
        }
        #expect(refusal("0 10 ? * ? *")?.contains("both '?'") == true)
        #expect(refusal("0 10 ? * ? *")?.hasPrefix("Invalid CRON expression: cron(0 10 ? * ? *): ") == true)
    }

    @Test("an expression with other than six or seven fields is refused")
    func fieldCount() {
        #expect(refusal("0 10 * * ?")?.contains("it has 5 fields") == true)
        #expect(refusal("0 0 10 * * ? * 1")?.contains("it has 8 fields") == true)
        #expect(refusal("")?.contains("it has 0 fields") == true)
    }

    @Test("values outside a field's range are refused with the range")
    func outOfRange() {
        let cases = [
            ("60 * * * ? *", "60 is outside the Minutes field's range 0-59"),
            ("0 24 * * ? *", "24 is outside the Hours field's range 0-23"),
            ("0 0 32 * ? *", "32 is outside the Day-of-month field's range 1-31"),
            ("0 0 0 * ? *", "0 is outside the Day-of-month field's range 1-31"),
            ("0 0 ? 13 * *", "13 is outside the Month field's range 1-12"),
            ("0 0 ? * 8 *", "8 is outside the Day-of-week field's range 1-7"),
            ("0 0 ? * 0 *", "0 is outside the Day-of-week field's range 1-7"),
            ("0 0 1 * ? 1969", "1969 is outside the Year field's range 1970-2199"),
            ("0 0 1 * ? 2200", "2200 is outside the Year field's range 1970-2199"),
            ("60 0 0 1 * ? *", "60 is outside the Seconds field's range 0-59"),
        ]
        for (fields, detail) in cases {
            #expect(refusal(fields)?.contains(detail) == true, "\(fields)")
        }
    }

    @Test("malformed values, ranges, increments and lists are refused")
    func malformed() {
        let cases = [
            ("0/0 * * * ? *", "the increment '/0' in the Minutes field must be from 1 to 60"),
            ("0/61 * * * ? *", "the increment '/61' in the Minutes field must be from 1 to 60"),
            ("0 10-5 * * ? *", "the range '10-5' in the Hours field runs backwards"),
            ("0,,5 * * * ? *", "the Minutes field has an empty list item"),
            ("a * * * ? *", "'a' is not a value of the Minutes field"),
            ("0 0 ? FOO * *", "'FOO' is not a value of the Month field (use 1-12 or JAN-DEC)"),
            ("0 0 ? * FUN *", "'FUN' is not a value of the Day-of-week field (use 1-7 or SUN-SAT)"),
            ("0 0/2/3 * * ? *", "'0/2/3' has more than one '/'"),
            ("-5 * * * ? *", "'' is not a value of the Minutes field"),
        ]
        for (fields, detail) in cases {
            #expect(refusal(fields)?.contains(detail) == true, "\(fields): \(refusal(fields) ?? "accepted")")
        }
    }

    @Test("?, L, W and # are refused outside the day fields and where they do not belong")
    func wildcardsInWrongFields() {
        let cases = [
            ("0 ? * * ? *", "'?' in the Hours field"),
            ("L * * * ? *", "'L' in the Minutes field"),
            ("0 0 1 * ? 2030W", "'2030W' in the Year field"),
            ("0 0 1#2 * ? *", "'#' belongs in Day-of-week"),
            ("0 0 ? * 5W *", "'W' belongs in Day-of-month"),
            ("0 0 1,L * ? *", "uses L or W with other values"),
            ("0 0 ? * 2#1,3 *", "lists L or # with other values"),
            ("0 0 ? * 2#6 *", "needs a week from 1 to 5 after '#'"),
            ("0 0 L-31 * ? *", "needs a number of days from 0 to 30 after 'L-'"),
            ("0 0 32W * ? *", "32 is outside the Day-of-month field's range 1-31"),
        ]
        for (fields, detail) in cases {
            #expect(refusal(fields)?.contains(detail) == true, "\(fields): \(refusal(fields) ?? "accepted")")
        }
        #expect(refusal("0 0 ? JUL MON *") == nil)
    }

    @Test("a time that spring-forward skips fires when the clock would have shown it")
    func springForward() throws {
        // New York moves from 02:00 EST to 03:00 EDT on 10 March 2030.
        let fire = try next("30 2 * * ? *", after: "2030-03-09T08:00:00Z", in: "America/New_York")
        #expect(fire == instant("2030-03-10T07:30:00Z"))
        let after = try next("30 2 * * ? *", after: "2030-03-10T07:30:00Z", in: "America/New_York")
        #expect(after == instant("2030-03-11T06:30:00Z"))
    }

    @Test("a time that fall-back repeats fires once, at its first occurrence")
    func fallBack() throws {
        // New York moves from 02:00 EDT back to 01:00 EST on 3 November 2030.
        let first = try next("30 1 * * ? *", after: "2030-11-03T04:00:00Z", in: "America/New_York")
        #expect(first == instant("2030-11-03T05:30:00Z"))
        let next = try next("30 1 * * ? *", after: "2030-11-03T05:30:00Z", in: "America/New_York")
        #expect(next == instant("2030-11-04T06:30:00Z"))
        // Every 15 minutes across the repeated hour keeps moving forward.
        let inRepeat = try self.next("0/15 * * * ? *", after: "2030-11-03T06:10:00Z", in: "America/New_York")
        #expect(inRepeat == instant("2030-11-03T07:00:00Z"))
    }

    @Test("a skipped time is not fired before a real time that comes earlier")
    func skippedTimeOrder() throws {
        // Lord Howe Island moves from 02:00 to 02:30 on 6 October 2030: 02:15 does not exist, 02:30 does.
        let fire = try next("15,30 2 * * ? *", after: "2030-10-05T15:00:00Z", in: "Australia/Lord_Howe")
        #expect(fire == instant("2030-10-05T15:30:00Z"))
    }
}
