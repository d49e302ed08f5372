import AdmiralModel
import Foundation
import Testing

@Suite("Cooldowns: which proposed capacity changes go ahead, and why the others do not")
struct CooldownTests {
    private let t0 = ScalingFixture.instant("2030-01-01T12:00:00Z")
    private let cooldown = Cooldown(seconds: 300)

    private func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    private func decide(
        _ current: Int, _ direction: Cooldown.Direction, to capacity: Int, min: Int = 1, max: Int = 20,
        lastScaleOut: Cooldown.ScaleOut? = nil, lastScaleIn: Date? = nil, now: Double, using: Cooldown? = nil
    ) -> Cooldown.Decision {
        (using ?? cooldown).decide(
            current: current, direction: direction, capacity: capacity, min: min, max: max,
            lastScaleOut: lastScaleOut, lastScaleIn: lastScaleIn, now: at(now))
    }

    @Test("with no earlier activity a change goes ahead")
    func noHistory() {
        #expect(decide(10, .scaleOut, to: 12, now: 0) == .proceed(capacity: 12))
        #expect(decide(10, .scaleIn, to: 8, now: 0) == .proceed(capacity: 8))
    }

    @Test("the guide's example: +2, then +3 during the cooldown adds only 1")
    func largerScaleOutDuringCooldown() {
        // 10 tasks, an alarm adds 2: the scale-out is recorded as computed from 10.
        let first = Cooldown.ScaleOut(time: at(0), fromCapacity: 10)
        #expect(cooldown.baseCapacity(current: 12, lastScaleOut: first, now: at(60)) == 10)
        // Within the cooldown the alarm asks for +3, computed from 10: capacity 13, one more than now.
        #expect(decide(12, .scaleOut, to: 10 + 3, lastScaleOut: first, now: 60) == .proceed(capacity: 13))
        // A step of +2 or +1 from 10 adds nothing.
        #expect(
            decide(12, .scaleOut, to: 10 + 2, lastScaleOut: first, now: 60) == .notScaled(.alreadyAtDesiredCapacity))
        #expect(
            decide(12, .scaleOut, to: 10 + 1, lastScaleOut: first, now: 60) == .notScaled(.alreadyAtDesiredCapacity))
    }

    @Test("after the scale-out cooldown the base is the current capacity again")
    func cooldownEnds() {
        let last = Cooldown.ScaleOut(time: at(0), fromCapacity: 10)
        #expect(cooldown.baseCapacity(current: 12, lastScaleOut: last, now: at(299)) == 10)
        #expect(cooldown.baseCapacity(current: 12, lastScaleOut: last, now: at(300)) == 12)
        #expect(cooldown.baseCapacity(current: 12, lastScaleOut: nil, now: at(0)) == 12)
        #expect(cooldown.inScaleOutCooldown(last, now: at(299.9)))
        #expect(!cooldown.inScaleOutCooldown(last, now: at(300)))
        // Capacity lowered since (by a scheduled action) is the base if it is smaller.
        #expect(cooldown.baseCapacity(current: 8, lastScaleOut: last, now: at(10)) == 8)
    }

    @Test("a scale-in waits out a scale-out cooldown")
    func scaleInDuringScaleOutCooldown() {
        let last = Cooldown.ScaleOut(time: at(0), fromCapacity: 10)
        #expect(decide(12, .scaleIn, to: 11, lastScaleOut: last, now: 299) == .notScaled(.scaleOutCooldown))
        #expect(decide(12, .scaleIn, to: 11, lastScaleOut: last, now: 300) == .proceed(capacity: 11))
    }

    @Test("a scale-in waits out a scale-in cooldown")
    func scaleInDuringScaleInCooldown() {
        #expect(decide(9, .scaleIn, to: 8, lastScaleIn: at(0), now: 120) == .notScaled(.scaleInCooldown))
        #expect(decide(9, .scaleIn, to: 8, lastScaleIn: at(0), now: 300) == .proceed(capacity: 8))
    }

    @Test("a scale-out goes ahead at once during a scale-in cooldown, and ends that cooldown")
    func scaleOutEndsScaleInCooldown() {
        let policy = Cooldown(scaleOutSeconds: 60, scaleInSeconds: 600)
        #expect(decide(8, .scaleOut, to: 10, lastScaleIn: at(0), now: 30, using: policy) == .proceed(capacity: 10))
        let scaleOut = Cooldown.ScaleOut(time: at(30), fromCapacity: 8)
        // Within the scale-out cooldown a scale-in still waits ...
        #expect(
            decide(10, .scaleIn, to: 9, lastScaleOut: scaleOut, lastScaleIn: at(0), now: 60, using: policy)
                == .notScaled(.scaleOutCooldown))
        // ... but once it is over, the interrupted scale-in cooldown no longer holds it back.
        #expect(
            decide(10, .scaleIn, to: 9, lastScaleOut: scaleOut, lastScaleIn: at(0), now: 91, using: policy)
                == .proceed(capacity: 9))
        // A scale-out before the last scale-in does not end that scale-in's cooldown.
        let earlier = Cooldown.ScaleOut(time: at(-1000), fromCapacity: 5)
        #expect(
            decide(10, .scaleIn, to: 9, lastScaleOut: earlier, lastScaleIn: at(0), now: 91, using: policy)
                == .notScaled(.scaleInCooldown))
    }

    @Test("a scale-out at the maximum capacity is AlreadyAtMaxCapacity, and one beyond it stops there")
    func maximum() {
        #expect(decide(20, .scaleOut, to: 25, now: 0) == .notScaled(.alreadyAtMaxCapacity))
        #expect(decide(22, .scaleOut, to: 25, now: 0) == .notScaled(.alreadyAtMaxCapacity))
        #expect(decide(18, .scaleOut, to: 25, now: 0) == .proceed(capacity: 20))
    }

    @Test("a scale-in at the minimum capacity is AlreadyAtMinCapacity, and one beyond it stops there")
    func minimum() {
        #expect(decide(1, .scaleIn, to: 0, now: 0) == .notScaled(.alreadyAtMinCapacity))
        #expect(decide(3, .scaleIn, to: 0, min: 2, now: 0) == .proceed(capacity: 2))
        #expect(decide(1, .scaleIn, to: 0, lastScaleIn: at(0), now: 1) == .notScaled(.alreadyAtMinCapacity))
    }

    @Test("a change that leaves the capacity as it is, is AlreadyAtDesiredCapacity")
    func desired() {
        #expect(decide(10, .scaleOut, to: 10, now: 0) == .notScaled(.alreadyAtDesiredCapacity))
        #expect(decide(10, .scaleIn, to: 10, now: 0) == .notScaled(.alreadyAtDesiredCapacity))
        #expect(decide(10, .scaleIn, to: 12, now: 0) == .notScaled(.alreadyAtDesiredCapacity))
    }

    @Test("the capacity limits are reported before a cooldown")
    func order() {
        let last = Cooldown.ScaleOut(time: at(0), fromCapacity: 1)
        #expect(decide(1, .scaleIn, to: 0, lastScaleOut: last, now: 10) == .notScaled(.alreadyAtMinCapacity))
        #expect(decide(5, .scaleIn, to: 5, lastScaleOut: last, now: 10) == .notScaled(.alreadyAtDesiredCapacity))
    }

    @Test("the AWS reason codes are AWS's, the cooldown ones Admiral's own")
    func codes() {
        #expect(
            Cooldown.NotScaledReason.allCases.filter(\.isAWSCode).map(\.rawValue) == [
                "AlreadyAtMaxCapacity", "AlreadyAtMinCapacity", "AlreadyAtDesiredCapacity",
            ])
        #expect(!Cooldown.NotScaledReason.scaleInCooldown.isAWSCode)
        #expect(Cooldown().scaleOutSeconds == 300 && Cooldown().scaleInSeconds == 300)
        #expect(Cooldown(seconds: 60) == Cooldown(scaleOutSeconds: 60, scaleInSeconds: 60))
    }
}
