/// Availability zones of subnets. Admiral has no VPCs: any subnet id is accepted, and its
/// zone is read from a suffix convention, `subnet-<zone>` (`subnet-us-east-1a` is in
/// `us-east-1a`); other subnets are given zones round-robin over `<region>a`, `b` and `c`,
/// each subnet keeping the zone it was first given.
public enum SubnetZones {
    /// The zone letters handed out round-robin.
    public static let roundRobinLetters = ["a", "b", "c"]

    /// The zone named by a subnet id's suffix, or nil when the id does not follow the
    /// convention. A zone name is a region (`us-east-1`, `eu-central-2`,
    /// `us-gov-west-1`: letters and hyphens, then a number) followed by a letter.
    public static func conventionalZone(ofSubnet subnetId: String) -> String? {
        guard subnetId.hasPrefix("subnet-") else { return nil }
        let zone = subnetId.dropFirst("subnet-".count)
        guard let last = zone.last, last.isASCII, last.isLowercase, last.isLetter else { return nil }
        let region = zone.dropLast()
        let parts = region.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let number = parts.last, !number.isEmpty,
            number.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        let words = parts.dropLast()
        guard words.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isLowercase && $0.isLetter } })
        else { return nil }
        return String(zone)
    }

    /// The zone a round-robin position stands for in a region: `us-east-1a`, `us-east-1b`, ...
    public static func roundRobinZone(region: String, position: Int) -> String {
        region + roundRobinLetters[position % roundRobinLetters.count]
    }
}
