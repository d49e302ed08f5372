import AdmiralModel
import AdmiralStore
import Foundation
import Synchronization

/// The EC2 registry's domain service: regions and zones, VPCs, subnets, security groups,
/// tags, images, instance types, instances and launch templates. Each operation checks
/// its input, then runs one pure change of the `EC2State` in one store transaction (so a
/// refused call writes nothing), and renders the records as EC2's wire shapes.
///
/// The default VPC (172.31.0.0/16), one default subnet per zone (/20 each) and the
/// default security group are created the first time the registry is used, as in a new
/// AWS account; a zone added to the server later gets its default subnet then.
public final class EC2Service: Sendable {
    /// The server's availability zones, e.g. `us-east-1a`, `us-east-1b`, `us-east-1c`.
    public let zones: [String]
    /// The region the zones belong to.
    public let region: String
    public let accountId: String
    let store: any EC2Store
    let prepared = Mutex(false)
    /// Wakes the `InstanceController` when instances need it (launched, terminated).
    public let wakeups: InstanceWakeups
    /// How long terminated instances stay describable (EC2: about an hour).
    public let terminatedRetention: TimeInterval

    /// Creates the service over a store.
    public init(
        store: any EC2Store, zones: [String], accountId: String, terminatedRetention: TimeInterval = 3600
    ) {
        let zones = zones.isEmpty ? ["us-east-1a", "us-east-1b", "us-east-1c"] : zones
        self.store = store
        self.zones = zones
        self.region = Self.region(ofZone: zones[0])
        self.accountId = accountId
        self.terminatedRetention = terminatedRetention
        self.wakeups = InstanceWakeups()
    }

    /// The region of a zone name: `us-east-1a` → `us-east-1`.
    public static func region(ofZone zone: String) -> String {
        guard let last = zone.last, last.isLetter else { return zone }
        return String(zone.dropLast())
    }

    /// The default zones of a region: its `a`, `b` and `c`.
    public static func defaultZones(region: String) -> [String] {
        ["a", "b", "c"].map { region + $0 }
    }

    /// The registry, with the default VPC made on first use.
    func state() async throws -> EC2State {
        try await prepare()
        return try await store.read()
    }

    /// Changes the registry in one transaction, with the defaults in place.
    func update<T: Sendable>(_ change: @escaping @Sendable (inout EC2State) throws -> T) async throws -> T {
        try await prepare()
        return try await store.update(change)
    }

    /// Creates the default VPC, its subnets and its security group when missing.
    func prepare() async throws {
        if prepared.withLock({ $0 }) { return }
        let zones = self.zones
        try await store.update { state in Self.ensureDefaults(&state, zones: zones, now: Date()) }
        prepared.withLock { $0 = true }
    }

    static let defaultVpcCIDR = "172.31.0.0/16"

    static func ensureDefaults(_ state: inout EC2State, zones: [String], now: Date) {
        let vpc: VpcRecord
        if let existing = state.defaultVpc {
            vpc = existing
        } else {
            vpc = VpcRecord(vpcId: EC2IDs.make("vpc"), cidrBlock: defaultVpcCIDR, isDefault: true, createdAt: now)
            state.vpcs[vpc.vpcId] = vpc
            let group = defaultSecurityGroup(vpcId: vpc.vpcId)
            state.securityGroups[group.groupId] = group
        }
        guard let range = IPv4CIDR(vpc.cidrBlock) else { return }
        for zone in zones {
            let present = state.subnets.values.contains {
                $0.vpcId == vpc.vpcId && $0.availabilityZone == zone && $0.defaultForAz
            }
            if present { continue }
            // The next free /20 of the VPC, as AWS numbers them: 172.31.0.0/20, 172.31.16.0/20, …
            let taken = state.subnets.values.filter { $0.vpcId == vpc.vpcId }.compactMap { IPv4CIDR($0.cidrBlock) }
            var candidate = range.base
            while range.contains(address: candidate) {
                let block = IPv4CIDR(base: candidate, prefixLength: 20)
                if !taken.contains(where: { $0.overlaps(block) }) {
                    let subnet = SubnetRecord(
                        subnetId: EC2IDs.make("subnet"), vpcId: vpc.vpcId, cidrBlock: block.description,
                        availabilityZone: zone, defaultForAz: true, mapPublicIpOnLaunch: true, createdAt: now)
                    state.subnets[subnet.subnetId] = subnet
                    break
                }
                candidate &+= 1 << 12
                if candidate == 0 { break }
            }
        }
    }

    /// A VPC's default security group: all traffic from its own members in, everything out.
    static func defaultSecurityGroup(vpcId: String) -> SecurityGroupRecord {
        let groupId = EC2IDs.make("sg")
        return SecurityGroupRecord(
            groupId: groupId, groupName: "default", description: "default VPC security group", vpcId: vpcId,
            ingress: [SecurityGroupRule(ipProtocol: "-1", fromPort: nil, toPort: nil, source: .group(groupId))],
            egress: [SecurityGroupRule(ipProtocol: "-1", fromPort: nil, toPort: nil, source: .cidrIPv4("0.0.0.0/0"))])
    }
}

/// Wakes the instance controller when there is work (a launch, a termination) before
/// its next tick.
public final class InstanceWakeups: Sendable {
    private let pending = Mutex(false)

    init() {}

    /// Asks the controller to look at the instances now.
    public func signal() {
        pending.withLock { $0 = true }
    }

    /// Waits until signalled or `timeout` passes, checking every `slice`.
    func wait(timeout: Duration, slice: Duration = .milliseconds(50)) async {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !Task.isCancelled {
            if pending.withLock({ value in
                defer { value = false }
                return value
            }) {
                return
            }
            try? await Task.sleep(for: slice)
        }
    }
}
