import Foundation

/// The cooldown rules of scaling policies, as a decision: does a proposed capacity change go ahead now, and
/// if not, why.
///
/// Application Auto Scaling User Guide, "Cooldown period": "With scale-out policies, the intention is to
/// continuously (but not excessively) scale out. ... The scaling policy won't increase the desired capacity
/// again unless either a larger scale out is triggered or the cooldown period ends. While the cooldown period
/// is in effect, capacity added by the initiating scale-out activity is calculated as part of the desired
/// capacity for the next scale-out activity. For example, when an alarm triggers a step scaling policy to
/// increase the capacity by 2 ... If the alarm triggers again during the cooldown period but at a more
/// aggressive step adjustment of 3, the previous increase of 2 is considered part of the current capacity.
/// Therefore, only 1 is added to the capacity." and "With scale-in policies ... scale-in activities are
/// blocked until the cooldown period has expired. However, if another alarm triggers a scale-out activity
/// during the cooldown period after a scale-in activity, Application Auto Scaling scales out the target
/// immediately. In this case, the cooldown period for the scale-in activity stops and doesn't complete."
///
/// A scale-in is also held back during a scale-out cooldown, so that capacity just added is not taken away
/// before it has shown in the metric. Cooldowns apply to scaling policies only: scheduled actions ignore them.
public struct Cooldown: Sendable, Hashable {
    /// Which way a proposed change goes.
    public enum Direction: Sendable, Hashable {
        /// Adding capacity.
        case scaleOut
        /// Removing capacity.
        case scaleIn
    }

    /// The last scale-out a policy made: when, and the capacity it was computed from.
    public struct ScaleOut: Sendable, Hashable {
        /// When the scale-out happened; its cooldown runs from here.
        public var time: Date
        /// The capacity the scale-out was computed from (the value ``baseCapacity(current:lastScaleOut:now:)``
        /// gave), so that a later, larger scale-out in the cooldown counts from the same capacity.
        public var fromCapacity: Int

        /// Creates a record of a scale-out.
        public init(time: Date, fromCapacity: Int) {
            self.time = time
            self.fromCapacity = fromCapacity
        }
    }

    /// Why a proposed change does not go ahead.
    ///
    /// The first three are Application Auto Scaling's `NotScaledReason` codes; AWS records no not-scaled
    /// activity for a cooldown, so the last two are Admiral's own (``isAWSCode`` is `false`).
    public enum NotScaledReason: String, Sendable, Hashable, CaseIterable {
        /// "Scaling is blocked by the maximum capacity that you specified."
        case alreadyAtMaxCapacity = "AlreadyAtMaxCapacity"
        /// "Scaling is blocked by the minimum capacity that you specified."
        case alreadyAtMinCapacity = "AlreadyAtMinCapacity"
        /// "Auto scaling algorithm calculated the revised capacity to be equal to the current capacity."
        case alreadyAtDesiredCapacity = "AlreadyAtDesiredCapacity"
        /// A scale-in proposed while a scale-out cooldown is in effect.
        case scaleOutCooldown = "ScaleOutCooldown"
        /// A scale-in proposed while a scale-in cooldown is in effect.
        case scaleInCooldown = "ScaleInCooldown"

        /// Whether the code is one Application Auto Scaling itself reports.
        public var isAWSCode: Bool {
            switch self {
            case .alreadyAtMaxCapacity, .alreadyAtMinCapacity, .alreadyAtDesiredCapacity: true
            case .scaleOutCooldown, .scaleInCooldown: false
            }
        }
    }

    /// The outcome of ``decide(current:direction:capacity:min:max:lastScaleOut:lastScaleIn:now:)``.
    public enum Decision: Sendable, Hashable {
        /// Set the capacity to this value.
        case proceed(capacity: Int)
        /// Leave the capacity as it is, for this reason.
        case notScaled(NotScaledReason)
    }

    /// Seconds after a scale-out during which another scale-out must be larger to happen.
    public var scaleOutSeconds: Int
    /// Seconds after a scale-in during which no further scale-in happens.
    public var scaleInSeconds: Int

    /// The default cooldown of step scaling policies and of ECS services' target tracking policies, 300 s.
    public static let defaultSeconds = 300

    /// A target tracking policy's cooldowns, `ScaleOutCooldown` and `ScaleInCooldown`.
    public init(scaleOutSeconds: Int = defaultSeconds, scaleInSeconds: Int = defaultSeconds) {
        self.scaleOutSeconds = scaleOutSeconds
        self.scaleInSeconds = scaleInSeconds
    }

    /// A step scaling policy's single `Cooldown`, for both directions.
    public init(seconds: Int) {
        self.init(scaleOutSeconds: seconds, scaleInSeconds: seconds)
    }

    /// Whether the scale-out cooldown of `lastScaleOut` is still in effect at `now`.
    public func inScaleOutCooldown(_ lastScaleOut: ScaleOut?, now: Date) -> Bool {
        guard let lastScaleOut else { return false }
        return now < lastScaleOut.time.addingTimeInterval(Double(scaleOutSeconds))
    }

    /// The capacity a policy computes a scale-out from: during a scale-out cooldown the capacity that scale-out
    /// started from, so that "the previous increase ... is considered part of the current capacity";
    /// otherwise `current`.
    public func baseCapacity(current: Int, lastScaleOut: ScaleOut?, now: Date) -> Int {
        guard let lastScaleOut, inScaleOutCooldown(lastScaleOut, now: now) else { return current }
        return Swift.min(lastScaleOut.fromCapacity, current)
    }

    /// Whether a proposed change to `capacity` (computed from ``baseCapacity(current:lastScaleOut:now:)`` for
    /// a scale-out) goes ahead from `current`, within `min`...`max`, given the last scale-out and the time of
    /// the last scale-in.
    ///
    /// A scale-out goes ahead to the proposed capacity (capped at `max`) whenever that is above `current`,
    /// in a scale-out cooldown or not, and ends any scale-in cooldown. A scale-in waits out both cooldowns,
    /// except that a scale-out after the last scale-in has ended that scale-in's cooldown. The capacity
    /// limits are checked first, then whether anything would change, then the cooldowns.
    public func decide(
        current: Int, direction: Direction, capacity: Int, min: Int, max: Int, lastScaleOut: ScaleOut?,
        lastScaleIn: Date?, now: Date
    ) -> Decision {
        switch direction {
        case .scaleOut:
            guard current < max else { return .notScaled(.alreadyAtMaxCapacity) }
            let target = Swift.min(capacity, max)
            guard target > current else { return .notScaled(.alreadyAtDesiredCapacity) }
            return .proceed(capacity: target)
        case .scaleIn:
            guard current > min else { return .notScaled(.alreadyAtMinCapacity) }
            let target = Swift.max(capacity, min)
            guard target < current else { return .notScaled(.alreadyAtDesiredCapacity) }
            if inScaleOutCooldown(lastScaleOut, now: now) { return .notScaled(.scaleOutCooldown) }
            if let lastScaleIn, now < lastScaleIn.addingTimeInterval(Double(scaleInSeconds)) {
                let endedByScaleOut = lastScaleOut.map { $0.time > lastScaleIn } ?? false
                if !endedByScaleOut { return .notScaled(.scaleInCooldown) }
            }
            return .proceed(capacity: target)
        }
    }
}
