import AdmiralModel
import AdmiralStore
import Foundation

extension EC2Service {
    func wire(_ group: SecurityGroupRecord) -> EC2.SecurityGroup {
        EC2.SecurityGroup(
            groupId: group.groupId, ipPermissionsEgress: Self.permissions(group.egress, accountId: accountId),
            tags: Self.wireTags(group.tags), vpcId: group.vpcId,
            securityGroupArn: "arn:aws:ec2:\(region):\(accountId):security-group/\(group.groupId)", ownerId: accountId,
            groupName: group.groupName, description: group.description,
            ipPermissions: Self.permissions(group.ingress, accountId: accountId))
    }

    /// Rules grouped back into `IpPermission`s by protocol and ports, as EC2 lists them.
    static func permissions(_ rules: [SecurityGroupRule], accountId: String) -> [EC2.IpPermission] {
        var order: [String] = []
        var byKey: [String: EC2.IpPermission] = [:]
        for rule in rules {
            let key = "\(rule.ipProtocol)/\(rule.fromPort ?? -2)/\(rule.toPort ?? -2)"
            var permission =
                byKey[key]
                ?? EC2.IpPermission(
                    ipProtocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort, userIdGroupPairs: [],
                    ipRanges: [], ipv6Ranges: [], prefixListIds: [])
            if byKey[key] == nil { order.append(key) }
            switch rule.source {
            case .cidrIPv4(let cidr):
                permission.ipRanges?.append(EC2.IpRange(description: rule.description, cidrIp: cidr))
            case .cidrIPv6(let cidr):
                permission.ipv6Ranges?.append(EC2.Ipv6Range(description: rule.description, cidrIpv6: cidr))
            case .group(let id):
                permission.userIdGroupPairs?.append(
                    EC2.UserIdGroupPair(description: rule.description, userId: accountId, groupId: id))
            case .prefixList(let id):
                permission.prefixListIds?.append(EC2.PrefixListId(description: rule.description, prefixListId: id))
            }
            byKey[key] = permission
        }
        return order.compactMap { byKey[$0] }
    }

    /// Splits `IpPermissions` (or the old top-level form) into single-source rules,
    /// checking protocols, ports, ranges and referenced groups.
    static func rules(
        _ permissions: [EC2.IpPermission]?, ipProtocol: String?, fromPort: Int?, toPort: Int?, cidrIp: String?,
        sourceGroupName: String?, vpcId: String, state: EC2State
    ) throws(AdmiralError) -> [SecurityGroupRule] {
        var permissions = permissions ?? []
        if ipProtocol != nil || cidrIp != nil || sourceGroupName != nil {
            var permission = EC2.IpPermission(
                ipProtocol: ipProtocol ?? "-1", fromPort: fromPort, toPort: toPort)
            if let cidrIp { permission.ipRanges = [EC2.IpRange(cidrIp: cidrIp)] }
            if let sourceGroupName { permission.userIdGroupPairs = [EC2.UserIdGroupPair(groupName: sourceGroupName)] }
            permissions.append(permission)
        }
        guard !permissions.isEmpty else {
            throw EC2Errors.missingParameter("No ip permissions were given: name IpPermissions or IpProtocol.")
        }
        var rules: [SecurityGroupRule] = []
        for permission in permissions {
            let (proto, from, to) = try normalize(
                permission.ipProtocol ?? "", fromPort: permission.fromPort, toPort: permission.toPort)
            var sources: [(SecurityGroupRule.Source, String?)] = []
            for range in permission.ipRanges ?? [] {
                guard let text = range.cidrIp, let cidr = IPv4CIDR(text) else {
                    throw EC2Errors.invalidParameterValue(
                        "CIDR block \(range.cidrIp ?? "") is malformed")
                }
                sources.append((.cidrIPv4(cidr.description), range.description))
            }
            for range in permission.ipv6Ranges ?? [] {
                guard let text = range.cidrIpv6, text.contains(":"), text.contains("/") else {
                    throw EC2Errors.invalidParameterValue("CIDR block \(range.cidrIpv6 ?? "") is malformed")
                }
                sources.append((.cidrIPv6(text.lowercased()), range.description))
            }
            for pair in permission.userIdGroupPairs ?? [] {
                let group: SecurityGroupRecord?
                if let id = pair.groupId {
                    group = state.securityGroups[id]
                    if group == nil {
                        throw EC2Errors.notFound("InvalidGroup.NotFound", "The security group '\(id)' does not exist")
                    }
                } else if let name = pair.groupName {
                    group = state.securityGroups.values.first { $0.vpcId == vpcId && $0.groupName == name }
                    if group == nil {
                        throw EC2Errors.notFound(
                            "InvalidGroup.NotFound", "The security group '\(name)' does not exist in VPC '\(vpcId)'")
                    }
                } else {
                    throw EC2Errors.missingParameter("A UserIdGroupPair must name a GroupId or a GroupName.")
                }
                if let group { sources.append((.group(group.groupId), pair.description)) }
            }
            for list in permission.prefixListIds ?? [] {
                guard let id = list.prefixListId else {
                    throw EC2Errors.missingParameter("A PrefixListId must name its prefix list.")
                }
                sources.append((.prefixList(id), list.description))
            }
            guard !sources.isEmpty else {
                throw EC2Errors.missingParameter(
                    "An ip permission must name at least one of IpRanges, Ipv6Ranges, UserIdGroupPairs, PrefixListIds.")
            }
            for (source, description) in sources {
                rules.append(
                    SecurityGroupRule(
                        ipProtocol: proto, fromPort: from, toPort: to, source: source, description: description))
            }
        }
        return rules
    }

