import Foundation

/// Where a run of bytes occurs in another: memchr for its first byte, memcmp for the rest.
/// Generic collection searches cost more per byte than the rest of the work of the callers
/// (filter terms over every log event, a marker in a request body before it is verified).
public enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack` at or after `from`; nil
    /// when there is none (or `needle` is empty).
    public static func firstOffset(
        of needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer, from: Int = 0
    ) -> Int? {
        guard let first = needle.first, let base = haystack.baseAddress, let pattern = needle.baseAddress else {
            return nil
        }
        var at = from
        let last = haystack.count - needle.count
        while at <= last {
            guard let hit = memchr(base + at, Int32(first), last - at + 1) else { return nil }
            let offset = base.distance(to: UnsafeRawPointer(hit))
            if memcmp(base + offset, pattern, needle.count) == 0 { return offset }
            at = offset + 1
        }
        return nil
    }
}
