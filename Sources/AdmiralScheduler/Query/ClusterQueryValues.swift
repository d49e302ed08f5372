import Foundation

/// Conversions and comparisons of the values that cluster query expressions compare.
enum ClusterQueryValues {
    /// Parses the date formats ECS accepts: `2018-06-18T22:28:28+00:00`,
    /// `2018-06-18T22:28:28Z`, `2018-06-18T22:28:28` (UTC) and `2018-06-18`.
    static func date(_ text: String) -> Date? {
        let withZone = ISO8601DateFormatter()
        withZone.formatOptions = [.withInternetDateTime]
        if let date = withZone.date(from: text) { return date }
        let local = ISO8601DateFormatter()
        local.timeZone = TimeZone(identifier: "UTC")
        local.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        if let date = local.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.timeZone = TimeZone(identifier: "UTC")
        day.formatOptions = [.withFullDate, .withDashSeparatorInDate]
        return day.date(from: text)
    }

    /// Parses a dotted version such as `1.14.5` (a leading `v` is allowed).
    static func version(_ text: String) -> [Int]? {
        let trimmed = text.hasPrefix("v") ? String(text.dropFirst()) : text
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
        return parts.compactMap { $0 }
    }

    /// Compares versions part by part; missing parts count as zero.
    static func compare(_ left: [Int], _ right: [Int]) -> Int {
        for position in 0..<max(left.count, right.count) {
            let lhs = position < left.count ? left[position] : 0
            let rhs = position < right.count ? right[position] : 0
            if lhs != rhs { return lhs < rhs ? -1 : 1 }
        }
        return 0
    }

    /// Compares attribute values: as numbers when both are numbers, as versions when both
    /// are dotted versions, otherwise as strings.
    static func compare(_ left: String, _ right: String) -> Int {
        if let lhs = Double(left), let rhs = Double(right) {
            return lhs == rhs ? 0 : (lhs < rhs ? -1 : 1)
        }
        if let lhs = version(left), let rhs = version(right) { return compare(lhs, rhs) }
        return left == right ? 0 : (left < right ? -1 : 1)
    }

    /// Whether a value equals a literal, where `*` in the literal matches any run of characters.
    static func matches(_ value: String, _ literal: ClusterQuery.Literal) -> Bool {
        guard literal.hasWildcard else { return value == literal.text }
        return glob(Array(value.utf8)[...], Array(literal.text.utf8)[...])
    }

    private static func glob(_ value: ArraySlice<UInt8>, _ pattern: ArraySlice<UInt8>) -> Bool {
        let star = UInt8(ascii: "*")
        var valueIndex = value.startIndex
        var patternIndex = pattern.startIndex
        var backtrack: (pattern: Int, value: Int)?
        while valueIndex < value.endIndex {
            if patternIndex < pattern.endIndex, pattern[patternIndex] == star {
                backtrack = (patternIndex, valueIndex)
                patternIndex += 1
            } else if patternIndex < pattern.endIndex, pattern[patternIndex] == value[valueIndex] {
                patternIndex += 1
                valueIndex += 1
            } else if let saved = backtrack {
                patternIndex = saved.pattern + 1
                valueIndex = saved.value + 1
                backtrack = (saved.pattern, saved.value + 1)
            } else {
                return false
            }
        }
        while patternIndex < pattern.endIndex, pattern[patternIndex] == star { patternIndex += 1 }
        return patternIndex == pattern.endIndex
    }
}