    /// EC2's protocol and port rules: `tcp`, `udp`, `icmp` (or their numbers), `-1` for
    /// all traffic (ports dropped), other numbers for other protocols.
    static func normalize(_ raw: String, fromPort: Int?, toPort: Int?) throws(AdmiralError) -> (String, Int?, Int?) {
        let names = ["6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"]
        let proto = names[raw.lowercased()] ?? raw.lowercased()
        switch proto {
        case "-1":
            return ("-1", nil, nil)
        case "tcp", "udp":
            guard let fromPort, let toPort else {
                throw EC2Errors.invalidParameterValue(
                    "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.")
            }
            guard (0...65535).contains(fromPort), (0...65535).contains(toPort), fromPort <= toPort else {
                throw EC2Errors.invalidParameterValue(
                    "Invalid value 'Invalid TCP/UDP port range \(fromPort) - \(toPort).' for portRange.")
            }
            return (proto, fromPort, toPort)
        case "icmp", "icmpv6":
            let from = fromPort ?? -1
            let to = toPort ?? -1
            guard (-1...255).contains(from), (-1...255).contains(to) else {
                throw EC2Errors.invalidParameterValue("Invalid value for ICMP type or code.")
            }
            return (proto, from, to)
        default:
            guard let number = Int(proto), (0...255).contains(number) else {
                throw EC2Errors.invalidParameterValue("Invalid value '\(raw)' for IP protocol. Unknown protocol.")
            }
            return (proto, fromPort, toPort)
        }
    }

