import AdmiralModel
import Foundation
import Testing

@Suite("Scheduled actions' at, rate and cron schedules, their time zones and when they fire")
struct ScheduleExpressionTests {
    private let instant = ScalingFixture.instant
    private let far = ScalingFixture.instant("2000-01-01T00:00:00Z")

    @Test("an at expression is read in UTC when no time zone is given")
    func atInUTC() throws {
        let schedule = try ScheduleExpression(parsing: "at(2030-01-15T10:30:00)", timeZone: nil)
        #expect(schedule.form == .at(instant("2030-01-15T10:30:00Z")))
        #expect(schedule.timeZone.secondsFromGMT() == 0)
        #expect(schedule.expression == "at(2030-01-15T10:30:00)")
    }

    @Test("an at expression is read on the wall clock of its time zone, summer time included")
    func atInTimeZone() throws {
        let winter = try ScheduleExpression(parsing: "at(2030-01-15T10:30:00)", timeZone: "America/New_York")
        #expect(winter.form == .at(instant("2030-01-15T15:30:00Z")))
        let summer = try ScheduleExpression(parsing: "at(2030-07-15T10:30:00)", timeZone: "America/New_York")
        #expect(summer.form == .at(instant("2030-07-15T14:30:00Z")))
        let tahiti = try ScheduleExpression(parsing: "at(2030-07-15T10:30:00)", timeZone: "Pacific/Tahiti")
        #expect(tahiti.form == .at(instant("2030-07-15T20:30:00Z")))
    }

    @Test("an at expression fires once, at its time, whatever the start and end")
    func atFiresOnce() throws {
        let schedule = try ScheduleExpression(parsing: "at(2030-01-15T10:30:00)", timeZone: nil)
        let time = instant("2030-01-15T10:30:00Z")
        let created = instant("2030-01-01T00:00:00Z")
        #expect(schedule.nextFire(after: created, start: nil, end: nil, createdAt: created) == time)
        #expect(schedule.nextFire(after: time.addingTimeInterval(-1), start: nil, end: nil, createdAt: created) == time)
        #expect(schedule.nextFire(after: time, start: nil, end: nil, createdAt: created) == nil)
        #expect(schedule.nextFire(after: time.addingTimeInterval(60), start: nil, end: nil, createdAt: created) == nil)
        let end = instant("2030-01-02T00:00:00Z")
        #expect(schedule.nextFire(after: created, start: end, end: end, createdAt: created) == time)
    }

    @Test("an at expression that is not yyyy-mm-ddThh:mm:ss, or not a real date and time, is refused")
    func atMalformed() {
        let bodies = [
            "2030-01-15T10:30", "2030-01-15", "2030-01-15T10:30:00Z", "2030-01-15 10:30:00", "2030-02-30T10:00:00",
            "2030-13-01T00:00:00", "2030-01-15T24:00:00", "2030-01-15T10:60:00", "2030-1-15T10:30:00",
            "2030-01-15T10:30:00.000", "", "２０３０-01-15T10:30:00",
        ]
        for body in bodies {
            let message = ScalingFixture.message { _ = try ScheduleExpression(parsing: "at(\(body))", timeZone: nil) }
            #expect(message?.hasPrefix("Invalid schedule at DateTime expression: at(\(body))") == true, "\(body)")
        }
    }

    @Test("an at time that spring-forward skips is accepted and fires when the clock would have shown it")
    func atInDSTGap() throws {
        let schedule = try ScheduleExpression(parsing: "at(2030-03-10T02:30:00)", timeZone: "America/New_York")
        #expect(schedule.form == .at(instant("2030-03-10T07:30:00Z")))
    }

    @Test("a leap day is a date an at expression may name")
    func atLeapDay() throws {
        let schedule = try ScheduleExpression(parsing: "at(2032-02-29T00:00:00)", timeZone: nil)
        #expect(schedule.form == .at(instant("2032-02-29T00:00:00Z")))
    }

    @Test("a rate takes a positive integer and minute(s), hour(s) or day(s)")
    func rateUnits() throws {
        let cases: [(String, Int, ScheduleExpression.RateUnit)] = [
            ("rate(1 minute)", 1, .minute), ("rate(5 minutes)", 5, .minute), ("rate(1 hour)", 1, .hour),
            ("rate(2 hours)", 2, .hour), ("rate(1 day)", 1, .day), ("rate(7 days)", 7, .day),
            ("rate( 10   minutes )", 10, .minute),
        ]
        for (text, value, unit) in cases {
            #expect(try ScheduleExpression(parsing: text, timeZone: nil).form == .rate(value: value, unit: unit))
        }
        #expect(ScheduleExpression.RateUnit.day.seconds == 86_400)
    }

