import Foundation
import Testing

@testable import AdmiralControlPlane

@Suite("Aligned periodic work: a lead before each whole multiple of the interval")
struct AlignedScheduleTests {
    @Test("the next time is the lead before the next whole interval, never within a tenth of an interval")
    func nextTime() {
        let minute = Date(timeIntervalSince1970: 1_800_000_000)  // a whole minute
        #expect(secondsToNext(every: 60, lead: 1.5, now: minute) == 58.5)
        #expect(secondsToNext(every: 60, lead: 1.5, now: minute.addingTimeInterval(30)) == 28.5)
        // Just after its time (58.6 s into the minute) the step waits for the next minute's.
        #expect(abs(secondsToNext(every: 60, lead: 1.5, now: minute.addingTimeInterval(58.6)) - 59.9) < 1e-6)
        // Just before it (58.4 s) it would be 0.1 s away, under a tenth of the interval: the next one.
        #expect(abs(secondsToNext(every: 60, lead: 1.5, now: minute.addingTimeInterval(58.4)) - 60.1) < 1e-6)
        #expect(abs(secondsToNext(every: 1, lead: 0.15, now: minute.addingTimeInterval(0.5)) - 0.35) < 1e-6)
    }
}
