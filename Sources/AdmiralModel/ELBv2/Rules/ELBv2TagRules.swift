/// The tag rules of Elastic Load Balancing: at most 50 tags per resource, keys of 1 to
/// 128 characters (their lengths and characters are checked by the model's constraints),
/// the `aws:` prefix reserved, and a key only once per request.
public enum ELBv2TagRules {
    /// Checks the tags of a request: `DuplicateTagKeys` for a key given twice,
    /// `ValidationError` for a reserved key.
    public static func validate(_ tags: [ELBv2.Tag]) throws {
        var seen = Set<String>()
        for tag in tags {
            try validateKey(tag.key)
            guard seen.insert(tag.key).inserted else {
                throw AdmiralError(.duplicateTagKeys, "Tag key '\(tag.key)' is duplicated; give each key once.")
            }
        }
    }

    /// Checks a tag key of a request.
    public static func validateKey(_ key: String) throws {
        if key.lowercased().hasPrefix("aws:") {
            throw AdmiralError.validation("Tag key '\(key)' uses the prefix 'aws:', which is reserved for AWS use.")
        }
    }

    /// Applies added and removed tags to a resource's tags (an added key overwrites the
    /// value and keeps its position) and checks the count: `TooManyTags` above 50.
    public static func apply(_ tags: [ELBv2.Tag], adding add: [ELBv2.Tag], removing keys: [String], resource: String)
        throws -> [ELBv2.Tag]
    {
        var result = tags
        for tag in add {
            if let index = result.firstIndex(where: { $0.key == tag.key }) {
                result[index].value = tag.value
            } else {
                result.append(tag)
            }
        }
        let removed = Set(keys)
        result.removeAll { removed.contains($0.key) }
        guard result.count <= ELBv2Limits.tagsPerResource else {
            throw AdmiralError(
                .tooManyTags,
                "The tag limit of \(ELBv2Limits.tagsPerResource) would be exceeded for '\(resource)' "
                    + "(it would have \(result.count) tags); remove tags first.")
        }
        return result
    }
}
