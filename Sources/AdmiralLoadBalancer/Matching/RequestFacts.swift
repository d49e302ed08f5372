import NIOCore
import NIOHTTP1

/// What rule conditions look at in one request.
struct RequestFacts {
    let method: String
    /// The path, without query string or fragment. An absolute-form target
    /// (`http://host/path`) is reduced to its path.
    let path: Substring
    /// The query string without its "?", or `nil` when there is none.
    let query: Substring?
    /// The Host header's name without its port, or `nil` without a Host header.
    let host: Substring?
    let headers: HTTPHeaders
    let sourceAddress: SocketAddress?

    init(head: HTTPHead, sourceAddress: SocketAddress?) {
        self.method = head.method
        self.headers = HTTPHeaders(head.allFields())
        self.sourceAddress = sourceAddress
        var target = Substring(head.target)
        if !target.hasPrefix("/"), let colon = target.firstIndex(of: ":"),
            target[colon...].hasPrefix("://")
        {
            let afterScheme = target[target.index(colon, offsetBy: 3)...]
            target = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? "/"
        }
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        if let question = target.firstIndex(of: "?") {
            self.path = target[..<question]
            self.query = target[target.index(after: question)...]
        } else {
            self.path = target
            self.query = nil
        }
        self.host = head.firstValue(of: .host).map { Self.hostWithoutPort(Substring($0)) }
    }

    /// `example.com:8080` → `example.com`; `[::1]:80` → `[::1]`.
    static func hostWithoutPort(_ value: Substring) -> Substring {
        let trimmed = value.trimmingSpaces
        if trimmed.hasPrefix("[") {
            if let close = trimmed.firstIndex(of: "]") { return trimmed[...close] }
            return trimmed
        }
        if let colon = trimmed.lastIndex(of: ":") { return trimmed[..<colon] }
        return trimmed
    }

    /// The query's parameters, percent-decoded; a parameter without "=" has an empty key
    /// and its text as value.
    func queryParameters() -> [(key: String?, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { part in
            if let equals = part.firstIndex(of: "=") {
                return (
                    key: Self.percentDecoded(part[..<equals]),
                    value: Self.percentDecoded(part[part.index(after: equals)...])
                )
            }
            return (key: nil, value: Self.percentDecoded(part))
        }
    }

    static func percentDecoded(_ text: Substring) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next() else {
                bytes.append(byte)
                break
            }
            guard let low = iterator.next() else {
                bytes.append(contentsOf: [byte, high])
                break
            }
            if let h = hexValue(high), let l = hexValue(low) {
                bytes.append(h << 4 | l)
            } else {
                bytes.append(contentsOf: [byte, high, low])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
