import AdmiralModel
import Foundation
import Testing

@Suite("Period rules: the periods CloudWatch accepts, start-time rounding and the 1,440 datapoint limit")
struct PeriodRulesTests {
    private static let hour: TimeInterval = 3600
    private static let day: TimeInterval = 86400
    private let now = Date(timeIntervalSince1970: 1_717_200_000)  // 2024-06-01T00:00:00Z

    @Test("1, 5, 10, 20, 30 and multiples of 60 are periods", arguments: [1, 5, 10, 20, 30, 60, 120, 300, 3600, 86400])
    func validPeriods(period: Int) {
        #expect(PeriodRules.invalidPeriodMessage(period) == nil)
        #expect(PeriodRules.violation(period: period, startTime: now.addingTimeInterval(-60), now: now) == nil)
    }

    @Test("other periods are refused with the list of those accepted", arguments: [2, 3, 15, 25, 45, 59, 61, 90, 3601])
    func invalidPeriods(period: Int) {
        #expect(
            PeriodRules.invalidPeriodMessage(period)
                == "The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60.")
    }

    @Test("a period below 1 fails AWS's model validation", arguments: [0, -60])
    func nonPositivePeriods(period: Int) {
        #expect(
            PeriodRules.invalidPeriodMessage(period)
                == "1 validation error detected: Value '\(period)' at 'period' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 1")
    }

    @Test(
        "the start's age sets the multiple the period must be: none to 3 hours, 60 beyond, 300 beyond 15 days, 3600 beyond 63 days",
        arguments: [
            (0, 1), (3 * hour, 1), (3 * hour + 1, 60), (15 * day, 60), (15 * day + 1, 300), (63 * day, 300),
            (63 * day + 1, 3600), (600 * day, 3600), (-hour, 1),
        ] as [(TimeInterval, Int)])
    func requiredMultiple(age: TimeInterval, multiple: Int) {
        #expect(PeriodRules.requiredMultiple(startTime: now.addingTimeInterval(-age), now: now) == multiple)
    }

    @Test("periods too fine for the start's age are violations at each boundary, and coarse enough ones are not")
    func ageViolations() {
        func violation(_ period: Int, age: TimeInterval) -> String? {
            PeriodRules.violation(period: period, startTime: now.addingTimeInterval(-age), now: now)
        }
        #expect(violation(10, age: 3 * Self.hour) == nil)
        #expect(
            violation(10, age: 3 * Self.hour + 1)
                == "The parameter Period must be a multiple of 60 when StartTime is more than 3 hours ago; "
                + "data that old is only kept at that resolution.")
        #expect(violation(60, age: 3 * Self.hour + 1) == nil)
        #expect(violation(60, age: 15 * Self.day) == nil)
        #expect(
            violation(60, age: 15 * Self.day + 1)?.contains("multiple of 300 when StartTime is more than 15 days ago")
                == true)
        #expect(violation(600, age: 15 * Self.day + 1) == nil)
        #expect(violation(300, age: 63 * Self.day) == nil)
        #expect(
            violation(300, age: 63 * Self.day + 1)?.contains("multiple of 3600 when StartTime is more than 63 days ago")
                == true)
        #expect(violation(7200, age: 63 * Self.day + 1) == nil)
        #expect(
            violation(45, age: 100 * Self.day) == "The parameter Period must be 1, 5, 10, 20, 30, or a multiple of 60.")
    }

    @Test("the start is rounded as the API reference's examples show")
    func startRounding() throws {
        let now = try statisticsDate("2024-06-01T00:00:00Z")
        // Less than 15 days ago: to the minute.
        #expect(
            PeriodRules.roundedStartTime(try statisticsDate("2024-05-25T12:32:34Z"), period: 60, now: now)
                == (try statisticsDate("2024-05-25T12:32:00Z")))
        // Between 15 and 63 days ago: to 5 minutes.
        #expect(
            PeriodRules.roundedStartTime(try statisticsDate("2024-05-01T12:32:34Z"), period: 300, now: now)
                == (try statisticsDate("2024-05-01T12:30:00Z")))
        // More than 63 days ago: to the hour.
        #expect(
            PeriodRules.roundedStartTime(try statisticsDate("2024-01-01T12:32:34Z"), period: 3600, now: now)
                == (try statisticsDate("2024-01-01T12:00:00Z")))
        // Periods of 5, 10, 20 and 30 seconds: to a division of the minute.
        let recent = try statisticsDate("2024-05-31T23:00:00Z")
        #expect(
            PeriodRules.roundedStartTime(recent.addingTimeInterval(13), period: 10, now: now)
                == recent.addingTimeInterval(10))
        #expect(
            PeriodRules.roundedStartTime(recent.addingTimeInterval(137), period: 5, now: now)
                == recent.addingTimeInterval(135))
        #expect(
            PeriodRules.roundedStartTime(recent.addingTimeInterval(59), period: 20, now: now)
                == recent.addingTimeInterval(40))
        #expect(
            PeriodRules.roundedStartTime(recent.addingTimeInterval(59.9), period: 1, now: now)
                == recent.addingTimeInterval(59))
    }

    @Test("a day at 60 s is exactly 1,440 datapoints, one second more is 1,441 and refused with CloudWatch's message")
    func datapointLimit() throws {
        let start = try statisticsDate("2024-05-30T00:00:00Z")
        let end = start.addingTimeInterval(Self.day)
        #expect(PeriodRules.datapointCount(start: start, end: end, period: 60) == 1440)
        #expect(PeriodRules.datapointLimitViolation(start: start, end: end, period: 60) == nil)
        #expect(PeriodRules.datapointCount(start: start, end: end.addingTimeInterval(1), period: 60) == 1441)
        #expect(
            PeriodRules.datapointLimitViolation(start: start, end: end.addingTimeInterval(1), period: 60)
                == "You have requested up to 1441 datapoints, which exceeds the limit of 1440. "
                + "You may reduce the datapoints requested by increasing Period, or decreasing the time range.")
        // As CloudWatch reported it for a day at a period of 1 second.
        #expect(
            PeriodRules.datapointLimitViolation(start: start, end: end, period: 1)?.hasPrefix(
                "You have requested up to 86400 datapoints, which exceeds the limit of 1440.") == true)
    }

    @Test("an empty or inverted range, or a period below 1, asks for no datapoints")
    func emptyRanges() throws {
        let start = try statisticsDate("2024-05-30T00:00:00Z")
        #expect(PeriodRules.datapointCount(start: start, end: start, period: 60) == 0)
        #expect(PeriodRules.datapointCount(start: start, end: start.addingTimeInterval(-60), period: 60) == 0)
        #expect(PeriodRules.datapointCount(start: start, end: start.addingTimeInterval(60), period: 0) == 0)
        #expect(PeriodRules.datapointCount(start: start, end: start.addingTimeInterval(0.5), period: 60) == 1)
    }
}
