import AdmiralModel

/// ECS's tag rules: at most 50 user tags per resource, keys of 1 to 128 characters,
/// values of up to 256, and the `aws:` prefix reserved.
public enum TagRules {
    public static let maximumTags = 50
    public static let maximumKeyLength = 128
    public static let maximumValueLength = 256

    /// Checks tags given in a request.
    public static func validate(_ tags: [ECS.Tag]) throws {
        var seen = Set<String>()
        for tag in tags {
            guard let key = tag.key, !key.isEmpty else {
                throw AdmiralError.invalidParameter("Tag keys must not be empty.")
            }
            try validateKey(key)
            let value = tag.value ?? ""
            guard value.count <= maximumValueLength else {
                throw AdmiralError.invalidParameter(
                    "Tag value of key '\(key)' is \(value.count) characters long; the limit is \(maximumValueLength).")
            }
            guard seen.insert(key).inserted else {
                throw AdmiralError.invalidParameter(
                    "Tag key '\(key)' appears more than once; each key may have only one value.")
            }
        }
        try validateCount(tags)
    }

    /// Checks a key given in a request.
    public static func validateKey(_ key: String) throws {
        guard (1...maximumKeyLength).contains(key.count) else {
            throw AdmiralError.invalidParameter(
                "Tag key '\(key.prefix(40))...' is \(key.count) characters long; keys have 1 to \(maximumKeyLength).")
        }
        guard !key.lowercased().hasPrefix("aws:") else {
            throw AdmiralError.invalidParameter(
                "Tag key '\(key)' uses the reserved prefix 'aws:'; choose a key without it.")
        }
    }

    /// Checks the number of tags a resource would end up with.
    public static func validateCount(_ tags: [ECS.Tag]) throws {
        guard tags.count <= maximumTags else {
            throw AdmiralError.invalidParameter(
                "A resource can have at most \(maximumTags) tags; this request would leave it with \(tags.count).")
        }
    }
}
