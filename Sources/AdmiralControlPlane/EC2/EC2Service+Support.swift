import AdmiralModel
import AdmiralStore
import Foundation

extension EC2Service {
    /// The tags of a Create call's `TagSpecifications` for one resource type (EC2 refuses
    /// a specification for another type of resource).
    static func tags(
        _ specifications: [EC2.TagSpecification]?, for resourceType: EC2.ResourceType,
        also: Set<EC2.ResourceType> = []
    ) throws(AdmiralError) -> [String: String] {
        var tags: [String: String] = [:]
        for specification in specifications ?? [] {
            guard let type = specification.resourceType else {
                throw EC2Errors.invalidParameterValue("A tag specification must name its resource type.")
            }
            guard type == resourceType || also.contains(type) else {
                throw EC2Errors.invalidParameterValue(
                    "'\(type.rawValue)' is not a valid taggable resource type for this operation.")
            }
            guard type == resourceType else { continue }
            for tag in specification.tags ?? [] {
                tags[tag.key ?? ""] = tag.value ?? ""
            }
        }
        try checkTags(tags)
        return tags
    }

    /// EC2's tag rules: keys of 1…128 characters not starting with `aws:`, values up to
    /// 256, at most 50 a resource.
    static func checkTags(_ tags: [String: String]) throws(AdmiralError) {
        for (key, value) in tags {
            guard !key.isEmpty, key.count <= 128 else {
                throw EC2Errors.invalidParameterValue("Tag key must be between 1 and 128 characters: '\(key)'.")
            }
            guard value.count <= 256 else {
                throw EC2Errors.invalidParameterValue("Tag value exceeds the maximum length of 256 characters.")
            }
        }
        guard tags.count <= 50 else {
            throw EC2Errors.code("TagLimitExceeded", "The maximum number of tags (50) for a resource was exceeded.")
        }
    }

    /// Tags as the wire lists them, by key.
    static func wireTags(_ tags: [String: String]) -> [EC2.Tag] {
        tags.keys.sorted().map { EC2.Tag(key: $0, value: tags[$0]) }
    }

    /// One page of `items` (sorted by `key`) after `nextToken`, at most `maxResults`
    /// (`bounds`: EC2's accepted range for the call). The token is the last key, base64.
    static func page<T>(
        _ items: [T], key: (T) -> String, maxResults: Int?, nextToken: String?, bounds: ClosedRange<Int> = 5...1000
    ) throws(AdmiralError) -> (items: [T], nextToken: String?) {
        var items = items
        if let nextToken {
            guard let data = Data(base64Encoded: nextToken), let after = String(data: data, encoding: .utf8) else {
                throw EC2Errors.invalidParameterValue("The token '\(nextToken)' is invalid.")
            }
            items = items.filter { key($0) > after }
        }
        guard let maxResults else { return (items, nil) }
        guard bounds.contains(maxResults) else {
            throw EC2Errors.invalidParameterValue(
                "Value ( \(maxResults) ) for parameter maxResults is invalid. Expecting a value between "
                    + "\(bounds.lowerBound) and \(bounds.upperBound).")
        }
        guard items.count > maxResults else { return (items, nil) }
        let page = Array(items.prefix(maxResults))
        let token = page.last.map { Data(key($0).utf8).base64EncodedString() }
        return (page, token)
    }

    /// Checks that requested ids exist: the first unknown one is `code` (EC2 names them all;
    /// `The vpc ID 'vpc-1' does not exist`).
    static func requireKnown(_ ids: [String]?, in known: Set<String>, code: String, noun: String) throws(AdmiralError) {
        let missing = (ids ?? []).filter { !known.contains($0) }
        guard missing.isEmpty else {
            let quoted = missing.map { "'\($0)'" }.joined(separator: ", ")
            throw EC2Errors.notFound(
                code,
                missing.count == 1
                    ? "The \(noun) ID \(quoted) does not exist" : "The \(noun) IDs \(quoted) do not exist")
        }
    }

    static func bool(_ value: Bool) -> String { value ? "true" : "false" }
}