    @Test("a rate takes the singular unit with 1 and the plural with any other value")
    func rateSingularPlural() {
        for text in ["rate(5 minute)", "rate(1 minutes)", "rate(2 hour)", "rate(1 days)"] {
            let message = ScalingFixture.message { _ = try ScheduleExpression(parsing: text, timeZone: nil) }
            #expect(message?.contains("use the singular unit (minute, hour, day) with a value of 1") == true, "\(text)")
        }
    }

    @Test("a rate of zero is an invalid schedule frequency")
    func rateZero() {
        let message = ScalingFixture.message { _ = try ScheduleExpression(parsing: "rate(0 minutes)", timeZone: nil) }
        #expect(message?.hasPrefix("Invalid schedule frequency: rate(0 minutes)") == true)
    }

    @Test("a rate with another unit, no value, a sign, a fraction or capitals is an invalid schedule expression")
    func rateMalformed() {
        let texts = [
            "rate(5 seconds)", "rate(1 week)", "rate(minutes)", "rate(-5 minutes)", "rate(+5 minutes)", "rate(5)",
            "rate(5 Minutes)", "rate(1.5 hours)", "rate()", "rate(5minutes)", "rate(99999999999999999999 days)",
            "rate(100000 days)",
        ]
        for text in texts {
            let message = ScalingFixture.message { _ = try ScheduleExpression(parsing: text, timeZone: nil) }
            #expect(message?.hasPrefix("Invalid schedule expression: \(text)") == true, "\(text)")
        }
    }

    @Test("anything but at(...), rate(...) or cron(...) is an invalid schedule expression")
    func notAnExpression() {
        for text in [
            "0 10 * * ? *", "cron 0 10 * * ? *", "AT(2030-01-15T10:30:00)", "every(5 minutes)", "", "cron(", "(x)",
        ] {
            let message = ScalingFixture.message { _ = try ScheduleExpression(parsing: text, timeZone: nil) }
            #expect(message?.hasPrefix("Invalid schedule expression: '\(text)'") == true, "\(text)")
        }
    }

    @Test("a cron expression parses into its fields")
    func cronForm() throws {
        let schedule = try ScheduleExpression(parsing: "cron(0 18 ? * MON-FRI *)", timeZone: "Europe/London")
        let cron = try CronExpression(parsing: "0 18 ? * MON-FRI *")
        #expect(schedule.form == .cron(cron))
        #expect(schedule.timeZone.identifier == "Europe/London")
    }

    @Test("time zones are IANA names: canonical zones and Etc/GMT offsets are accepted, others refused")
    func timeZones() throws {
        #expect(try ScheduleExpression.timeZone(named: nil).secondsFromGMT() == 0)
        #expect(try ScheduleExpression.timeZone(named: "Pacific/Tahiti").identifier == "Pacific/Tahiti")
        #expect(try ScheduleExpression.timeZone(named: "Etc/GMT+9").secondsFromGMT() == -9 * 3600)
        #expect(try ScheduleExpression.timeZone(named: "UTC").secondsFromGMT() == 0)
        for name in ["Mars/Olympus_Mons", "GMT+9", "UTC-05:00", "", "utc", "America/NewYork"] {
            let message = ScalingFixture.message { _ = try ScheduleExpression.timeZone(named: name) }
            #expect(message?.hasPrefix("Invalid Timezone '\(name)'") == true, "\(name)")
        }
        let message = ScalingFixture.message {
            _ = try ScheduleExpression(parsing: "rate(5 minutes)", timeZone: "Nowhere/Land")
        }
        #expect(message?.hasPrefix("Invalid Timezone 'Nowhere/Land'") == true)
    }

