import AdmiralModel
import AdmiralStore
import Foundation

extension LogsService {
    static func checkTags(_ tags: [String: String]) throws {
        guard tags.count <= Logs.Limits.tagsPerGroup else {
            throw AdmiralError.invalidParameter("A log group has at most \(Logs.Limits.tagsPerGroup) tags.")
        }
        for (key, value) in tags {
            guard (1...128).contains(key.count), value.count <= 256 else {
                throw AdmiralError.invalidParameter(
                    "Tag keys must be 1 to 128 characters and values at most 256 ('\(key)').")
            }
            if key.hasPrefix("aws:") {
                throw AdmiralError.invalidParameter("Tag keys starting with 'aws:' are reserved.")
            }
        }
    }

    /// The log group a tagging ARN names.
    static func taggedGroup(_ arn: String) throws -> String {
        guard arn.hasPrefix("arn:"), let name = LogNames.groupName(fromIdentifier: arn) else {
            throw AdmiralError(.resourceNotFound, "The resource \(arn) does not exist: Admiral tags log groups only.")
        }
        return name
    }

    func addTags(_ tags: [String: String], group: String) async throws {
        try Self.checkTags(tags)
        try await store.updateGroup(named: group) { record in
            let merged = record.tags.merging(tags) { $1 }
            guard merged.count <= Logs.Limits.tagsPerGroup else {
                throw AdmiralError.invalidParameter("A log group has at most \(Logs.Limits.tagsPerGroup) tags.")
            }
            record.tags = merged
        }
    }

    func removeTags(_ keys: [String], group: String) async throws {
        try await store.updateGroup(named: group) { record in
            for key in keys { record.tags.removeValue(forKey: key) }
        }
    }

    func tags(of group: String) async throws -> [String: String] {
        guard let record = try await store.group(named: group) else { throw LogStoreErrors.groupNotFound }
        return record.tags
    }

    /// TagResource.
    public func tagResource(_ input: Logs.TagResourceRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try await addTags(input.tags, group: try Self.taggedGroup(input.resourceArn))
        return Logs.EmptyOutput()
    }

    /// UntagResource.
    public func untagResource(_ input: Logs.UntagResourceRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try await removeTags(input.tagKeys, group: try Self.taggedGroup(input.resourceArn))
        return Logs.EmptyOutput()
    }

    /// ListTagsForResource.
    public func listTagsForResource(_ input: Logs.ListTagsForResourceRequest, context: RequestContext) async throws
        -> Logs.ListTagsForResourceResponse
    {
        Logs.ListTagsForResourceResponse(tags: try await tags(of: try Self.taggedGroup(input.resourceArn)))
    }

    /// TagLogGroup (the older call).
    public func tagLogGroup(_ input: Logs.TagLogGroupRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        try await addTags(input.tags, group: input.logGroupName)
        return Logs.EmptyOutput()
    }

    /// UntagLogGroup (the older call).
    public func untagLogGroup(_ input: Logs.UntagLogGroupRequest, context: RequestContext) async throws
        -> Logs.EmptyOutput
    {
        try LogNames.checkGroupName(input.logGroupName)
        try await removeTags(input.tags, group: input.logGroupName)
        return Logs.EmptyOutput()
    }

    /// ListTagsLogGroup (the older call).
    public func listTagsLogGroup(_ input: Logs.ListTagsLogGroupRequest, context: RequestContext) async throws
        -> Logs.ListTagsLogGroupResponse
    {
        try LogNames.checkGroupName(input.logGroupName)
        return Logs.ListTagsLogGroupResponse(tags: try await tags(of: input.logGroupName))
    }
}