    public func createSecurityGroup(_ input: EC2.CreateSecurityGroupRequest, context: RequestContext) async throws
        -> EC2.CreateSecurityGroupResult
    {
        let name = input.groupName
        guard !name.isEmpty, name.count <= 255, !name.lowercased().hasPrefix("sg-") else {
            throw EC2Errors.invalidParameterValue(
                "Value (\(name)) for parameter GroupName is invalid. Group names may not be empty, longer than 255 "
                    + "characters, or start with sg-.")
        }
        guard name != "default" else {
            throw EC2Errors.invalidParameterValue("The security group name 'default' is reserved.")
        }
        guard !input.description.isEmpty, input.description.count <= 255 else {
            throw EC2Errors.invalidParameterValue("The group description must be 1 to 255 characters.")
        }
        let tags = try Self.tags(input.tagSpecifications, for: .securityGroup)
        let requestedVpc = input.vpcId
        let description = input.description
        let group = try await update { state in
            let vpcId: String
            if let requestedVpc {
                guard state.vpcs[requestedVpc] != nil else {
                    throw EC2Errors.notFound("InvalidVpcID.NotFound", "The vpc ID '\(requestedVpc)' does not exist")
                }
                vpcId = requestedVpc
            } else {
                guard let vpc = state.defaultVpc else {
                    throw EC2Errors.code("VPCIdNotSpecified", "No default VPC for this user.")
                }
                vpcId = vpc.vpcId
            }
            if state.securityGroups.values.contains(where: { $0.vpcId == vpcId && $0.groupName == name }) {
                throw EC2Errors.code(
                    "InvalidGroup.Duplicate", "The security group '\(name)' already exists for VPC '\(vpcId)'")
            }
            let group = SecurityGroupRecord(
                groupId: EC2IDs.make("sg"), groupName: name, description: description, vpcId: vpcId, ingress: [],
                egress: [
                    SecurityGroupRule(ipProtocol: "-1", fromPort: nil, toPort: nil, source: .cidrIPv4("0.0.0.0/0"))
                ],
                tags: tags)
            state.securityGroups[group.groupId] = group
            return group
        }
        return EC2.CreateSecurityGroupResult(
            groupId: group.groupId, tags: tags.isEmpty ? nil : Self.wireTags(tags),
            securityGroupArn: "arn:aws:ec2:\(region):\(accountId):security-group/\(group.groupId)")
    }

    /// The group a call names by id, or by name in the default VPC.
    static func group(id: String?, name: String?, in state: EC2State) throws(AdmiralError) -> SecurityGroupRecord {
        if let id {
            guard let group = state.securityGroups[id] else {
                throw EC2Errors.notFound("InvalidGroup.NotFound", "The security group '\(id)' does not exist")
            }
            return group
        }
        guard let name else {
            throw EC2Errors.missingParameter("The request must contain the parameter groupName or groupId")
        }
        guard let vpc = state.defaultVpc,
            let group = state.securityGroups.values.first(where: { $0.vpcId == vpc.vpcId && $0.groupName == name })
        else {
            throw EC2Errors.notFound(
                "InvalidGroup.NotFound", "The security group '\(name)' does not exist in default VPC")
        }
        return group
    }

    public func describeSecurityGroups(_ input: EC2.DescribeSecurityGroupsRequest, context: RequestContext)
        async throws -> EC2.DescribeSecurityGroupsResult
    {
        let filters = try EC2FilterSet(
            input.filters,
            allowed: [
                "description", "egress.ip-permission.cidr", "egress.ip-permission.from-port",
                "egress.ip-permission.group-id", "egress.ip-permission.protocol", "egress.ip-permission.to-port",
                "group-id", "group-name", "ip-permission.cidr", "ip-permission.from-port", "ip-permission.group-id",
                "ip-permission.protocol", "ip-permission.to-port", "owner-id", "vpc-id",
            ])
        let state = try await self.state()
        try Self.requireKnown(
            input.groupIds, in: Set(state.securityGroups.keys), code: "InvalidGroup.NotFound", noun: "security group")
        if let names = input.groupNames {
            let defaultVpc = state.defaultVpc?.vpcId
            for name in names
            where !state.securityGroups.values.contains(where: { $0.groupName == name && $0.vpcId == defaultVpc }) {
                throw EC2Errors.notFound(
                    "InvalidGroup.NotFound", "The security group '\(name)' does not exist in default VPC")
            }
        }
        func values(_ rules: [SecurityGroupRule], _ field: String) -> [String] {
            rules.compactMap { rule in
                switch field {
                case "cidr": if case .cidrIPv4(let c) = rule.source { c } else { nil }
                case "from-port": rule.fromPort.map(String.init)
                case "to-port": rule.toPort.map(String.init)
                case "group-id": if case .group(let g) = rule.source { g } else { nil }
                case "protocol": rule.ipProtocol
                default: nil
                }
            }
        }
        let matching = state.securityGroups.values.filter { group in
            if let ids = input.groupIds, !ids.contains(group.groupId) { return false }
            if let names = input.groupNames,
                !(names.contains(group.groupName) && group.vpcId == state.defaultVpc?.vpcId)
            {
                return false
            }
            return filters.matches(tags: group.tags) { name in
                switch name {
                case "description": [group.description]
                case "group-id": [group.groupId]
                case "group-name": [group.groupName]
                case "owner-id": [self.accountId]
                case "vpc-id": [group.vpcId]
                default:
                    if name.hasPrefix("egress.ip-permission.") {
                        values(group.egress, String(name.dropFirst("egress.ip-permission.".count)))
                    } else if name.hasPrefix("ip-permission.") {
                        values(group.ingress, String(name.dropFirst("ip-permission.".count)))
                    } else {
                        []
                    }
                }
            }
        }.sorted { $0.groupId < $1.groupId }
        let page = try Self.page(matching, key: \.groupId, maxResults: input.maxResults, nextToken: input.nextToken)
        return EC2.DescribeSecurityGroupsResult(nextToken: page.nextToken, securityGroups: page.items.map(wire))
    }