    @Test("StartTime must be before EndTime")
    func window() {
        let start = instant("2030-01-01T00:00:00Z")
        #expect(ScalingFixture.message { try ScheduleExpression.validateWindow(start: start, end: nil) } == nil)
        #expect(ScalingFixture.message { try ScheduleExpression.validateWindow(start: nil, end: start) } == nil)
        #expect(
            ScalingFixture.message {
                try ScheduleExpression.validateWindow(start: start, end: start.addingTimeInterval(1))
            } == nil)
        for end in [start, start.addingTimeInterval(-60)] {
            #expect(
                ScalingFixture.message { try ScheduleExpression.validateWindow(start: start, end: end) }
                    == "StartTime must be before EndTime.")
        }
    }

    @Test("a rate with a StartTime fires at the start, then every interval counted from it, until the end")
    func rateFromStart() throws {
        let schedule = try ScheduleExpression(parsing: "rate(5 minutes)", timeZone: nil)
        let start = instant("2030-01-01T10:00:00Z")
        let created = instant("2029-12-31T09:03:17Z")
        func next(_ after: String, end: String? = nil) -> Date? {
            schedule.nextFire(after: instant(after), start: start, end: end.map(instant), createdAt: created)
        }
        #expect(next("2030-01-01T09:00:00Z") == start)
        #expect(next("2030-01-01T10:00:00Z") == instant("2030-01-01T10:05:00Z"))
        #expect(next("2030-01-01T10:07:00Z") == instant("2030-01-01T10:10:00Z"))
        #expect(next("2030-01-01T10:09:59Z") == instant("2030-01-01T10:10:00Z"))
        #expect(next("2030-01-01T10:07:00Z", end: "2030-01-01T10:10:00Z") == instant("2030-01-01T10:10:00Z"))
        #expect(next("2030-01-01T10:07:00Z", end: "2030-01-01T10:09:59Z") == nil)
        #expect(next("2030-01-01T09:00:00Z", end: "2030-01-01T09:30:00Z") == nil)
    }

    @Test("a rate without a StartTime counts from its creation and first fires one interval later")
    func rateFromCreation() throws {
        let schedule = try ScheduleExpression(parsing: "rate(1 hour)", timeZone: "Asia/Tokyo")
        let created = instant("2030-01-01T10:00:30Z")
        func next(_ after: Date) -> Date? { schedule.nextFire(after: after, start: nil, end: nil, createdAt: created) }
        #expect(next(created) == instant("2030-01-01T11:00:30Z"))
        #expect(next(instant("2030-01-01T09:00:00Z")) == instant("2030-01-01T11:00:30Z"))
        #expect(next(instant("2030-01-01T11:00:30Z")) == instant("2030-01-01T12:00:30Z"))
        #expect(next(instant("2030-01-03T05:20:00Z")) == instant("2030-01-03T06:00:30Z"))
    }

    @Test("a day-long rate is 24 hours even across a daylight saving change")
    func rateIgnoresDST() throws {
        let schedule = try ScheduleExpression(parsing: "rate(1 day)", timeZone: "America/New_York")
        let start = instant("2030-03-09T12:00:00Z")
        #expect(
            schedule.nextFire(after: start, start: start, end: nil, createdAt: start)
                == instant("2030-03-10T12:00:00Z"))
    }

    @Test("a cron schedule with a StartTime fires at the start, then when the clock matches, until the end")
    func cronFromStart() throws {
        let schedule = try ScheduleExpression(parsing: "cron(0 10 * * ? *)", timeZone: nil)
        let start = instant("2030-01-01T08:00:00Z")
        let created = instant("2029-12-01T00:00:00Z")
        #expect(schedule.nextFire(after: far, start: start, end: nil, createdAt: created) == start)
        #expect(
            schedule.nextFire(after: start, start: start, end: nil, createdAt: created)
                == instant("2030-01-01T10:00:00Z"))
        #expect(
            schedule.nextFire(after: start, start: start, end: instant("2030-01-01T09:59:59Z"), createdAt: created)
                == nil)
        #expect(
            schedule.nextFire(after: created, start: nil, end: nil, createdAt: created)
                == instant("2029-12-01T10:00:00Z"))
    }

    @Test("a cron run exactly at the EndTime still happens, and none after it")
    func cronEndInclusive() throws {
        let schedule = try ScheduleExpression(parsing: "cron(0 10 * * ? *)", timeZone: nil)
        let end = instant("2030-01-02T10:00:00Z")
        let after = instant("2030-01-01T10:00:00Z")
        #expect(schedule.nextFire(after: after, start: nil, end: end, createdAt: far) == end)
        #expect(schedule.nextFire(after: end, start: nil, end: end, createdAt: far) == nil)
    }

    @Test("a schedule error reads as a ValidationException")
    func errorDescription() {
        #expect(ScalingRuleError("x").description == "ValidationException: x")
    }

    @Test("a cron schedule is read on the wall clock of its time zone")
    func cronInTimeZone() throws {
        let schedule = try ScheduleExpression(parsing: "cron(0 9 ? * MON-FRI *)", timeZone: "America/New_York")
        // Friday 2030-01-04 10:00 in New York: the next weekday 09:00 is Monday's, 14:00 UTC.
        let friday = instant("2030-01-04T15:00:00Z")
        #expect(
            schedule.nextFire(after: friday, start: nil, end: nil, createdAt: far) == instant("2030-01-07T14:00:00Z"))
        // In July New York is on UTC-4.
        let july = instant("2030-07-01T00:00:00Z")
        #expect(schedule.nextFire(after: july, start: nil, end: nil, createdAt: far) == instant("2030-07-01T13:00:00Z"))
    }
}
