import Foundation

/// EC2's `Filter` semantics on Describe calls: each filter names a property and lists
/// values; a resource passes a filter when any of its values for that property matches
/// any of the filter's values (`*` matches any run of characters, `?` one; `\` escapes
/// them), and passes the set when it passes every filter. `tag:KEY` filters on a tag's
/// value, `tag-key` and `tag-value` on tag keys and values.
public struct EC2FilterSet: Sendable {
    /// One filter: a name and the values any of which may match.
    public struct Filter: Sendable, Equatable {
        public var name: String
        public var values: [String]
        public init(name: String, values: [String]) {
            self.name = name
            self.values = values
        }
    }

    public var filters: [Filter]

    /// Reads the request's filters, refusing a name the call does not know (EC2's
    /// `InvalidParameterValue`) and a filter without a name.
    public init(_ filters: [EC2.Filter]?, allowed names: Set<String>) throws(AdmiralError) {
        var parsed: [Filter] = []
        for filter in filters ?? [] {
            guard let name = filter.name, !name.isEmpty else {
                throw EC2Errors.invalidParameterValue("The filter name must not be empty.")
            }
            guard names.contains(name) || name.hasPrefix("tag:") || name == "tag-key" || name == "tag-value" else {
                throw EC2Errors.invalidParameterValue(
                    "The filter '\(name)' is invalid")
            }
            parsed.append(Filter(name: name, values: filter.values ?? []))
        }
        self.filters = parsed
    }

    /// Whether a resource passes: `values(name)` gives the resource's values for a filter
    /// name (several for lists such as a group's rules), `tags` its tags.
    public func matches(tags: [String: String], values: (String) -> [String]) -> Bool {
        filters.allSatisfy { filter in
            let candidates: [String]
            if filter.name.hasPrefix("tag:") {
                candidates = tags[String(filter.name.dropFirst(4))].map { [$0] } ?? []
            } else if filter.name == "tag-key" {
                candidates = Array(tags.keys)
            } else if filter.name == "tag-value" {
                candidates = Array(tags.values)
            } else {
                candidates = values(filter.name)
            }
            return filter.values.contains { pattern in candidates.contains { Self.wildcard(pattern, matches: $0) } }
        }
    }

    /// `*` and `?` wildcards, `\` escaping the next character.
    public static func wildcard(_ pattern: String, matches value: String) -> Bool {
        let p = Array(pattern)
        let v = Array(value)
        // Tokens: literal characters, or nil for `*`, or "any one" for `?`.
        enum Token: Equatable { case literal(Character), any, star }
        var tokens: [Token] = []
        var index = 0
        while index < p.count {
            switch p[index] {
            case "\\" where index + 1 < p.count:
                tokens.append(.literal(p[index + 1]))
                index += 1
            case "*": tokens.append(.star)
            case "?": tokens.append(.any)
            default: tokens.append(.literal(p[index]))
            }
            index += 1
        }
        var t = 0
        var s = 0
        var starToken = -1
        var starValue = 0
        while s < v.count {
            if t < tokens.count, tokens[t] == .any || tokens[t] == .literal(v[s]) {
                t += 1
                s += 1
            } else if t < tokens.count, tokens[t] == .star {
                starToken = t
                starValue = s
                t += 1
            } else if starToken >= 0 {
                t = starToken + 1
                starValue += 1
                s = starValue
            } else {
                return false
            }
        }
        while t < tokens.count, tokens[t] == .star { t += 1 }
        return t == tokens.count
    }
}