    enum Direction: Sendable { case ingress, egress }

    /// Adds rules to a group: a rule that exists already is `InvalidPermission.Duplicate`.
    func authorize(
        groupId: String?, groupName: String?, direction: Direction, permissions: [EC2.IpPermission]?,
        ipProtocol: String?, fromPort: Int?, toPort: Int?, cidrIp: String?, sourceGroupName: String?
    ) async throws -> [EC2.SecurityGroupRule] {
        let accountId = self.accountId
        return try await update { state in
            var group = try Self.group(id: groupId, name: groupName, in: state)
            let added = try Self.rules(
                permissions, ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort, cidrIp: cidrIp,
                sourceGroupName: sourceGroupName, vpcId: group.vpcId, state: state)
            var rules = direction == .ingress ? group.ingress : group.egress
            for rule in added {
                if rules.contains(where: { $0.sameTraffic(rule) }) {
                    throw EC2Errors.code(
                        "InvalidPermission.Duplicate",
                        "the specified rule \"peer: \(Self.peer(rule.source)), \(rule.ipProtocol.uppercased()), from port: "
                            + "\(rule.fromPort.map(String.init) ?? "all"), to port: \(rule.toPort.map(String.init) ?? "all"), "
                            + "ALLOW\" already exists")
                }
                rules.append(rule)
            }
            if direction == .ingress { group.ingress = rules } else { group.egress = rules }
            state.securityGroups[group.groupId] = group
            return added.map { rule in
                var wire = EC2.SecurityGroupRule(
                    securityGroupRuleId: EC2IDs.make("sgr"), groupId: group.groupId, groupOwnerId: accountId,
                    isEgress: direction == .egress, ipProtocol: rule.ipProtocol, fromPort: rule.fromPort ?? -1,
                    toPort: rule.toPort ?? -1, description: rule.description)
                switch rule.source {
                case .cidrIPv4(let c): wire.cidrIpv4 = c
                case .cidrIPv6(let c): wire.cidrIpv6 = c
                case .prefixList(let p): wire.prefixListId = p
                case .group(let g):
                    wire.referencedGroupInfo = EC2.ReferencedSecurityGroup(groupId: g, userId: accountId)
                }
                return wire
            }
        }
    }

    static func peer(_ source: SecurityGroupRule.Source) -> String {
        switch source {
        case .cidrIPv4(let c), .cidrIPv6(let c), .group(let c), .prefixList(let c): c
        }
    }

    /// Removes rules from a group: a rule that is not there is `InvalidPermission.NotFound`.
    func revoke(
        groupId: String?, groupName: String?, direction: Direction, permissions: [EC2.IpPermission]?,
        ipProtocol: String?, fromPort: Int?, toPort: Int?, cidrIp: String?, sourceGroupName: String?
    ) async throws {
        try await update { state in
            var group = try Self.group(id: groupId, name: groupName, in: state)
            let removed = try Self.rules(
                permissions, ipProtocol: ipProtocol, fromPort: fromPort, toPort: toPort, cidrIp: cidrIp,
                sourceGroupName: sourceGroupName, vpcId: group.vpcId, state: state)
            var rules = direction == .ingress ? group.ingress : group.egress
            for rule in removed {
                guard let index = rules.firstIndex(where: { $0.sameTraffic(rule) }) else {
                    throw EC2Errors.code(
                        "InvalidPermission.NotFound",
                        "The specified rule does not exist in this security group.")
                }
                rules.remove(at: index)
            }
            if direction == .ingress { group.ingress = rules } else { group.egress = rules }
            state.securityGroups[group.groupId] = group
        }
    }

