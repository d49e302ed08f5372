import Foundation

/// EC2 Auto Scaling's checks of a group's sizes and names, with AWS's messages.
public enum GroupRules {
    /// The health check types a group may have.
    public static let healthCheckTypes: Set<String> = ["EC2", "ELB", "VPC_LATTICE", "EBS"]
    /// The termination policies AWS knows.
    public static let terminationPolicies: Set<String> = [
        "Default", "OldestInstance", "NewestInstance", "OldestLaunchConfiguration", "OldestLaunchTemplate",
        "ClosestToNextInstanceHour", "AllocationStrategy",
    ]
    /// The default cooldown, in seconds (AWS: 300).
    public static let defaultCooldown = 300
    /// How many groups and launch configurations an account may have (AWS's quotas).
    public static let maxGroups = 500
    public static let maxLaunchConfigurations = 200

    /// Checks minimum, maximum and desired capacity together.
    /// The largest min, max and desired size (the server's instance quota).
    public static let maximumSize = 10_000

    public static func checkSizes(min: Int, max: Int, desired: Int) throws(AdmiralError) {
        guard min >= 0, max >= 0 else {
            throw .validation("Min and max sizes must be non-negative; min size:\(min), max size:\(max)")
        }
        guard max >= min else {
            throw .validation("Max bound, \(max), must be greater than or equal to min bound, \(min)")
        }
        // No group can hold more than the account's instances; nothing sized by a client's
        // number goes past it.
        guard max <= maximumSize else {
            throw .validation("Max size:\(max) is above the largest a group can have, \(maximumSize).")
        }
        guard desired >= min, desired <= max else {
            throw .validation(
                "Desired capacity:\(desired) must be between the specified min size:\(min) and max size:\(max)")
        }
    }

    /// The desired capacity SetDesiredCapacity may set.
    public static func checkDesired(_ desired: Int, min: Int, max: Int) throws(AdmiralError) {
        if desired > max {
            throw .validation(
                "New SetDesiredCapacity value \(desired) is above max value \(max) for the AutoScalingGroup.")
        }
        if desired < min {
            throw .validation(
                "New SetDesiredCapacity value \(desired) is below min value \(min) for the AutoScalingGroup.")
        }
    }

    /// A health check type given to Create/UpdateAutoScalingGroup.
    public static func checkHealthCheckType(_ type: String) throws(AdmiralError) {
        guard healthCheckTypes.contains(type) else {
            throw .validation(
                "1 validation error detected: Value '\(type)' at 'healthCheckType' failed to satisfy constraint: "
                    + "Member must be one of EC2, ELB, VPC_LATTICE, EBS")
        }
    }

    /// Termination policies given to Create/UpdateAutoScalingGroup.
    public static func checkTerminationPolicies(_ policies: [String]) throws(AdmiralError) {
        for policy in policies where !terminationPolicies.contains(policy) && !policy.hasPrefix("arn:aws:lambda:") {
            throw .validation("Termination policy \(policy) is not valid.")
        }
    }

    /// `VPCZoneIdentifier` split into subnet ids (comma separated, spaces allowed).
    public static func subnetIds(_ identifier: String) -> [String] {
        var seen = Set<String>()
        return identifier.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// The processes named in Suspend/ResumeProcesses (all when none are named).
    public static func processes(_ names: [String]?) throws(AdmiralError) -> [AutoScalingProcess] {
        guard let names, !names.isEmpty else { return AutoScalingProcess.allCases }
        var result: [AutoScalingProcess] = []
        for name in names {
            guard let process = AutoScalingProcess(rawValue: name) else {
                throw .validation(
                    "Process names must be one of: "
                        + AutoScalingProcess.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            if !result.contains(process) { result.append(process) }
        }
        return result
    }

    /// The message of an unknown group.
    public static func groupNotFound(_ name: String) -> AdmiralError {
        .validation("AutoScalingGroup name not found - AutoScalingGroup '\(name)' not found")
    }

    /// The message of an unknown launch configuration.
    public static func launchConfigurationNotFound(_ name: String) -> AdmiralError {
        .validation("Launch configuration name not found - Launch configuration \(name) not found")
    }
}

/// Where the next instance goes: the zone of the group with the fewest instances, ties
/// broken by the group's order of zones, as EC2 Auto Scaling balances launches.
public enum ZoneBalance {
    /// The zone for the next launch.
    public static func zoneForLaunch(zones: [String], counts: [String: Int]) -> String? {
        zones.min {
            (counts[$0] ?? 0, zones.firstIndex(of: $0) ?? 0) < (counts[$1] ?? 0, zones.firstIndex(of: $1) ?? 0)
        }
    }

    /// Zones for `count` launches, one at a time, each in the zone with the fewest.
    public static func zonesForLaunches(_ count: Int, zones: [String], counts: [String: Int]) -> [String] {
        var counts = counts
        var result: [String] = []
        for _ in 0..<max(0, count) {
            guard let zone = zoneForLaunch(zones: zones, counts: counts) else { break }
            result.append(zone)
            counts[zone, default: 0] += 1
        }
        return result
    }

    /// Whether the zones differ by more than one instance (the group should rebalance).
    public static func isImbalanced(zones: [String], counts: [String: Int]) -> Bool {
        guard zones.count > 1 else { return false }
        let values = zones.map { counts[$0] ?? 0 }
        return (values.max() ?? 0) - (values.min() ?? 0) > 1
    }
}
