import NIOCore

/// What a remote peer's bytes reach in the data plane, without sockets: the entry points
/// of the coverage-guided fuzz targets (`tools/libfuzzer/`). Each must return for any input, never
/// trap.
@_spi(Fuzzing) public enum FuzzingEntry {
    /// Rules with every kind of condition, compiled once.
    static let conditions: [CompiledCondition] = [
        RuleCondition.pathPattern(["/api/*", "*.png", "/a?c/*/d"]), .hostHeader(["*.example.com", "admiral"]),
        .httpHeader(name: "X-Version", values: ["v2*", "beta"]), .httpRequestMethod(["GET", "POST"]),
        .queryString([QueryStringPair(key: "k*", value: "v?"), QueryStringPair(value: "*\\*x")]),
        .sourceIP(["10.0.0.0/8", "2001:db8::/32"]),
    ].compactMap { try? CompiledCondition($0, rule: "fuzz") }

    static let source = try? SocketAddress(ipAddress: "10.1.2.3", port: 40000)

    /// A client's bytes as the frontend reads them: the head found, parsed as a request
    /// and matched against rules of every kind (the path, host, headers, query string
    /// percent-decoded).
    public static func routeRequest(_ bytes: [UInt8]) {
        let buffer = ByteBuffer(bytes: bytes)
        var scanFrom = 0
        guard let length = try? HTTPHeadParser.headLength(in: buffer, scanFrom: &scanFrom),
            let head = try? HTTPHeadParser.parseRequest(buffer.getSlice(at: buffer.readerIndex, length: length) ?? buffer)
        else { return }
        let facts = RequestFacts(head: head, sourceAddress: source)
        for condition in conditions { _ = condition.matches(facts) }
        _ = facts.queryParameters()
    }

    /// A target's bytes as the backend side reads them: the head found (bare LF allowed)
    /// and parsed as a response, its framing decided.
    public static func parseResponse(_ bytes: [UInt8]) {
        let buffer = ByteBuffer(bytes: bytes)
        var scanFrom = 0
        guard let length = try? HTTPHeadParser.headLength(in: buffer, scanFrom: &scanFrom, allowBareLF: true),
            let slice = buffer.getSlice(at: buffer.readerIndex, length: length)
        else { return }
        _ = try? HTTPHeadParser.parseResponse(slice)
    }

    /// A rule's pattern from the API and a request's text: the first line is compiled as
    /// a pattern of each kind, the rest is matched against it.
    public static func matchWildcard(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let pattern = String(parts.first ?? "")
        let input = parts.count > 1 ? String(parts[1]) : ""
        for (caseInsensitive, escapes) in [(false, false), (true, false), (true, true)] {
            _ = WildcardPattern(pattern, caseInsensitive: caseInsensitive, escapes: escapes).matches(input)
        }
        _ = CIDRBlock(pattern)
    }
}