    public func authorizeSecurityGroupIngress(
        _ input: EC2.AuthorizeSecurityGroupIngressRequest, context: RequestContext
    ) async throws -> EC2.AuthorizeSecurityGroupIngressResult {
        let rules = try await authorize(
            groupId: input.groupId, groupName: input.groupName, direction: .ingress, permissions: input.ipPermissions,
            ipProtocol: input.ipProtocol, fromPort: input.fromPort, toPort: input.toPort, cidrIp: input.cidrIp,
            sourceGroupName: input.sourceSecurityGroupName)
        return EC2.AuthorizeSecurityGroupIngressResult(return: true, securityGroupRules: rules)
    }

    public func authorizeSecurityGroupEgress(
        _ input: EC2.AuthorizeSecurityGroupEgressRequest, context: RequestContext
    ) async throws -> EC2.AuthorizeSecurityGroupEgressResult {
        let rules = try await authorize(
            groupId: input.groupId, groupName: nil, direction: .egress, permissions: input.ipPermissions,
            ipProtocol: input.ipProtocol, fromPort: input.fromPort, toPort: input.toPort, cidrIp: input.cidrIp,
            sourceGroupName: input.sourceSecurityGroupName)
        return EC2.AuthorizeSecurityGroupEgressResult(return: true, securityGroupRules: rules)
    }

    public func revokeSecurityGroupIngress(_ input: EC2.RevokeSecurityGroupIngressRequest, context: RequestContext)
        async throws -> EC2.RevokeSecurityGroupIngressResult
    {
        try await revoke(
            groupId: input.groupId, groupName: input.groupName, direction: .ingress, permissions: input.ipPermissions,
            ipProtocol: input.ipProtocol, fromPort: input.fromPort, toPort: input.toPort, cidrIp: input.cidrIp,
            sourceGroupName: input.sourceSecurityGroupName)
        return EC2.RevokeSecurityGroupIngressResult(return: true)
    }

    public func revokeSecurityGroupEgress(_ input: EC2.RevokeSecurityGroupEgressRequest, context: RequestContext)
        async throws -> EC2.RevokeSecurityGroupEgressResult
    {
        try await revoke(
            groupId: input.groupId, groupName: nil, direction: .egress, permissions: input.ipPermissions,
            ipProtocol: input.ipProtocol, fromPort: input.fromPort, toPort: input.toPort, cidrIp: input.cidrIp,
            sourceGroupName: input.sourceSecurityGroupName)
        return EC2.RevokeSecurityGroupEgressResult(return: true)
    }

    public func deleteSecurityGroup(_ input: EC2.DeleteSecurityGroupRequest, context: RequestContext) async throws
        -> EC2.DeleteSecurityGroupResult
    {
        let groupId = input.groupId
        let groupName = input.groupName
        let deleted = try await update { state in
            let group = try Self.group(id: groupId, name: groupName, in: state)
            if group.groupName == "default" {
                throw EC2Errors.code(
                    "CannotDelete",
                    "the specified group: \"\(group.groupId)\" name: \"default\" cannot be deleted by a user")
            }
            let inUse = state.instances.values.contains {
                $0.state != .terminated && $0.securityGroupIds.contains(group.groupId)
            }
            let referenced = state.securityGroups.values.contains { other in
                other.groupId != group.groupId
                    && (other.ingress + other.egress).contains { $0.source == .group(group.groupId) }
            }
            if inUse || referenced {
                throw EC2Errors.dependencyViolation("resource \(group.groupId) has a dependent object")
            }
            state.securityGroups[group.groupId] = nil
            return group.groupId
        }
        return EC2.DeleteSecurityGroupResult(return: true, groupId: deleted)
    }
}
