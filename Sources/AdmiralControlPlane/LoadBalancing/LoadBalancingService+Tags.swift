import AdmiralModel
import AdmiralStore
import Foundation

extension LoadBalancingService {
    /// AddTags: adds or overwrites tags on load balancers, target groups, listeners and
    /// rules; every resource must exist, and none ends up above 50 tags.
    public func addTags(_ input: ELBv2.AddTagsInput, context: RequestContext) async throws -> ELBv2.AddTagsOutput {
        try Self.checkConstraints(input)
        try Self.checkResources(input.resourceArns)
        guard !input.tags.isEmpty else { throw AdmiralError.validation("At least one tag must be specified.") }
        try ELBv2TagRules.validate(input.tags)
        let (arns, tags) = (input.resourceArns, input.tags)
        _ = try await mutate { state in try state.updateTags(of: arns, adding: tags, removing: []) }
        return ELBv2.AddTagsOutput()
    }

    /// RemoveTags: removes tags by key; keys a resource does not have are ignored.
    public func removeTags(_ input: ELBv2.RemoveTagsInput, context: RequestContext) async throws
        -> ELBv2.RemoveTagsOutput
    {
        try Self.checkConstraints(input)
        try Self.checkResources(input.resourceArns)
        let (arns, keys) = (input.resourceArns, input.tagKeys)
        _ = try await mutate { state in try state.updateTags(of: arns, adding: [], removing: keys) }
        return ELBv2.RemoveTagsOutput()
    }

    /// DescribeTags: the tags of each resource, in the order given.
    public func describeTags(_ input: ELBv2.DescribeTagsInput, context: RequestContext) async throws
        -> ELBv2.DescribeTagsOutput
    {
        try Self.checkConstraints(input)
        try Self.checkResources(input.resourceArns)
        let state = try await store.loadBalancingState()
        let descriptions = try input.resourceArns.map { arn in
            ELBv2.TagDescription(resourceArn: arn, tags: try state.tags(of: arn))
        }
        return ELBv2.DescribeTagsOutput(tagDescriptions: descriptions)
    }

    static func checkResources(_ arns: [String]) throws {
        guard !arns.isEmpty else { throw AdmiralError.validation("At least one resource ARN must be specified.") }
        try checkCount(arns, "resource ARNs")
    }
}
