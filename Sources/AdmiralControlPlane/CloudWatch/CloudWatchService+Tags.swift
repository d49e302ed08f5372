import AdmiralModel
import AdmiralStore
import Foundation

extension CloudWatchService {
    /// TagResource: adds or replaces tags of an alarm or a dashboard.
    public func tagResource(_ input: CloudWatch.TagResourceInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        let key = try await resourceKey(input.resourceARN)
        try Self.checkTags(input.tags)
        let merged = Self.merge(try await store.tags(of: key), with: input.tags)
        guard merged.count <= 50 else {
            throw AdmiralError(.limitExceededFault, "A resource may have at most 50 tags.")
        }
        try await store.setTags(merged, of: key)
        return CloudWatch.EmptyOutput()
    }

    /// UntagResource.
    public func untagResource(_ input: CloudWatch.UntagResourceInput, context: RequestContext) async throws
        -> CloudWatch.EmptyOutput
    {
        let key = try await resourceKey(input.resourceARN)
        let removing = Set(input.tagKeys)
        try await store.setTags(try await store.tags(of: key).filter { !removing.contains($0.key) }, of: key)
        return CloudWatch.EmptyOutput()
    }

    /// ListTagsForResource.
    public func listTagsForResource(_ input: CloudWatch.ListTagsForResourceInput, context: RequestContext)
        async throws -> CloudWatch.ListTagsForResourceOutput
    {
        CloudWatch.ListTagsForResourceOutput(tags: try await store.tags(of: try await resourceKey(input.resourceARN)))
    }

    /// The tag key of an existing alarm or dashboard named by its ARN.
    func resourceKey(_ arn: String) async throws -> String {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "cloudwatch" else {
            throw AdmiralError.invalidValue("The value \(arn) for parameter ResourceARN is not a CloudWatch ARN.")
        }
        let resource = String(parts[5])
        if resource.hasPrefix("alarm:") {
            let name = String(resource.dropFirst("alarm:".count))
            guard try await store.alarms(named: [name]).first != nil else {
                throw AdmiralError(.cloudWatchResourceNotFound, "Alarm \(name) does not exist.")
            }
            return alarmKey(name)
        }
        if resource.hasPrefix("dashboard/") {
            let name = String(resource.dropFirst("dashboard/".count))
            guard try await store.dashboard(named: name) != nil else {
                throw AdmiralError(.cloudWatchResourceNotFound, "Dashboard \(name) does not exist.")
            }
            return dashboardKey(name)
        }
        throw AdmiralError.invalidValue(
            "The value \(arn) for parameter ResourceARN names neither an alarm nor a dashboard.")
    }

    static func checkTags(_ tags: [CloudWatch.Tag]) throws {
        guard tags.count <= 50 else {
            throw AdmiralError.invalidValue("The collection Tags must not have a size greater than 50.")
        }
        for tag in tags {
            guard !tag.key.isEmpty, tag.key.count <= 128, tag.value.count <= 256 else {
                throw AdmiralError.invalidValue(
                    "Tag keys must be 1 to 128 characters long and values at most 256: \(tag.key).")
            }
            if tag.key.hasPrefix("aws:") {
                throw AdmiralError.invalidValue("Tag keys may not begin with the reserved prefix aws: (\(tag.key)).")
            }
        }
    }

    /// `existing` with `added` put over it, in the order first set.
    static func merge(_ existing: [CloudWatch.Tag], with added: [CloudWatch.Tag]) -> [CloudWatch.Tag] {
        var result = existing
        for tag in added {
            if let index = result.firstIndex(where: { $0.key == tag.key }) {
                result[index] = tag
            } else {
                result.append(tag)
            }
        }
        return result
    }
}
