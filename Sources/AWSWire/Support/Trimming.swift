extension String {
    /// The string without leading and trailing spaces and tabs.
    ///
    /// Works on the UTF-8 view: Foundation's `trimmingCharacters(in:)` showed up in
    /// profiles of the signature check, which runs on every request.
    func trimmingSpaces() -> String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        guard let last = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
