import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingState {
    /// CreateLoadBalancer: creates the load balancer, or returns the existing one of that
    /// name when its settings are the same (AWS's idempotence). Subnets get their zones,
    /// the load balancer its address.
    mutating func createLoadBalancer(
        _ request: LoadBalancerRequest, tags: [ELBv2.Tag], id: String, addressing: LoadBalancerAddressing,
        vpcId: String, region: String, now: Date, knownZones: [String: String] = [:]
    ) throws -> LoadBalancerRecord {
        if let existing = loadBalancer(named: request.name) {
            let same =
                existing.scheme == request.scheme && existing.ipAddressType == request.ipAddressType
                && Set(existing.zones.map(\.subnetId)) == Set(request.subnetIds)
                && Set(existing.securityGroups) == Set(request.securityGroups)
            guard same else {
                throw AdmiralError(
                    .duplicateLoadBalancerName,
                    "A load balancer with the same name '\(request.name)' exists, but with different settings.")
            }
            return existing
        }
        guard loadBalancers.count < ELBv2Limits.loadBalancers else {
            throw AdmiralError(
                .tooManyLoadBalancers,
                "The maximum number of load balancers (\(ELBv2Limits.loadBalancers)) has been reached; delete one first."
            )
        }
        var zones: [LoadBalancerRecord.Zone] = []
        for subnet in request.subnetIds {
            let zone = knownZones[subnet] ?? self.zone(ofSubnet: subnet, region: region)
            if let other = zones.first(where: { $0.zoneName == zone }) {
                throw AdmiralError.invalidConfiguration(
                    "A load balancer cannot be attached to multiple subnets in the same Availability Zone: "
                        + "'\(other.subnetId)' and '\(subnet)' are both in \(zone).")
            }
            zones.append(LoadBalancerRecord.Zone(subnetId: subnet, zoneName: zone))
        }
        guard let address = addressing.allocate(taken: Set(loadBalancers.values.map(\.address))) else {
            throw AdmiralError.invalidConfiguration("No loopback address is free for another load balancer.")
        }
        let record = LoadBalancerRecord(
            id: id, name: request.name, scheme: request.scheme, ipAddressType: request.ipAddressType,
            address: address, vpcId: vpcId, zones: zones, securityGroups: request.securityGroups, attributes: [:],
            tags: tags, createdAt: now)
        loadBalancers[id] = record
        return record
    }

    /// The zone of a subnet the EC2 registry does not know: by the suffix convention, else the zone it was given before,
    /// else the next zone round-robin (remembered).
    mutating func zone(ofSubnet subnet: String, region: String) -> String {
        if let zone = SubnetZones.conventionalZone(ofSubnet: subnet) { return zone }
        if let zone = subnetZones[subnet] { return zone }
        let zone = SubnetZones.roundRobinZone(region: region, position: nextZonePosition)
        nextZonePosition += 1
        subnetZones[subnet] = zone
        return zone
    }

    /// DeleteLoadBalancer: removes the load balancer with its listeners and rules; refused
    /// while deletion protection is on. An unknown load balancer is not an error (AWS's
    /// rule). Returns whether one was deleted.
    mutating func deleteLoadBalancer(arn: String) throws -> Bool {
        guard case .loadBalancer(let name, let id) = try ELBv2Resource.parse(arn, as: .loadBalancer),
            let record = loadBalancers[id], record.name == name
        else { return false }
        if record.attributes["deletion_protection.enabled"] == "true" {
            throw AdmiralError(
                .operationNotPermitted,
                "Load balancer '\(arn)' cannot be deleted because deletion protection is enabled; set the attribute "
                    + "deletion_protection.enabled to false first.")
        }
        for listener in listeners.values where listener.loadBalancerId == id {
            removeListener(listener.id)
        }
        loadBalancers[id] = nil
        return true
    }

    /// ModifyLoadBalancerAttributes: returns the full attributes after the change.
    mutating func modifyLoadBalancerAttributes(arn: String, _ changes: [ELBv2.LoadBalancerAttribute]) throws
        -> LoadBalancerRecord
    {
        var record = try loadBalancer(arn: arn)
        record.attributes = try LoadBalancerAttributeRules.apply(changes, to: record.attributes, scheme: record.scheme)
        loadBalancers[record.id] = record
        return record
    }

    /// SetSecurityGroups: replaces the security groups.
    mutating func setSecurityGroups(arn: String, _ groups: [String]) throws -> LoadBalancerRecord {
        var record = try loadBalancer(arn: arn)
        record.securityGroups = groups
        loadBalancers[record.id] = record
        return record
    }

    /// SetSubnets: replaces the subnets, with the same zone rules as at creation.
    mutating func setSubnets(
        arn: String, _ subnets: [String], region: String, knownZones: [String: String] = [:], vpcId: String? = nil
    ) throws -> LoadBalancerRecord {
        var record = try loadBalancer(arn: arn)
        if let vpcId { record.vpcId = vpcId }
        var zones: [LoadBalancerRecord.Zone] = []
        for subnet in subnets {
            let zone = knownZones[subnet] ?? self.zone(ofSubnet: subnet, region: region)
            if let other = zones.first(where: { $0.zoneName == zone }) {
                throw AdmiralError.invalidConfiguration(
                    "A load balancer cannot be attached to multiple subnets in the same Availability Zone: "
                        + "'\(other.subnetId)' and '\(subnet)' are both in \(zone).")
            }
            zones.append(LoadBalancerRecord.Zone(subnetId: subnet, zoneName: zone))
        }
        record.zones = zones
        loadBalancers[record.id] = record
        return record
    }
}
