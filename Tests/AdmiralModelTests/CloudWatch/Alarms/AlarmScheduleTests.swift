import AdmiralModel
import Foundation
import Testing

@Suite("When alarms are evaluated and which periods they look at")
struct AlarmScheduleTests {
    typealias F = AlarmFixture

    @Test("standard alarms are evaluated every minute, high-resolution ones every 10 s, day-long ones hourly")
    func intervals() {
        #expect(AlarmSchedule.evaluationInterval(period: 10) == 10)
        #expect(AlarmSchedule.evaluationInterval(period: 30, evaluationPeriods: 3) == 10)
        #expect(AlarmSchedule.evaluationInterval(period: 60, evaluationPeriods: 5) == 60)
        #expect(AlarmSchedule.evaluationInterval(period: 300, evaluationPeriods: 3) == 60)
        #expect(AlarmSchedule.evaluationInterval(period: 86_400, evaluationPeriods: 1) == 60)
        #expect(AlarmSchedule.evaluationInterval(period: 3600, evaluationPeriods: 25) == 3600)
    }

    @Test("the next evaluation is the next whole minute (10 s, hour), strictly after now, whatever the period")
    func nextEvaluation() {
        let now = F.utc(2026, 12, 7, 7, 42, 5)
        #expect(AlarmSchedule.nextEvaluation(after: now, period: 300) == F.utc(2026, 12, 7, 7, 43))
        #expect(AlarmSchedule.nextEvaluation(after: now, period: 60) == F.utc(2026, 12, 7, 7, 43))
        #expect(AlarmSchedule.nextEvaluation(after: now, period: 10) == F.utc(2026, 12, 7, 7, 42, 10))
        #expect(AlarmSchedule.nextEvaluation(after: now, period: 30) == F.utc(2026, 12, 7, 7, 42, 10))
        #expect(
            AlarmSchedule.nextEvaluation(after: now, period: 3600, evaluationPeriods: 48) == F.utc(2026, 12, 7, 8, 0))
        let onTheMinute = F.utc(2026, 12, 7, 7, 43)
        #expect(AlarmSchedule.nextEvaluation(after: onTheMinute, period: 60) == F.utc(2026, 12, 7, 7, 44))
    }

    @Test("the window ends at the evaluation minute and holds only complete periods laid back from it")
    func window() {
        let window = AlarmSchedule.evaluationWindow(at: F.utc(2020, 10, 5, 6, 47, 38.031), period: 300, periods: 2)
        #expect(window.start == F.utc(2020, 10, 5, 6, 37))
        #expect(window.end == F.utc(2020, 10, 5, 6, 47))
        let highResolution = AlarmSchedule.evaluationWindow(at: F.utc(2026, 1, 1, 0, 0, 27), period: 10, periods: 5)
        #expect(highResolution.start == F.utc(2026, 1, 1, 0, 0, -30))
        #expect(highResolution.end == F.utc(2026, 1, 1, 0, 0, 20))
        // A shortened period under 10 s (target tracking with --scaling-period) ends at its own period.
        let shortened = AlarmSchedule.evaluationWindow(at: F.utc(2026, 1, 1, 0, 0, 27.5), period: 2, periods: 3)
        #expect(shortened.end == F.utc(2026, 1, 1, 0, 0, 26))
        #expect(shortened.start == F.utc(2026, 1, 1, 0, 0, 20))
    }

    @Test("period starts run oldest first, one period apart, across the whole evaluation range")
    func periodStarts() {
        let starts = AlarmSchedule.periodStarts(
            at: F.utc(2022, 9, 29, 22, 10, 4.689), period: 300,
            periods: MetricAlarmEvaluator.evaluationRangePeriods(evaluationPeriods: 6))
        #expect(starts.count == 8)
        #expect(starts.first == F.utc(2022, 9, 29, 21, 30))
        #expect(starts.last == F.utc(2022, 9, 29, 22, 5))
        #expect(AlarmSchedule.periodStarts(at: F.utc(2026, 1, 1, 0, 0), period: 60, periods: 0).isEmpty)
    }
}
