import AdmiralModel
import AdmiralStore
import Foundation

extension EC2Service {
    /// The tags of a resource, by id; nil when there is no such resource.
    static func tags(of id: String, in state: EC2State) -> (type: EC2.ResourceType, tags: [String: String])? {
        if let vpc = state.vpcs[id] { return (.vpc, vpc.tags) }
        if let subnet = state.subnets[id] { return (.subnet, subnet.tags) }
        if let group = state.securityGroups[id] { return (.securityGroup, group.tags) }
        if let instance = state.instances[id] { return (.instance, instance.tags) }
        if let template = state.launchTemplates[id] { return (.launchTemplate, template.tags) }
        return nil
    }

    /// Replaces a resource's tags.
    static func setTags(_ tags: [String: String], of id: String, in state: inout EC2State) {
        if state.vpcs[id] != nil { state.vpcs[id]?.tags = tags }
        if state.subnets[id] != nil { state.subnets[id]?.tags = tags }
        if state.securityGroups[id] != nil { state.securityGroups[id]?.tags = tags }
        if state.instances[id] != nil { state.instances[id]?.tags = tags }
        if state.launchTemplates[id] != nil { state.launchTemplates[id]?.tags = tags }
    }

    /// The not-found error for an id, by its prefix.
    static func unknownResource(_ id: String) -> AdmiralError {
        let kinds: [(String, String, String)] = [
            ("vpc-", "InvalidVpcID.NotFound", "vpc"), ("subnet-", "InvalidSubnetID.NotFound", "subnet"),
            ("sg-", "InvalidGroup.NotFound", "security group"), ("i-", "InvalidInstanceID.NotFound", "instance"),
            ("lt-", "InvalidLaunchTemplateId.NotFound", "launch template"),
        ]
        for (prefix, code, noun) in kinds where id.hasPrefix(prefix) {
            return EC2Errors.notFound(code, "The \(noun) ID '\(id)' does not exist")
        }
        return EC2Errors.code("InvalidID", "The ID '\(id)' is not valid")
    }

    public func createTags(_ input: EC2.CreateTagsRequest, context: RequestContext) async throws {
        var tags: [String: String] = [:]
        for tag in input.tags {
            guard let key = tag.key else { throw EC2Errors.missingParameter("A tag must have a key.") }
            if key.lowercased().hasPrefix("aws:") {
                throw EC2Errors.invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use")
            }
            tags[key] = tag.value ?? ""
        }
        try Self.checkTags(tags)
        let resources = input.resources
        let added = tags
        try await update { state in
            for id in resources {
                guard let existing = Self.tags(of: id, in: state) else { throw Self.unknownResource(id) }
                let merged = existing.tags.merging(added) { _, new in new }
                try Self.checkTags(merged)
                Self.setTags(merged, of: id, in: &state)
            }
        }
    }

    public func deleteTags(_ input: EC2.DeleteTagsRequest, context: RequestContext) async throws {
        let resources = input.resources
        let tags = input.tags
        try await update { state in
            for id in resources {
                guard var current = Self.tags(of: id, in: state)?.tags else { throw Self.unknownResource(id) }
                if let tags {
                    for tag in tags {
                        guard let key = tag.key else { continue }
                        // A tag named with a value is deleted only when the value matches.
                        if let value = tag.value, current[key] != value { continue }
                        current[key] = nil
                    }
                } else {
                    current = [:]
                }
                Self.setTags(current, of: id, in: &state)
            }
        }
    }

    public func describeTags(_ input: EC2.DescribeTagsRequest, context: RequestContext) async throws
        -> EC2.DescribeTagsResult
    {
        let filters = try EC2FilterSet(input.filters, allowed: ["key", "resource-id", "resource-type", "value"])
        let state = try await self.state()
        var ids: [String] = []
        ids += state.vpcs.keys
        ids += state.subnets.keys
        ids += state.securityGroups.keys
        ids += state.launchTemplates.keys
        ids += state.instances.values.filter { visible($0, now: context.now) }.map(\.instanceId)
        var descriptions: [EC2.TagDescription] = []
        for id in ids {
            guard let (type, tags) = Self.tags(of: id, in: state) else { continue }
            for (key, value) in tags {
                let passes = filters.filters.allSatisfy { filter in
                    let candidate: String? =
                        switch filter.name {
                        case "key": key
                        case "value": value
                        case "resource-id": id
                        case "resource-type": type.rawValue
                        default: nil
                        }
                    if filter.name.hasPrefix("tag:") {
                        return String(filter.name.dropFirst(4)) == key
                            && filter.values.contains { EC2FilterSet.wildcard($0, matches: value) }
                    }
                    if filter.name == "tag-key" {
                        return filter.values.contains { EC2FilterSet.wildcard($0, matches: key) }
                    }
                    guard let candidate else { return false }
                    return filter.values.contains { EC2FilterSet.wildcard($0, matches: candidate) }
                }
                if passes {
                    descriptions.append(EC2.TagDescription(key: key, resourceId: id, resourceType: type, value: value))
                }
            }
        }
        descriptions.sort { ($0.resourceId ?? "", $0.key ?? "") < ($1.resourceId ?? "", $1.key ?? "") }
        let page = try Self.page(
            descriptions, key: { "\($0.resourceId ?? "")\u{1}\($0.key ?? "")" }, maxResults: input.maxResults,
            nextToken: input.nextToken)
        return EC2.DescribeTagsResult(nextToken: page.nextToken, tags: page.items)
    }
}
