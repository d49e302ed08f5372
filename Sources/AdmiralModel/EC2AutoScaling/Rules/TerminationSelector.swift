import Foundation

/// Chooses the instances a scale-in terminates, as EC2 Auto Scaling's termination
/// policies do: first the zone with the most instances (among zones that have an
/// unprotected one), then, within it, the group's policies in order, each narrowing the
/// candidates, until one is left (ties: the lowest instance id). `Default` is
/// OldestLaunchTemplate/OldestLaunchConfiguration, then ClosestToNextInstanceHour (taken
/// here as the oldest instance: every instance bills by the second). Protected instances
/// and instances already leaving are never chosen.
public enum TerminationSelector {
    /// The instances to terminate, in order.
    public static func select(
        _ count: Int, from instances: [AutoScalingInstanceRecord], policies: [String], currentSource: String
    ) -> [String] {
        var remaining = instances.filter { $0.countsTowardCapacity }
        var chosen: [String] = []
        for _ in 0..<max(0, count) {
            let candidates = remaining.filter { !$0.protectedFromScaleIn }
            guard !candidates.isEmpty else { break }
            var counts: [String: Int] = [:]
            for instance in remaining { counts[instance.availabilityZone, default: 0] += 1 }
            let zonesWithCandidates = Set(candidates.map(\.availabilityZone))
            let zone = zonesWithCandidates.max { (counts[$0] ?? 0, $1) < (counts[$1] ?? 0, $0) }
            var pool = candidates.filter { $0.availabilityZone == zone }
            for policy in (policies.isEmpty ? ["Default"] : policies) + ["Default"] {
                pool = narrow(pool, policy: policy, currentSource: currentSource)
                if pool.count == 1 { break }
            }
            guard let victim = pool.min(by: { $0.instanceId < $1.instanceId }) else { break }
            chosen.append(victim.instanceId)
            remaining.removeAll { $0.instanceId == victim.instanceId }
        }
        return chosen
    }

    static func narrow(_ pool: [AutoScalingInstanceRecord], policy: String, currentSource: String)
        -> [AutoScalingInstanceRecord]
    {
        switch policy {
        case "OldestInstance", "ClosestToNextInstanceHour":
            guard let oldest = pool.map(\.launchTime).min() else { return pool }
            return pool.filter { $0.launchTime == oldest }
        case "NewestInstance":
            guard let newest = pool.map(\.launchTime).max() else { return pool }
            return pool.filter { $0.launchTime == newest }
        case "OldestLaunchConfiguration", "OldestLaunchTemplate", "AllocationStrategy":
            return oldestSource(pool, currentSource: currentSource)
        case "Default":
            return narrow(
                oldestSource(pool, currentSource: currentSource), policy: "OldestInstance",
                currentSource: currentSource)
        default:
            return pool
        }
    }

    /// Instances of an older source than the group's current one, else the pool: of several
    /// older sources, the one whose first instance was launched earliest.
    static func oldestSource(_ pool: [AutoScalingInstanceRecord], currentSource: String)
        -> [AutoScalingInstanceRecord]
    {
        let older = pool.filter { $0.source != currentSource }
        guard !older.isEmpty else { return pool }
        var firstLaunch: [String: Date] = [:]
        for instance in older {
            firstLaunch[instance.source] = min(firstLaunch[instance.source] ?? instance.launchTime, instance.launchTime)
        }
        guard let oldest = firstLaunch.min(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key else { return pool }
        return older.filter { $0.source == oldest }
    }
}

/// The texts of EC2 Auto Scaling's activities, in AWS's words.
public enum ActivityText {
    /// `2026-12-07T17:00:00Z`, the time format of causes.
    public static func time(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// A user's CreateAutoScalingGroup.
    public static func created(at date: Date, desired: Int) -> String {
        "At \(time(date)) a user request created an AutoScalingGroup changing the desired capacity from 0 to \(desired)."
    }

    /// A user's SetDesiredCapacity.
    public static func setDesired(at date: Date, from old: Int, to new: Int) -> String {
        "At \(time(date)) a user request explicitly set group desired capacity changing the desired capacity from "
            + "\(old) to \(new)."
    }

    /// A user's UpdateAutoScalingGroup.
    public static func updated(at date: Date, min: Int, max: Int, desired: Int, from old: Int) -> String {
        "At \(time(date)) a user request update of AutoScalingGroup constraints to min: \(min), max: \(max), desired: "
            + "\(desired) changing the desired capacity from \(old) to \(desired)."
    }

    /// A policy executed by an alarm or by ExecutePolicy.
    public static func policy(at date: Date, alarm: String?, policy: String, from old: Int, to new: Int) -> String {
        if let alarm {
            return "At \(time(date)) a monitor alarm \(alarm) in state ALARM triggered policy \(policy) changing the "
                + "desired capacity from \(old) to \(new)."
        }
        return "At \(time(date)) a user request executed policy \(policy) changing the desired capacity from \(old) "
            + "to \(new)."
    }

    /// The description of a launch.
    public static func launching(_ instanceId: String) -> String { "Launching a new EC2 instance: \(instanceId)" }
    /// The description of a launch that failed.
    public static let launchFailed = "Launching a new EC2 instance.  Status Reason: Launching EC2 instance failed."
    /// The description of a termination.
    public static func terminating(_ instanceId: String) -> String { "Terminating EC2 instance: \(instanceId)" }

    /// The cause of launches that close a gap between desired and actual capacity.
    public static func launchCause(_ prior: String, at date: Date, from old: Int, to new: Int) -> String {
        joined(
            prior,
            "At \(time(date)) an instance was started in response to a difference between desired and actual "
                + "capacity, increasing the capacity from \(old) to \(new).")
    }

    /// The cause of terminations of a scale-in.
    public static func scaleInCause(_ prior: String, at date: Date, from old: Int, to new: Int, instanceId: String)
        -> String
    {
        joined(
            prior,
            "At \(time(date)) an instance was taken out of service in response to a difference between desired "
                + "and actual capacity, shrinking the capacity from \(old) to \(new).  At \(time(date)) instance "
                + "\(instanceId) was selected for termination.")
    }

    /// The cause of the replacement of an unhealthy instance.
    public static func unhealthyCause(at date: Date, reason: String) -> String {
        "At \(time(date)) an instance was taken out of service in response to \(reason)."
    }

    /// The cause of a user's TerminateInstanceInAutoScalingGroup.
    public static func userTerminated(at date: Date, instanceId: String, decrement: Bool, from old: Int) -> String {
        var text = "At \(time(date)) instance \(instanceId) was taken out of service in response to a user request"
        text += decrement ? ", shrinking the capacity from \(old) to \(old - 1)." : "."
        return text
    }

    /// Sentences of a cause, two spaces apart as AWS writes them; an empty prior sentence
    /// (the desired capacity's change was already told) is left out.
    static func joined(_ prior: String, _ sentence: String) -> String {
        prior.isEmpty ? sentence : prior + "  " + sentence
    }

    /// The cause of a rebalancing launch.
    public static func rebalanceCause(at date: Date) -> String {
        "At \(time(date)) an instance was launched to rebalance the group across its Availability Zones."
    }
}
